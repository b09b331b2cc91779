import type { AxiosError } from 'axios';
import type { NotifyClient } from 'notifications-node-client';
import type { EmailMessage, MessageChannel, SentMessage, SmsMessage } from './message-channel.js';
import { NotificationError, NotificationErrorCode } from './notification-error.js';

export const NOTIFY_PRODUCTION_API = 'https://api.notifications.service.gov.uk';

export interface NotifyChannelOptions {
  /** `{key name}-{service id}-{secret key}`, as Notify's API integration page gives it. */
  apiKey: string;
  /** Notify's API; a local fake in tests. */
  apiUrl: string;
  /** Subject `((subject))`, body `((body))`. */
  emailTemplateId: string;
  /** As emailTemplateId, with `((link_to_file))` where the link to the attached file goes. */
  emailWithFileTemplateId?: string;
  /** Body `((body))`. */
  smsTemplateId?: string;
  emailReplyToId?: string;
  smsSenderId?: string;
  /** How long to wait for Notify's answer before calling it unavailable (the client has no limit of its own). */
  timeoutMs?: number;
  /** Which force this is, for error messages. */
  force: string;
}

/** Notify's API key: a name, then the service id and the secret, both UUIDs. */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const API_KEY = new RegExp(`^.+-${UUID}-${UUID}$`, 'i');

export function isNotifyApiKey(value: string): boolean {
  return API_KEY.test(value.trim());
}

const NOTIFY = { provider: 'notify' } as const;

interface NotifyErrorBody {
  status_code?: number;
  errors?: { error: string; message: string }[];
}

/** axios's own test (its errors carry `isAxiosError: true`), without loading axios to make it. */
const isAxiosError = (error: unknown): error is AxiosError => typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;

/**
 * Notify's client and axios, loaded when a force first sends through Notify: a process whose forces
 * all send otherwise (or that sends nothing, like the api) never holds them in memory.
 */
let notifyModules: Promise<{ NotifyClient: typeof NotifyClient; axios: typeof import('axios').default }> | undefined;
const loadNotify = () =>
  (notifyModules ??= Promise.all([import('notifications-node-client'), import('axios')]).then(([notify, axios]) => ({ NotifyClient: notify.NotifyClient, axios: axios.default })));

/**
 * Notify's answers as retryable or not: 400 (validation) and 401/403 (the key, or a clock more than 30
 * seconds out) need a person; 429 (rate and daily limits) and 5xx pass; no answer at all may too. The
 * axios error is not kept as the cause: its request config carries the signed token.
 */
function notifyError(error: unknown, what: string, force: string): NotificationError {
  if (error instanceof NotificationError) return error;
  if (typeof error === 'string') {
    // prepareUpload throws a bare string for a file over 2 MB.
    return new NotificationError(NotificationErrorCode.AttachmentRefused, `GOV.UK Notify cannot carry ${force}'s attachment: ${error}`, false, NOTIFY);
  }
  if (!isAxiosError(error)) return new NotificationError(NotificationErrorCode.ProviderUnavailable, `Sending ${what} for ${force} through GOV.UK Notify failed: ${(error as Error)?.message ?? String(error)}`, true, NOTIFY);
  const status = error.response?.status;
  if (status === undefined) {
    return new NotificationError(NotificationErrorCode.ProviderUnavailable, `GOV.UK Notify did not answer ${force}'s ${what} (${error.code ?? error.message})`, true, NOTIFY);
  }
  const body = error.response?.data as NotifyErrorBody | undefined;
  const providerErrors = Array.isArray(body?.errors) ? body.errors.map(({ error: kind, message }) => ({ error: String(kind), message: String(message) })) : undefined;
  const said = providerErrors?.map((entry) => `${entry.error}: ${entry.message}`).join('; ') ?? `HTTP ${status}`;
  const details = { provider: 'notify' as const, status, providerErrors };
  if (status === 401 || status === 403) {
    return new NotificationError(NotificationErrorCode.AuthenticationFailed, `GOV.UK Notify refused ${force}'s API key (${status}: ${said}); check the key and the clock`, false, details);
  }
  if (status === 429) return new NotificationError(NotificationErrorCode.RateLimited, `GOV.UK Notify limits ${force} for now (429: ${said})`, true, details);
  if (status >= 500) return new NotificationError(NotificationErrorCode.ProviderUnavailable, `GOV.UK Notify failed ${force}'s ${what} (${status}: ${said})`, true, details);
  return new NotificationError(NotificationErrorCode.Rejected, `GOV.UK Notify refused ${force}'s ${what} (${status}: ${said})`, false, details);
}

/**
 * E-mail and text messages through GOV.UK Notify's official client, with the generic templates a
 * force names in its tenant file: the message's subject and body travel as personalisation. Notify
 * sends as its service's sender name and to the reply-to address named by `emailReplyToId`.
 */
export class NotifyChannel implements MessageChannel {
  readonly provider = 'notify';
  private clientLoaded?: Promise<NotifyClient>;

  constructor(private readonly options: NotifyChannelOptions) {
    if (!isNotifyApiKey(options.apiKey)) {
      throw new NotificationError(NotificationErrorCode.NotConfigured, `${options.force}'s GOV.UK Notify API key is not one: it must be the key name, the service id and the secret key, joined by hyphens`, false, NOTIFY);
    }
  }

  private client(): Promise<NotifyClient> {
    return (this.clientLoaded ??= loadNotify().then(({ NotifyClient, axios }) => {
      const client = new NotifyClient(this.options.apiUrl.replace(/\/+$/, ''), this.options.apiKey.trim());
      // axios ships ESM and CommonJS builds with twin type declarations, and the (CommonJS) client types
      // its parameter with the CommonJS ones: the same instance shape under two names.
      client.setClient(axios.create({ timeout: this.options.timeoutMs ?? 15_000 }) as unknown as Parameters<NotifyClient['setClient']>[0]);
      return client;
    }));
  }

  get canSendSms(): boolean {
    return Boolean(this.options.smsTemplateId);
  }

  async sendEmail(message: EmailMessage): Promise<SentMessage> {
    const { force } = this.options;
    try {
      const client = await this.client();
      const attachments = message.attachments ?? [];
      if (attachments.length > 1) throw new NotificationError(NotificationErrorCode.AttachmentRefused, `GOV.UK Notify sends one file with an e-mail; ${force}'s has ${attachments.length}`, false, NOTIFY);
      const personalisation: Record<string, unknown> = { subject: message.subject, body: message.text };
      let templateId = this.options.emailTemplateId;
      if (attachments.length === 1) {
        if (!this.options.emailWithFileTemplateId) {
          throw new NotificationError(NotificationErrorCode.NotConfigured, `${force} names no emailWithFileTemplateId, the GOV.UK Notify template for e-mail with a file`, false, NOTIFY);
        }
        templateId = this.options.emailWithFileTemplateId;
        personalisation.link_to_file = client.prepareUpload(attachments[0].content, { filename: attachments[0].filename });
      }
      const response = await client.sendEmail(templateId, message.to, { personalisation, reference: message.reference, emailReplyToId: this.options.emailReplyToId });
      return { provider: 'notify', id: response.data.id };
    } catch (error) {
      throw notifyError(error, 'e-mail', force);
    }
  }

  async sendSms(message: SmsMessage): Promise<SentMessage> {
    const { force, smsTemplateId } = this.options;
    try {
      if (!smsTemplateId) throw new NotificationError(NotificationErrorCode.NotConfigured, `${force} names no smsTemplateId, the GOV.UK Notify template for text messages`, false, NOTIFY);
      const response = await (await this.client()).sendSms(smsTemplateId, message.to, { personalisation: { body: message.text }, reference: message.reference, smsSenderId: this.options.smsSenderId });
      return { provider: 'notify', id: response.data.id };
    } catch (error) {
      throw notifyError(error, 'text message', force);
    }
  }
}
