import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { loggedPath, maskPath } from './logged-path.js';
import { createLogger } from './logger.js';
import { registerRequestLogging } from './request-logging.js';

/** A resume or tracking token as the product makes them: 32 random bytes, base64url. */
const token = () => randomBytes(32).toString('base64url');
/** A signed evidence link's token: base64url JSON naming the force, the file and the member of staff, a dot, its signature. */
const evidenceToken = () => `${Buffer.from(JSON.stringify({ force: 'northshire', file: randomUUID(), staff: 'northshire-handler1', until: Date.now() })).toString('base64url')}.${randomBytes(32).toString('base64url')}`;

describe('the path a request line shows', () => {
  it('is the route template for a route with a token in it, whatever the token', () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const resume = token();
      expect(loggedPath('/resume/:token', `/resume/${resume}`, { token: resume })).toBe('/resume/:token');
      const evidence = evidenceToken();
      expect(loggedPath('/staff/evidence/:token', `/staff/evidence/${evidence}`, { token: evidence })).toBe('/staff/evidence/:token');
      expect(loggedPath('/evidence/:token', `/evidence/${evidence}?download=1`, { token: evidence })).toBe('/evidence/:token');
    }
    // Named a token, it stays a placeholder even when it happens to look like a word.
    expect(loggedPath('/resume/:token', '/resume/abc', { token: 'abc' })).toBe('/resume/:token');
  });

  it('fills in only the parameters that are plain words (service and page ids), never references or ids', () => {
    expect(loggedPath('/:serviceId/:pageId', '/contact-us/declaration', { serviceId: 'contact-us', pageId: 'declaration' })).toBe('/contact-us/declaration');
    expect(loggedPath('/graphql', '/graphql', {})).toBe('/graphql');
    expect(loggedPath('/staff/reports/:reference', '/staff/reports/7KQ-2MX-9P4?reason=triage', { reference: '7KQ-2MX-9P4' })).toBe('/staff/reports/:reference');
    const fileId = randomUUID();
    expect(loggedPath('/:serviceId/:pageId/files/:fileId/remove', `/submit-dashcam-footage/upload/files/${fileId}/remove`, { serviceId: 'submit-dashcam-footage', pageId: 'upload', fileId })).toBe(
      '/submit-dashcam-footage/upload/files/:fileId/remove',
    );
    // A lower-case hex token in a parameter that is not named as one.
    const hex = randomBytes(24).toString('hex');
    expect(loggedPath('/:serviceId/:pageId', `/report-a-crime/${hex}`, { serviceId: 'report-a-crime', pageId: hex })).toBe('/report-a-crime/:pageId');
    expect(loggedPath('/:serviceId/:pageId', '/someone@example.com/x', { serviceId: 'someone@example.com', pageId: 'x' })).toBe('/:serviceId/x');
  });

  it('is the raw path, without its query, for a request that matched no route, with token-like segments masked', () => {
    const resume = token();
    expect(loggedPath(undefined, `/resume/${resume}/extra?email=someone%40example.com`)).toBe('/resume/[token]/extra');
    expect(maskPath(`/staff/evidence/${evidenceToken()}`)).toBe('/staff/evidence/[token]');
    expect(maskPath(`/x/${randomBytes(32).toString('hex')}`)).toBe('/x/[token]');
    // Standard base64 with its +, / and = percent-encoded.
    expect(maskPath(`/evidence/${encodeURIComponent(randomBytes(30).toString('base64'))}`)).toBe('/evidence/[token]');
    expect(maskPath('/someone%40example.com/page')).toBe('/[token]/page');
    // Words, slugs, UUIDs and references are not tokens.
    expect(maskPath('/no/such/page')).toBe('/no/such/page');
    expect(maskPath('/report-a-road-traffic-collision/vehicle-details/more')).toBe('/report-a-road-traffic-collision/vehicle-details/more');
    const id = randomUUID();
    expect(maskPath(`/files/${id}/7KQ-2MX-9P4`)).toBe(`/files/${id}/7KQ-2MX-9P4`);
    expect(maskPath('//evil.example')).toBe('//evil.example');
    // A malformed escape is judged as it came; an absurd path is cut short.
    expect(maskPath('/%E0%A4%A')).toBe('/%E0%A4%A');
    expect(maskPath(`/${'a/'.repeat(300)}`).length).toBeLessThanOrEqual(205);
  });

  it('masks every random token, however it falls', () => {
    for (let attempt = 0; attempt < 2000; attempt++) {
      expect(maskPath(`/resume/${token()}`)).toBe('/resume/[token]');
      expect(maskPath(`/evidence/${evidenceToken()}`)).toBe('/evidence/[token]');
    }
  });

  it('is what Fastify\'s request line shows: template and path, never the token, for matched and unmatched requests', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const app = Fastify();
    registerRequestLogging(app, createLogger({ level: 'info', name: 'test', destination }));
    app.get('/resume/:token', async () => 'draft');
    app.post('/:serviceId/:pageId', async () => 'answered');
    try {
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const resume = token();
      await fetch(`${address}/resume/${resume}`);
      await fetch(`${address}/contact-us/declaration`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const stray = token();
      await fetch(`${address}/resume/${stray}/again`);
      expect(lines.map(({ route, path, status }) => ({ route, path, status }))).toEqual([
        { route: '/resume/:token', path: '/resume/:token', status: 200 },
        { route: '/:serviceId/:pageId', path: '/contact-us/declaration', status: 200 },
        { route: 'unmatched', path: '/resume/[token]/again', status: 404 },
      ]);
      const written = JSON.stringify(lines);
      expect(written).not.toContain(resume);
      expect(written).not.toContain(stray);
    } finally {
      await app.close();
    }
  });
});
