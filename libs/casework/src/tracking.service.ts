import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { TenantTransactions } from '@front-counter/database';
import { fillText } from '@front-counter/forms';
import { enqueue } from '@front-counter/outbox';
import { FILE_NOT_PROCESSED, findReport, findReportForReporter, parseReference, REFERENCE_MESSAGES, Report, ReportLife, type ReportStatus } from '@front-counter/reports';
import { forceNames } from '@front-counter/tenancy';
import { countTry, insertCode, latestCode, markCodeUsed, openSession, recentCodes, sessionReportId } from './tracking.repository.js';
import { reportTimeline, serviceTitle } from './tracking.queries.js';

type Text = { en: string; cy: string };
export interface TrackingError {
  field: string;
  message: Text;
}

/**
 * A one-time code lasts ten minutes and allows five tries from each client, and 25 in all (against
 * guessing from many addresses); at most three codes per report an hour, not counting codes that
 * others' tries used up, so a stranger who knows a reference can never lock its reporter out.
 */
export const CODE_MINUTES = 10;
export const CODE_ATTEMPTS = 5;
export const CODE_ATTEMPTS_IN_ALL = 25;
export const CODES_PER_HOUR = 3;
/** A tracking session (after the code) lasts half an hour. */
export const TRACKING_SESSION_MINUTES = 30;

/** What the reporter's timeline shows: their own steps and the force's messages, never internal ones. */
export const REPORTER_VISIBLE_KINDS = ['evidence-added', FILE_NOT_PROCESSED, 'submitted', 'transferred', 'received', 'reporter-replied', 'external-reference', 'back-office-update'];
const isReporterVisible = (kind: string) => REPORTER_VISIBLE_KINDS.includes(kind) || kind.startsWith('decision:');

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The report of a live tracking session (the token as the reporter's cookie holds it), for other
 * libraries (evidence added through tracking); its row locked when asked. Undefined when the session
 * has ended or never was.
 */
export async function trackedReport(manager: EntityManager, token: string, options: { lock: boolean }): Promise<{ id: string; draftId: string; status: ReportStatus } | undefined> {
  if (!TOKEN.test(token ?? '')) return undefined;
  const reportId = await sessionReportId(manager, sha256(token));
  const report = reportId ? await findReport(manager, { id: reportId }, { lock: options.lock }) : null;
  return report ? { id: report.id, draftId: report.draftId, status: report.status } : undefined;
}

const MESSAGES = {
  email: { en: 'Enter the email address you gave with your report', cy: "Rhowch y cyfeiriad e-bost a roesoch gyda'ch adroddiad" },
  code: { en: 'Enter the 6-digit code from the email', cy: "Rhowch y cod 6 digid o'r e-bost" },
  codeWrong: { en: 'The code is not right. You have {left} more tries', cy: "Nid yw'r cod yn gywir. Mae gennych {left} cynnig arall" },
  codeSpent: { en: 'This code has expired or been used too many times. Ask for a new code', cy: "Mae'r cod hwn wedi dod i ben neu wedi'i ddefnyddio ormod o weithiau. Gofynnwch am god newydd" },
  message: { en: 'Enter your message', cy: 'Rhowch eich neges' },
  messageTooLong: { en: 'Your message must be 5,000 characters or fewer', cy: "Rhaid i'ch neges fod yn 5,000 o nodau neu lai" },
  session: { en: 'Your time to view this report has ended. Enter your reference and email again', cy: "Mae eich amser i weld yr adroddiad hwn wedi dod i ben. Rhowch eich cyfeirnod a'ch e-bost eto" },
};

/**
 * The reporter's side: a report is found by its reference and the e-mail address it was made with;
 * a one-time code sent to that address opens a short tracking session, which shows the status and
 * the force's messages and lets the reporter reply. Whether a reference exists is never revealed.
 */
@Injectable()
export class TrackingService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditService,
    private readonly life: ReportLife,
  ) {}

  /** Sends a code when reference and address match a report of this force; answers the same either way. */
  async requestCode(tenantId: string, referenceInput: string, email: string): Promise<{ errors: TrackingError[] }> {
    const parsed = parseReference(referenceInput ?? '');
    const errors: TrackingError[] = [];
    if ('problem' in parsed) errors.push({ field: 'reference', message: REFERENCE_MESSAGES[parsed.problem] });
    const address = (email ?? '').trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address) || address.length > 320) errors.push({ field: 'email', message: MESSAGES.email });
    if (errors.length > 0 || !('reference' in parsed)) return { errors };
    await this.transactions.run(tenantId, async (manager) => {
      const report = await findReportForReporter(manager, parsed.reference, ['id', 'reporterEmail']);
      if (!report?.reporterEmail || report.reporterEmail.trim().toLowerCase() !== address) return;
      if ((await recentCodes(manager, report.id, CODE_ATTEMPTS_IN_ALL)) >= CODES_PER_HOUR) return;
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await insertCode(manager, { tenantId, reportId: report.id, codeHash: sha256(`${report.id}:${code}`), minutes: CODE_MINUTES });
      await enqueue(manager, tenantId, 'email.tracking-code', { reportId: report.id, code });
    });
    return { errors: [] };
  }

  /**
   * Checks a code; a right one opens a tracking session (its token goes in the reporter's cookie).
   * `client`: who is trying (the rate limits' client key): each client has its own five tries.
   */
  async verifyCode(tenantId: string, referenceInput: string, codeInput: string, client = 'unknown'): Promise<{ errors: TrackingError[]; token: string | null; expiresAt: Date | null }> {
    const parsed = parseReference(referenceInput ?? '');
    if ('problem' in parsed) return { errors: [{ field: 'reference', message: REFERENCE_MESSAGES[parsed.problem] }], token: null, expiresAt: null };
    const code = (codeInput ?? '').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) return { errors: [{ field: 'code', message: MESSAGES.code }], token: null, expiresAt: null };
    return this.transactions.run(tenantId, async (manager) => {
      const spent = { errors: [{ field: 'code', message: MESSAGES.codeSpent }], token: null, expiresAt: null };
      const report = await findReportForReporter(manager, parsed.reference, ['id']);
      if (!report) return spent;
      // The client is kept as a hash that means nothing outside this code: no address is stored.
      const clientHash = sha256(`${client}:${report.id}`).slice(0, 16);
      const latest = await latestCode(manager, report.id, clientHash);
      if (!latest || latest.mine >= CODE_ATTEMPTS || latest.attempts >= CODE_ATTEMPTS_IN_ALL) return spent;
      // The try counts whether or not it is right: this transaction commits either way.
      await countTry(manager, latest.id, clientHash, latest.mine + 1);
      const right = timingSafeEqual(Buffer.from(latest.code_hash, 'hex'), Buffer.from(sha256(`${report.id}:${code}`), 'hex'));
      if (!right) {
        const left = Math.min(CODE_ATTEMPTS - latest.mine - 1, CODE_ATTEMPTS_IN_ALL - latest.attempts - 1);
        return left > 0 ? { errors: [{ field: 'code', message: fillText(MESSAGES.codeWrong, { left }) }], token: null, expiresAt: null } : spent;
      }
      await markCodeUsed(manager, latest.id);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + TRACKING_SESSION_MINUTES * 60_000);
      await openSession(manager, { tokenHash: sha256(token), tenantId, reportId: report.id, expiresAt });
      await this.audit.record(manager, { tenantId, actorType: 'public', action: 'report.tracking-opened', subjectType: 'report', subjectId: report.id });
      return { errors: [], token, expiresAt };
    });
  }

  private async sessionReport(manager: EntityManager, token: string): Promise<Report | null> {
    if (!TOKEN.test(token ?? '')) return null;
    const reportId = await sessionReportId(manager, sha256(token));
    return reportId ? findReport(manager, { id: reportId }) : null;
  }

  /** The report as its reporter sees it: status, the steps that concern them and the force's messages. */
  async tracked(tenantId: string, token: string) {
    return this.transactions.run(tenantId, async (manager) => {
      const report = await this.sessionReport(manager, token);
      if (!report) return { errors: [{ field: 'session', message: MESSAGES.session }], report: null };
      const events = await reportTimeline(manager, report.id);
      const title = await serviceTitle(manager, report.formVersionId);
      const slugs = [...new Set(events.flatMap((event) => [event.details.from, event.details.to]).filter((slug): slug is string => typeof slug === 'string'))];
      const names = await forceNames(manager, slugs);
      const forceName = (slug: unknown) => (typeof slug === 'string' ? (names.get(slug) ?? { en: slug }) : null);
      return {
        errors: [],
        report: {
          reference: report.reference,
          serviceTitle: title ?? { en: report.serviceId },
          status: report.status,
          submittedAt: report.submittedAt,
          timeline: events
            .filter((event) => isReporterVisible(event.kind))
            .map((event) => ({
              kind: event.kind,
              occurredAt: event.occurredAt,
              // A file the reporter added (or one that could not be processed) is named in its step (the name is theirs); messages are the force's or their replies.
              message: (event.kind === 'evidence-added' || event.kind === FILE_NOT_PROCESSED) && typeof event.details.name === 'string' ? event.details.name : event.message,
              fromForce: forceName(event.details.from),
              toForce: forceName(event.details.to),
            })),
        },
      };
    });
  }

  /** The reporter replies or adds information: the report returns to the force's queue. */
  async reply(tenantId: string, token: string, messageInput: string): Promise<{ errors: TrackingError[] }> {
    const message = (messageInput ?? '').trim();
    if (!message) return { errors: [{ field: 'message', message: MESSAGES.message }] };
    if (message.length > 5000) return { errors: [{ field: 'message', message: MESSAGES.messageTooLong }] };
    return this.transactions.run(tenantId, async (manager) => {
      const report = await this.sessionReport(manager, token);
      if (!report) return { errors: [{ field: 'session', message: MESSAGES.session }] };
      await this.life.reporterReplied(manager, tenantId, report, message);
      return { errors: [] };
    });
  }
}
