import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';

// A local stand-in for GOV.UK Notify's API v2 (https://docs.notifications.service.gov.uk/rest-api.html)
// on 127.0.0.1: sending e-mail (with files) and text messages, reading one back, checking each request's
// token and body as Notify does and answering in Notify's shapes, so the real client can be tested
// against it. It knows one service, its API keys, templates, reply-to addresses and text message senders.

export interface FakeNotifyTemplate {
  id: string;
  type: 'email' | 'sms';
  name: string;
  /** E-mail only. */
  subject?: string;
  body: string;
  version: number;
}

/** A file sent by e-mail: what Notify's document download would serve at `url`. */
export interface FakeNotifyFile {
  id: string;
  placeholder: string;
  filename: string | null;
  content: Buffer;
  confirmEmailBeforeDownload: boolean | null;
  retentionPeriod: string | null;
  url: string;
}

/** A notification the fake accepted, with its template filled in as Notify would send it. */
export interface FakeNotification {
  id: string;
  type: 'email' | 'sms';
  templateId: string;
  templateVersion: number;
  to: string;
  personalisation: Record<string, unknown>;
  reference: string | null;
  emailReplyToId: string | null;
  smsSenderId: string | null;
  subject: string | null;
  body: string;
  files: FakeNotifyFile[];
  /** The name of the API key that sent it. */
  keyName: string;
  createdAt: string;
}

export interface FakeNotifyRequest {
  method: string;
  path: string;
  status: number;
  /** Notify's error body when it answered with one. */
  errors?: { error: string; message: string }[];
}

export interface FakeNotify {
  /** The API's base URL, e.g. http://127.0.0.1:40123: give it to the client in place of Notify's. */
  url: string;
  serviceId: string;
  /** A live API key of the service: `{key name}-{service id}-{secret key}`. */
  apiKey: string;
  /** Another key for the service (each has its own name and secret). */
  addApiKey(name?: string): string;
  /** A revoked key is refused as Notify refuses one ("API key revoked"). */
  revokeApiKey(apiKey: string): void;
  /** The generic templates: e-mail `((subject))`/`((body))`, the same with `((link_to_file))`, and text `((body))`. */
  templates: { email: FakeNotifyTemplate; emailWithFile: FakeNotifyTemplate; sms: FakeNotifyTemplate };
  addTemplate(template: Omit<FakeNotifyTemplate, 'id' | 'version'>): FakeNotifyTemplate;
  /** The service's reply-to address id and text message sender id. */
  emailReplyToId: string;
  smsSenderId: string;
  /** Accepted notifications, oldest first. */
  notifications: FakeNotification[];
  /** Every request to the API, answered or refused, oldest first. */
  requests: FakeNotifyRequest[];
  /**
   * The next `count` requests to /v2 are answered with `status` before anything is checked: with the
   * body Notify gives for it (429 RateLimitError, 500 Exception...) or the one given (text, e.g. a
   * load balancer's HTML page).
   */
  failNext(count: number, status: number, body?: { error: string; message: string }[] | string): void;
  /** The next `count` requests to /v2 are read and never answered (until close). */
  stallNext(count: number): void;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Notify's bound on a token's `iat`, either way. */
const CLOCK_SKEW_SECONDS = 30;
const MAX_SMS_CHARACTERS = 918;
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const FILE_TYPES = ['pdf', 'csv', 'txt', 'doc', 'docx', 'xlsx', 'rtf', 'odt', 'json'];
const CONTENT_TYPES: Record<string, string> = { json: 'application/json', pdf: 'application/pdf', csv: 'text/csv', txt: 'text/plain' };

const DEFAULT_ERRORS: Record<number, { error: string; message: string }> = {
  400: { error: 'BadRequestError', message: 'Bad request' },
  403: { error: 'AuthError', message: 'Invalid token: API key not found' },
  429: { error: 'RateLimitError', message: 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds' },
  500: { error: 'Exception', message: 'Internal server error' },
};

class NotifyRefusal extends Error {
  constructor(
    readonly status: number,
    readonly errors: { error: string; message: string }[],
  ) {
    super(errors.map((entry) => entry.message).join('; '));
  }
}

const refuse = (status: number, error: string, message: string) => new NotifyRefusal(status, [{ error, message }]);

/** Notify matches placeholders ignoring case, spaces, hyphens and underscores. */
const insensitive = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');

function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\(\(([^()]+?)\)\)/g)].map((match) => match[1].split('??')[0].trim());
}

/** A personalisation value as Notify shows it: lists as bullets, everything else as text. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => `* ${String(item)}`).join('\n');
  return String(value);
}

function fill(text: string, values: Map<string, unknown>): string {
  return text.replace(/\(\(([^()]+?)\)\)/g, (_whole, inside: string) => {
    const [name, conditional] = inside.split('??');
    const value = values.get(insensitive(name.trim()));
    if (conditional !== undefined) return value && String(value).toLowerCase() !== 'no' ? conditional : '';
    return shown(value);
  });
}

/** Notify's checks of a UK mobile or international number; returns the number with only its digits. */
function checkPhoneNumber(raw: string): string {
  const cleaned = raw.replace(/[\s()-]/g, '');
  if (!/^\+?\d+$/.test(cleaned)) throw refuse(400, 'ValidationError', 'phone_number Must not contain letters or symbols');
  const digits = cleaned.replace(/^\+/, '');
  const uk = digits.replace(/^(44|0)/, '');
  if (/^(44|0)?7/.test(digits)) {
    if (uk.length < 10) throw refuse(400, 'ValidationError', 'phone_number Not enough digits');
    if (uk.length > 10) throw refuse(400, 'ValidationError', 'phone_number Too many digits');
    return `447${uk.slice(1)}`;
  }
  if (digits.startsWith('44') || digits.startsWith('0')) throw refuse(400, 'ValidationError', 'phone_number Not a UK mobile number');
  throw refuse(400, 'BadRequestError', 'Cannot send to international mobile numbers');
}

export async function startFakeNotify(): Promise<FakeNotify> {
  const serviceId = randomUUID();
  const keys = new Map<string, { name: string; secret: string; revoked: boolean }>();
  const templates = new Map<string, FakeNotifyTemplate>();
  const emailReplyToId = randomUUID();
  const smsSenderId = randomUUID();
  const notifications: FakeNotification[] = [];
  const files = new Map<string, FakeNotifyFile>();
  const requests: FakeNotifyRequest[] = [];
  const failures: { status: number; body?: { error: string; message: string }[] | string }[] = [];
  let stalls = 0;
  const stalled = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let url = '';

  const addApiKey = (name = `key_${keys.size + 1}`) => {
    const secret = randomUUID();
    keys.set(secret, { name, secret, revoked: false });
    return `${name}-${serviceId}-${secret}`;
  };
  const addTemplate = (template: Omit<FakeNotifyTemplate, 'id' | 'version'>) => {
    const created = { ...template, id: randomUUID(), version: 1 };
    templates.set(created.id, created);
    return created;
  };

  /** Notify's token checks, in its order; the key that signed the token. */
  async function authenticate(request: IncomingMessage): Promise<{ name: string }> {
    const header = request.headers.authorization;
    if (!header) throw refuse(401, 'AuthError', 'Unauthorized: authentication token must be provided');
    const [scheme, token] = header.split(' ');
    if (scheme !== 'Bearer' || !token) throw refuse(401, 'AuthError', 'Unauthorized: authentication bearer scheme must be used');
    let issuer: unknown;
    try {
      decodeProtectedHeader(token);
      issuer = decodeJwt(token).iss;
    } catch {
      throw refuse(403, 'AuthError', 'Invalid token: signature, api token is not valid');
    }
    if (issuer === undefined) throw refuse(403, 'AuthError', 'Invalid token: iss field not provided');
    if (typeof issuer !== 'string' || !UUID.test(issuer)) throw refuse(403, 'AuthError', 'Invalid token: service id is not the right data type');
    if (issuer !== serviceId) throw refuse(403, 'AuthError', 'Invalid token: service not found');
    if (keys.size === 0) throw refuse(403, 'AuthError', 'Invalid token: service has no API keys');
    for (const key of keys.values()) {
      let issuedAt: number | undefined;
      try {
        const { payload } = await jwtVerify(token, new TextEncoder().encode(key.secret), { algorithms: ['HS256'] });
        issuedAt = payload.iat;
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_JOSE_ALG_NOT_ALLOWED') throw refuse(403, 'AuthError', 'Invalid token: algorithm used is not HS256');
        continue; // signed with another key (or not at all): try the next
      }
      if (key.revoked) throw refuse(403, 'AuthError', 'Invalid token: API key revoked');
      if (typeof issuedAt !== 'number') throw refuse(403, 'AuthError', 'Invalid token: iat field not provided');
      const now = Math.floor(Date.now() / 1000);
      if (Math.abs(now - issuedAt) > CLOCK_SKEW_SECONDS) throw refuse(403, 'AuthError', 'Error: Your system clock must be accurate to within 30 seconds');
      return key;
    }
    throw refuse(403, 'AuthError', 'Invalid token: API key not found');
  }

  async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > 10 * 1024 * 1024) throw refuse(413, 'BadRequestError', 'Request too large');
      chunks.push(chunk as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw refuse(400, 'BadRequestError', 'Invalid JSON supplied in POST data');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw refuse(400, 'ValidationError', 'POST data is not of type object');
    return body as Record<string, unknown>;
  }

  /** The JSON-schema checks of a send request: every problem at once, as Notify lists them. */
  function validateRequest(type: 'email' | 'sms', body: Record<string, unknown>): void {
    const recipient = type === 'email' ? 'email_address' : 'phone_number';
    const senderField = type === 'email' ? 'email_reply_to_id' : 'sms_sender_id';
    const allowed = new Set(['template_id', recipient, 'personalisation', 'reference', senderField, ...(type === 'email' ? ['one_click_unsubscribe_url'] : [])]);
    const problems: string[] = [];
    for (const field of ['template_id', recipient]) if (!(field in body)) problems.push(`${field} is a required property`);
    for (const field of Object.keys(body)) if (!allowed.has(field)) problems.push(`Additional properties are not allowed (${field} was unexpected)`);
    if ('template_id' in body && (typeof body.template_id !== 'string' || !UUID.test(body.template_id))) problems.push('template_id is not a valid UUID');
    if (type === 'email' && 'email_address' in body && (typeof body.email_address !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email_address))) {
      problems.push('email_address Not a valid email address');
    }
    if (type === 'sms' && 'phone_number' in body && typeof body.phone_number !== 'string') problems.push(`phone_number ${JSON.stringify(body.phone_number)} is not of type string`);
    if ('personalisation' in body && (!body.personalisation || typeof body.personalisation !== 'object' || Array.isArray(body.personalisation))) {
      problems.push(`personalisation ${JSON.stringify(body.personalisation)} is not of type object`);
    }
    if ('reference' in body && body.reference !== null && typeof body.reference !== 'string') problems.push(`reference ${JSON.stringify(body.reference)} is not of type string`);
    if (senderField in body && (typeof body[senderField] !== 'string' || !UUID.test(body[senderField] as string))) problems.push(`${senderField} is not a valid UUID`);
    if (problems.length > 0) throw new NotifyRefusal(400, problems.map((message) => ({ error: 'ValidationError', message })));
  }

  /** A `{ file, filename, ... }` personalisation value, as Notify's document upload checks and keeps it. */
  function upload(placeholder: string, value: Record<string, unknown>): FakeNotifyFile {
    const content = Buffer.from(String(value.file), 'base64');
    if (content.length > MAX_FILE_BYTES) throw refuse(400, 'BadRequestError', `${placeholder} : File is larger than 2MB`);
    const filename = typeof value.filename === 'string' ? value.filename : null;
    const extension = filename?.split('.').pop()?.toLowerCase();
    if (filename && (!extension || !FILE_TYPES.includes(extension) || !filename.includes('.'))) {
      throw refuse(400, 'BadRequestError', `Unsupported file type '${extension}'. Supported types are: ${FILE_TYPES.map((type) => `'.${type}'`).join(', ')}`);
    }
    const confirm = value.confirm_email_before_download ?? null;
    if (confirm !== null && typeof confirm !== 'boolean') {
      throw refuse(400, 'BadRequestError', `Unsupported value for confirm_email_before_download: '${String(confirm)}'. Use a boolean true or false value.`);
    }
    const retention = value.retention_period ?? null;
    if (retention !== null && !(typeof retention === 'string' && /^(\d+) weeks?$/.test(retention) && Number(retention.split(' ')[0]) >= 1 && Number(retention.split(' ')[0]) <= 78)) {
      throw refuse(400, 'BadRequestError', `Unsupported value for retention_period '${String(retention)}'. Supported periods are from 1 to 78 weeks.`);
    }
    const id = randomUUID();
    const file = { id, placeholder, filename, content, confirmEmailBeforeDownload: confirm, retentionPeriod: retention, url: `${url}/d/${serviceId}/${id}?key=${randomUUID()}` };
    files.set(id, file);
    return file;
  }

  function send(type: 'email' | 'sms', body: Record<string, unknown>, key: { name: string }) {
    validateRequest(type, body);
    const template = templates.get(body.template_id as string);
    if (!template) throw refuse(400, 'BadRequestError', 'Template not found');
    if (template.type !== type) throw refuse(400, 'BadRequestError', `${template.type} template is not suitable for ${type} notification`);
    const personalisation = (body.personalisation ?? {}) as Record<string, unknown>;
    const uploaded: FakeNotifyFile[] = [];
    const values = new Map<string, unknown>();
    for (const [name, value] of Object.entries(personalisation)) {
      if (value && typeof value === 'object' && !Array.isArray(value) && 'file' in value) {
        if (type !== 'email') throw refuse(400, 'BadRequestError', 'Can only send a file by email');
        const file = upload(name, value as Record<string, unknown>);
        uploaded.push(file);
        values.set(insensitive(name), file.url);
      } else {
        values.set(insensitive(name), value);
      }
    }
    const needed = [...new Set(placeholdersOf(`${template.subject ?? ''} ${template.body}`))];
    const missing = needed.filter((name) => values.get(insensitive(name)) === undefined || values.get(insensitive(name)) === null);
    if (missing.length > 0) throw refuse(400, 'BadRequestError', `Missing personalisation: ${missing.join(', ')}`);
    let to = body[type === 'email' ? 'email_address' : 'phone_number'] as string;
    if (type === 'sms') to = checkPhoneNumber(to);
    const replyTo = (body.email_reply_to_id as string | undefined) ?? null;
    if (replyTo && replyTo !== emailReplyToId) throw refuse(400, 'BadRequestError', `email_reply_to_id ${replyTo} does not exist in database for service id ${serviceId}`);
    const sender = (body.sms_sender_id as string | undefined) ?? null;
    if (sender && sender !== smsSenderId) throw refuse(400, 'BadRequestError', `sms_sender_id ${sender} does not exist in database for service id ${serviceId}`);
    const filled = fill(template.body, values);
    if (type === 'sms' && filled.length > MAX_SMS_CHARACTERS) {
      throw refuse(400, 'BadRequestError', `Your message is too long. Text messages cannot be longer than ${MAX_SMS_CHARACTERS} characters. Your message is ${filled.length} characters long.`);
    }
    const notification: FakeNotification = {
      id: randomUUID(),
      type,
      templateId: template.id,
      templateVersion: template.version,
      to,
      personalisation,
      reference: (body.reference as string | undefined) ?? null,
      emailReplyToId: replyTo,
      smsSenderId: sender,
      subject: type === 'email' ? fill(template.subject ?? '', values) : null,
      body: filled,
      files: uploaded,
      keyName: key.name,
      createdAt: new Date().toISOString(),
    };
    notifications.push(notification);
    const templateReference = { id: template.id, version: template.version, uri: `${url}/services/${serviceId}/templates/${template.id}` };
    return {
      id: notification.id,
      reference: notification.reference,
      content: type === 'email' ? { subject: notification.subject, body: notification.body, from_email: 'front.counter.test@notifications.service.gov.uk' } : { body: notification.body, from_number: 'FrontCount' },
      uri: `${url}/v2/notifications/${notification.id}`,
      template: templateReference,
      scheduled_for: null,
    };
  }

  function notificationById(id: string) {
    if (!UUID.test(id)) throw refuse(400, 'ValidationError', 'notification_id is not a valid UUID');
    const notification = notifications.find((candidate) => candidate.id === id);
    if (!notification) throw refuse(404, 'NoResultFound', 'No result found');
    return {
      id: notification.id,
      reference: notification.reference,
      email_address: notification.type === 'email' ? notification.to : null,
      phone_number: notification.type === 'sms' ? notification.to : null,
      type: notification.type,
      status: 'delivered',
      template: { id: notification.templateId, version: notification.templateVersion, uri: `${url}/v2/template/${notification.templateId}/version/${notification.templateVersion}` },
      body: notification.body,
      subject: notification.subject,
      created_at: notification.createdAt,
      created_by_name: null,
      sent_at: notification.createdAt,
      completed_at: notification.createdAt,
      is_cost_data_ready: true,
      cost_in_pounds: 0,
    };
  }

  function answer(response: ServerResponse, record: FakeNotifyRequest, status: number, body: unknown) {
    record.status = status;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    const record: FakeNotifyRequest = { method: request.method ?? 'GET', path, status: 0 };
    requests.push(record);

    const download = /^\/d\/([^/]+)\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && download) {
      const file = download[1] === serviceId ? files.get(download[2]) : undefined;
      record.status = file ? 200 : 404;
      const extension = file?.filename?.split('.').pop()?.toLowerCase() ?? '';
      response.writeHead(record.status, { 'content-type': file ? (CONTENT_TYPES[extension] ?? 'application/octet-stream') : 'text/plain' });
      response.end(file ? file.content : 'Not found');
      return;
    }

    if (path.startsWith('/v2/')) {
      if (stalls > 0) {
        stalls--;
        stalled.add(response);
        return;
      }
      const failure = failures.shift();
      if (failure) {
        record.status = failure.status;
        if (typeof failure.body === 'string') {
          response.writeHead(failure.status, { 'content-type': 'text/html' });
          response.end(failure.body);
        } else {
          record.errors = failure.body ?? [DEFAULT_ERRORS[failure.status] ?? { error: 'Exception', message: `HTTP ${failure.status}` }];
          answer(response, record, failure.status, { status_code: failure.status, errors: record.errors });
        }
        return;
      }
    }

    try {
      if (request.method === 'POST' && (path === '/v2/notifications/email' || path === '/v2/notifications/sms')) {
        const key = await authenticate(request);
        const body = await readJson(request);
        answer(response, record, 201, send(path.endsWith('email') ? 'email' : 'sms', body, key));
        return;
      }
      const byId = /^\/v2\/notifications\/([^/]+)$/.exec(path);
      if (request.method === 'GET' && byId) {
        await authenticate(request);
        answer(response, record, 200, notificationById(byId[1]));
        return;
      }
      throw refuse(404, 'NotFound', 'The requested URL was not found on the server.');
    } catch (error) {
      if (!(error instanceof NotifyRefusal)) throw error;
      record.errors = error.errors;
      answer(response, record, error.status, { status_code: error.status, errors: error.errors });
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status_code: 500, errors: [{ error: 'Exception', message: `Fake Notify failed: ${error.message}` }] }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const apiKey = addApiKey('front_counter_test');
  return {
    url,
    serviceId,
    apiKey,
    addApiKey,
    revokeApiKey(revoked) {
      const key = keys.get(revoked.slice(-36));
      if (!key) throw new Error('The fake Notify has no such API key');
      key.revoked = true;
    },
    templates: {
      email: addTemplate({ type: 'email', name: 'Generic e-mail', subject: '((subject))', body: '((body))' }),
      emailWithFile: addTemplate({ type: 'email', name: 'Generic e-mail with a file', subject: '((subject))', body: '((body))\n\nDownload the file (available for 26 weeks): ((link_to_file))' }),
      sms: addTemplate({ type: 'sms', name: 'Generic text message', body: '((body))' }),
    },
    addTemplate,
    emailReplyToId,
    smsSenderId,
    notifications,
    requests,
    failNext(count, status, body) {
      for (let index = 0; index < count; index++) failures.push({ status, body });
    },
    stallNext(count) {
      stalls += count;
    },
    close() {
      for (const response of stalled) response.destroy();
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
