/**
 * Checks a force's SVG logo. It is served only as an image (never inlined), which already stops
 * scripts running, but a logo is still refused if it carries anything active or external.
 */
export function svgLogoProblem(svg: string): string | undefined {
  if (Buffer.byteLength(svg) > 50_000) return 'is larger than 50 kB';
  if (!/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(svg)) return 'is not an SVG document';
  if (/<!DOCTYPE|<!ENTITY/i.test(svg)) return 'must not declare a DOCTYPE or entities';
  if (/<\s*(script|foreignObject|iframe|embed|object|use)\b/i.test(svg)) return 'must not contain script, foreignObject, use or embedded content';
  if (/\son[a-z]+\s*=/i.test(svg)) return 'must not contain event handler attributes';
  if (/(href|src)\s*=\s*["']\s*(?!#)/i.test(svg) || /url\(\s*["']?\s*(?!#)/i.test(svg)) return 'must not reference external resources';
  return undefined;
}
