import http from 'node:http';

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * A GET with a chosen Host header (Node's fetch replaces Host, and cannot resolve *.localhost), so a
 * test can reach any force on the one web port as a browser on that force's domain would.
 */
export function getWithHost(baseUrl: string, host: string, path = '/', headers: Record<string, string> = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const base = new URL(baseUrl);
    // The path is sent exactly as given (not resolved as a URL), so tests can send odd ones like `//x`.
    const request = http.get({ hostname: base.hostname, port: base.port, path, headers: { ...headers, host } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const item of Array.isArray(value) ? value : [value ?? '']) responseHeaders.append(name, item);
        }
        resolve({ status: response.statusCode ?? 0, headers: responseHeaders, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}
