import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as the sink received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The authenticated user, if the client signed in. */
  user?: string;
  /** The raw message (headers and body) as sent. */
  raw: string;
  subject: string;
  /** The body with quoted-printable soft line breaks and escapes undone, for searching. */
  text: string;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** Every sign-in attempted: user and password (the sink accepts any). */
  logins: { user: string; password: string }[];
  messages: ReceivedMail[];
  /** Recipients refused once, with a temporary error, before their first message is accepted. */
  refused: string[];
  /** Resolves with the first message (already received or still to come) that `matches`, or fails after `timeoutMs`. */
  waitFor(matches: (mail: ReceivedMail) => boolean, timeoutMs: number, what: string): Promise<ReceivedMail>;
  close(): Promise<void>;
}

function decodeQuotedPrintable(body: string): string {
  return body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * An SMTP relay for tests: plain SMTP (no STARTTLS), any sign-in accepted over the plain connection,
 * every message kept in memory. `refuseOnce` recipients get one temporary refusal (451, as a relay
 * under load answers) before their mail is accepted, so a test can watch the sender retry;
 * `rejectAlways` recipients a permanent refusal (550, no such mailbox).
 */
export async function startSmtpSink(options: { host: string; refuseOnce?: (recipient: string) => boolean; rejectAlways?: (recipient: string) => boolean }): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const logins: { user: string; password: string }[] = [];
  const refused: string[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username ?? '', password: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectAlways?.(address.address)) {
        const error = new Error('No such mailbox here') as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
        return;
      }
      if (options.refuseOnce?.(address.address) && !refused.includes(address.address)) {
        refused.push(address.address);
        const error = new Error('Try again later: the test relay refuses the first attempt') as Error & { responseCode: number };
        error.responseCode = 451;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const split = raw.search(/\r?\n\r?\n/);
        const headers = split === -1 ? raw : raw.slice(0, split);
        const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(headers)?.[1].replace(/\r?\n[ \t]/g, ' ') ?? '';
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          raw,
          subject,
          text: decodeQuotedPrintable(split === -1 ? '' : raw.slice(split)),
        });
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: options.host,
    port,
    logins,
    messages,
    refused,
    waitFor(matches, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(matches);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`No e-mail ${what} reached the SMTP sink within ${timeoutMs / 1000} s (it received: ${messages.map((mail) => `"${mail.subject}" to ${mail.to.join(', ')}`).join('; ') || 'nothing'})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
