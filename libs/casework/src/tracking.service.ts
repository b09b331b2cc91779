import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService } from '@front-counter/audit';
import { TenantTransactions } from '@front-counter/database';
import { fillText } from '@front-counter/forms';
import { enqueue } from '@front-counter/outbox';
import { FILE_NOT_PROCESSED, notifyReportChange, parseReference, recordReportEvent, REFERENCE_MESSAGES, Report } from '@front-counter/reports';

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
export const REPORTER_VISIBLE_KINDS = ['evidence-added', FILE_NOT_PROCESSED, 'submitted', 'transferred', 'received', 'reporter-replied'];
const isReporterVisible = (kind: string) => REPORTER_VISIBLE_KINDS.includes(kind) || kind.startsWith('decision:');

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

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
      const report = await manager.findOne(Report, { where: { reference: parsed.reference }, select: { id: true, reporterEmail: true } });
      if (!report?.reporterEmail || report.reporterEmail.trim().toLowerCase() !== address) return;
      const [{ recent }] = await manager.query(
        `SELECT count(*)::int AS recent FROM tracking_codes WHERE report_id = $1 AND created_at > now() - interval '1 hour' AND attempts < $2`,
        [report.id, CODE_ATTEMPTS_IN_ALL],
      );
      if (recent >= CODES_PER_HOUR) return;
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await manager.query(`INSERT INTO tracking_codes (tenant_id, report_id, code_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(mins => $4))`, [
        tenantId,
        report.id,
        sha256(`${report.id}:${code}`),
        CODE_MINUTES,
      ]);
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
      const report = await manager.findOne(Report, { where: { reference: parsed.reference }, select: { id: true } });
      if (!report) return spent;
      // The client is kept as a hash that means nothing outside this code: no address is stored.
      const clientHash = sha256(`${client}:${report.id}`).slice(0, 16);
      const [latest] = await manager.query(
        `SELECT id, code_hash, attempts, COALESCE((client_attempts ->> $2)::int, 0) AS mine
           FROM tracking_codes WHERE report_id = $1 AND used_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
        [report.id, clientHash],
      );
      if (!latest || latest.mine >= CODE_ATTEMPTS || latest.attempts >= CODE_ATTEMPTS_IN_ALL) return spent;
      // The try counts whether or not it is right: this transaction commits either way.
      await manager.query(`UPDATE tracking_codes SET attempts = attempts + 1, client_attempts = client_attempts || jsonb_build_object($2::text, $3::int) WHERE id = $1`, [
        latest.id,
        clientHash,
        latest.mine + 1,
      ]);
      const right = timingSafeEqual(Buffer.from(latest.code_hash, 'hex'), Buffer.from(sha256(`${report.id}:${code}`), 'hex'));
      if (!right) {
        const left = Math.min(CODE_ATTEMPTS - latest.mine - 1, CODE_ATTEMPTS_IN_ALL - latest.attempts - 1);
        return left > 0 ? { errors: [{ field: 'code', message: fillText(MESSAGES.codeWrong, { left }) }], token: null, expiresAt: null } : spent;
      }
      await manager.query(`UPDATE tracking_codes SET used_at = now() WHERE id = $1`, [latest.id]);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + TRACKING_SESSION_MINUTES * 60_000);
      await manager.query(`DELETE FROM tracking_sessions WHERE report_id = $1 AND expires_at <= now()`, [report.id]);
      await manager.query(`INSERT INTO tracking_sessions (token_hash, tenant_id, report_id, expires_at) VALUES ($1, $2, $3, $4)`, [sha256(token), tenantId, report.id, expiresAt]);
      await this.audit.record(manager, { tenantId, actorType: 'public', action: 'report.tracking-opened', subjectType: 'report', subjectId: report.id });
      return { errors: [], token, expiresAt };
    });
  }

  private async sessionReport(manager: import('typeorm').EntityManager, token: string): Promise<Report | null> {
    if (!TOKEN.test(token ?? '')) return null;
    const [session] = await manager.query(`SELECT report_id FROM tracking_sessions WHERE token_hash = $1 AND expires_at > now()`, [sha256(token)]);
    return session ? manager.findOne(Report, { where: { id: session.report_id } }) : null;
  }

  /** The report as its reporter sees it: status, the steps that concern them and the force's messages. */
  async tracked(tenantId: string, token: string) {
    return this.transactions.run(tenantId, async (manager) => {
      const report = await this.sessionReport(manager, token);
      if (!report) return { errors: [{ field: 'session', message: MESSAGES.session }], report: null };
      const events: { kind: string; occurredAt: Date; message: string | null; details: Record<string, unknown> }[] = await manager.query(
        `SELECT kind, occurred_at AS "occurredAt", message, details FROM report_events WHERE report_id = $1 ORDER BY id`,
        [report.id],
      );
      const [service] = await manager.query(`SELECT form->'title' AS title FROM form_versions WHERE id = $1`, [report.formVersionId]);
      const slugs = [...new Set(events.flatMap((event) => [event.details.from, event.details.to]).filter((slug): slug is string => typeof slug === 'string'))];
      const names = new Map<string, { en: string; cy?: string }>(
        slugs.length ? (await manager.query(`SELECT slug, name FROM tenants WHERE slug = ANY ($1)`, [slugs])).map((row: { slug: string; name: { en: string } }) => [row.slug, row.name]) : [],
      );
      const forceName = (slug: unknown) => (typeof slug === 'string' ? (names.get(slug) ?? { en: slug }) : null);
      return {
        errors: [],
        report: {
          reference: report.reference,
          serviceTitle: service?.title ?? { en: report.serviceId },
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
      await manager.query(`SELECT id FROM reports WHERE id = $1 FOR UPDATE`, [report.id]);
      await manager.update(Report, { id: report.id }, { status: 'awaiting-triage', claimedBy: null, claimedByName: null, claimedAt: null, updatedAt: new Date() });
      await recordReportEvent(manager, { tenantId, reportId: report.id, kind: 'reporter-replied', actorType: 'public', message, details: { previousStatus: report.status } });
      await this.audit.record(manager, { tenantId, actorType: 'public', action: 'report.reporter-replied', subjectType: 'report', subjectId: report.id, details: { previousStatus: report.status } });
      await notifyReportChange(manager, { tenantId, reportId: report.id, kind: 'reporter-replied' });
      return { errors: [] };
    });
  }
}
