import http from 'node:http';

export interface WebResponse {
  status: number;
  location?: string;
  text: string;
}

/**
 * A browser-like client of the force sites without a browser: one Host, cookies kept between
 * requests, and the form token of the last page posted back with each form.
 */
export class WebSession {
  private readonly cookies = new Map<string, string>();
  private csrf = '';

  constructor(
    private readonly baseUrl: string,
    private readonly host: string,
  ) {}

  private request(method: 'GET' | 'POST', path: string, body?: string): Promise<WebResponse> {
    const base = new URL(this.baseUrl);
    const headers: Record<string, string | number> = { host: this.host, cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) });
    return new Promise((resolve, reject) => {
      const request = http.request({ hostname: base.hostname, port: base.port, path, method, headers }, (response) => {
        for (const cookie of response.headers['set-cookie'] ?? []) {
          const [pair] = cookie.split(';');
          const index = pair.indexOf('=');
          this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
          if (token) this.csrf = token;
          resolve({ status: response.statusCode ?? 0, location: response.headers.location, text });
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  get(path: string): Promise<WebResponse> {
    return this.request('GET', path);
  }

  /** Posts a form as the page would, with its form token unless `withToken` is false. */
  post(path: string, fields: Record<string, string | string[]>, options: { withToken?: boolean } = {}): Promise<WebResponse> {
    const form = new URLSearchParams();
    if (options.withToken !== false) form.append('_csrf', this.csrf);
    for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) form.append(name, item);
    return this.request('POST', path, form.toString());
  }
}
