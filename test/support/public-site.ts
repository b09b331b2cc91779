import { randomBytes } from 'node:crypto';
import http from 'node:http';

export interface SiteResponse {
  status: number;
  location?: string;
  text: string;
  setCookies: string[];
  headers: http.IncomingHttpHeaders;
}

export interface UploadedFile {
  name: string;
  contentType: string;
  content: Buffer;
}

/** A page's answers: form fields, or for a page with a file question the files to send too. */
export type PageInput = Record<string, string> | { fields?: Record<string, string>; files: Record<string, UploadedFile[]> };

/**
 * A member of the public on a force's site, reached as through the cluster's ingress: to the web
 * pod's address, with the force's own domain in Host, `X-Forwarded-Proto: https` (TLS ends at the
 * ingress) and the caller's address in X-Forwarded-For. Keeps cookies (Secure ones too: the visitor
 * is on https) and the last page's form token, as a browser without JavaScript would.
 */
export class PublicVisitor {
  private readonly cookies = new Map<string, string>();
  private csrf = '';
  /** Every Set-Cookie the site sent, for checks on its attributes. */
  readonly setCookies: string[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly host: string,
    private readonly clientAddress = '203.0.113.24',
  ) {}

  private request(method: 'GET' | 'POST', path: string, body?: { contentType: string; data: Buffer }): Promise<SiteResponse> {
    const base = new URL(this.baseUrl);
    const headers: Record<string, string | number> = {
      host: this.host,
      'x-forwarded-proto': 'https',
      'x-forwarded-for': this.clientAddress,
      'user-agent': 'front-counter-deployment-test',
      cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    };
    if (body) Object.assign(headers, { 'content-type': body.contentType, 'content-length': body.data.length });
    return new Promise((resolve, reject) => {
      const request = http.request({ hostname: base.hostname, port: base.port, path, method, headers, timeout: 30_000 }, (response) => {
        const setCookies = response.headers['set-cookie'] ?? [];
        for (const cookie of setCookies) {
          this.setCookies.push(cookie);
          const [pair] = cookie.split(';');
          const index = pair.indexOf('=');
          const name = pair.slice(0, index);
          const value = pair.slice(index + 1);
          if (value === '' || /;\s*max-age=0/i.test(cookie) || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
          else this.cookies.set(name, value);
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
          if (token) this.csrf = token;
          resolve({ status: response.statusCode ?? 0, location: response.headers.location, text, setCookies, headers: response.headers });
        });
      });
      request.on('timeout', () => request.destroy(new Error(`${method} ${path} on ${this.host} took over 30 s`)));
      request.on('error', reject);
      request.end(body?.data);
    });
  }

  get(path: string): Promise<SiteResponse> {
    return this.request('GET', path);
  }

  /** Posts a form with the last page's form token. */
  post(path: string, fields: Record<string, string>): Promise<SiteResponse> {
    const form = new URLSearchParams({ _csrf: this.csrf, ...fields });
    return this.request('POST', path, { contentType: 'application/x-www-form-urlencoded', data: Buffer.from(form.toString()) });
  }

  /** Posts a page with files as multipart/form-data: the form token first, then the fields, then the files. */
  postMultipart(path: string, fields: Record<string, string>, files: Record<string, UploadedFile[]>): Promise<SiteResponse> {
    const boundary = `----deployment-test-${randomBytes(8).toString('hex')}`;
    const parts: Buffer[] = [];
    for (const [name, value] of Object.entries({ _csrf: this.csrf, ...fields })) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    }
    for (const [name, list] of Object.entries(files)) {
      for (const file of list) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${file.name}"\r\nContent-Type: ${file.contentType}\r\n\r\n`), file.content, Buffer.from('\r\n'));
      }
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return this.request('POST', path, { contentType: `multipart/form-data; boundary=${boundary}`, data: Buffer.concat(parts) });
  }

  /**
   * Goes through a service from its start page to its confirmation page, answering each page the
   * site shows from `answers` (by page id; check-answers needs none). Fails naming the page when
   * there is no answer for it or the site refuses one (with the page's error summary). Returns the
   * reference the confirmation page shows and every page visited.
   */
  async completeService(serviceId: string, answers: Record<string, PageInput>): Promise<{ reference: string; pages: string[]; confirmation: string }> {
    const start = await this.get(`/${serviceId}`);
    if (start.status !== 200) throw new Error(`GET /${serviceId} on ${this.host} answered ${start.status}: ${start.text.slice(0, 300)}`);
    let next = await this.post(`/${serviceId}/start`, {});
    const pages: string[] = [];
    for (let step = 0; step < 60; step++) {
      if (next.status < 300 || next.status >= 400 || !next.location) {
        const summary = /govuk-error-summary[\s\S]*?<\/div>\s*<\/div>/.exec(next.text)?.[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
        throw new Error(`After ${pages.at(-1) ?? 'the start page'} of ${serviceId} the site answered ${next.status} without a redirect${summary ? `: ${summary}` : ''}`);
      }
      const location = next.location.replace(/^https:\/\/[^/]+/, '');
      const pageId = location.split('?')[0].split('/').pop()!;
      const page = await this.get(location);
      if (pageId === 'confirmation') {
        if (page.status !== 200) throw new Error(`The confirmation page of ${serviceId} answered ${page.status}`);
        const reference = /class="fc-reference">([^<]+)</.exec(page.text)?.[1];
        if (!reference) throw new Error(`The confirmation page of ${serviceId} shows no reference: ${page.text.slice(0, 500)}`);
        return { reference, pages, confirmation: page.text };
      }
      if (page.status !== 200) throw new Error(`GET ${location} answered ${page.status}`);
      pages.push(pageId);
      const input = answers[pageId] ?? (pageId === 'check-answers' ? {} : undefined);
      if (!input) throw new Error(`No answers given for page "${pageId}" of ${serviceId}`);
      next = 'files' in input && typeof input.files === 'object' ? await this.postMultipart(location, (input.fields ?? {}) as Record<string, string>, input.files as Record<string, UploadedFile[]>) : await this.post(location, input as Record<string, string>);
    }
    throw new Error(`${serviceId} did not reach its confirmation page within 60 pages`);
  }
}
