/** What a report knows of how to reach its reporter. */
export interface ReporterContact {
  reporterEmail: string | null;
  reporterPhone: string | null;
  reporterContactBy: string | null;
}

/**
 * A number a text message can reach: a UK mobile (07…, +44 7…) or an international number with its
 * country code. Landlines (01, 02, 03…) cannot take texts, so a reporter who asked for texts but gave
 * one hears from us by e-mail.
 */
export function textableNumber(phone: string | null | undefined): string | null {
  const digits = (phone ?? '').replace(/[\s()-]/g, '');
  if (/^(?:0|\+?44)7\d{9}$/.test(digits)) return digits.replace(/^(?:\+?44)/, '0');
  if (/^\+(?!44)[1-9]\d{7,14}$/.test(digits)) return digits;
  return null;
}

/** Whether the reporter asked for text messages and gave a number that takes them. */
export function wantsTexts(report: ReporterContact): boolean {
  return report.reporterContactBy === 'text' && textableNumber(report.reporterPhone) !== null;
}

/** Whether we can send the reporter anything: an e-mail address, or texts they asked for. */
export function reporterReachable(report: ReporterContact): boolean {
  return Boolean(report.reporterEmail) || wantsTexts(report);
}
