import type { FileKind } from '@front-counter/forms';

/**
 * The formats accepted as each kind of evidence, as detected from a file's bytes (never its name or
 * the browser's claim). Anything else is refused: a `.jpg` that is really HTML or SVG has no entry
 * here, and neither has plain text (which could be markup) or an executable.
 */
export const FORMATS: Record<string, { kind: FileKind; label: string }> = {
  'image/jpeg': { kind: 'image', label: 'JPG' },
  'image/png': { kind: 'image', label: 'PNG' },
  'image/webp': { kind: 'image', label: 'WebP' },
  'image/gif': { kind: 'image', label: 'GIF' },
  'video/mp4': { kind: 'video', label: 'MP4' },
  'video/quicktime': { kind: 'video', label: 'MOV' },
  'video/vnd.avi': { kind: 'video', label: 'AVI' },
  'video/webm': { kind: 'video', label: 'WebM' },
  'video/matroska': { kind: 'video', label: 'MKV' },
  'video/3gpp': { kind: 'video', label: '3GP' },
  'application/pdf': { kind: 'document', label: 'PDF' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'document', label: 'Word (DOCX)' },
  'application/vnd.oasis.opendocument.text': { kind: 'document', label: 'OpenDocument text (ODT)' },
  'application/rtf': { kind: 'document', label: 'RTF' },
};

/** "JPG, PNG, WebP or GIF" for the kinds a question accepts: the error message names what would do. */
export function acceptedFormats(kinds: readonly FileKind[], language: 'en' | 'cy' = 'en'): string {
  const labels = [...new Set(Object.values(FORMATS).filter((format) => kinds.includes(format.kind)).map((format) => format.label))];
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} ${language === 'cy' ? 'neu' : 'or'} ${labels.at(-1)}` : (labels[0] ?? '');
}

/** Sizes as people write them: 98 KB, 20 MB, 2 GB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const mb = bytes / (1024 * 1024);
  if (mb >= 1024 && Number.isInteger(mb / 1024)) return `${mb / 1024} GB`;
  if (mb >= 1024) return `${(mb / 1024).toFixed(1)} GB`;
  return mb >= 10 || Number.isInteger(mb) ? `${Math.round(mb)} MB` : `${mb.toFixed(1)} MB`;
}
