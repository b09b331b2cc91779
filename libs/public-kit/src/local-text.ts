/** A bilingual text in the language asked for, falling back to English where there is no Welsh. */
export function localText(text: { en: string; cy?: string | null } | null | undefined, language: 'en' | 'cy'): string {
  return text ? (language === 'cy' && text.cy) || text.en : '';
}
