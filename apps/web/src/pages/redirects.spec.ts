import fc from 'fast-check';
import type { FastifyReply } from 'fastify';
import { isLocalPath, localPathOr, seeOther, seeOtherToProvider } from './redirects.js';

const SITE = 'https://northshire.police.example';

/** Where a browser on the force's site goes for a Location of `target` (WHATWG URL parsing, as browsers do). */
const destination = (target: string) => new URL(target, `${SITE}/staff/reports/7KQ-2MX-9P4`);

/** A reply that records what it was told. */
function recordingReply() {
  const sent = { status: 0, headers: {} as Record<string, string>, sent: false };
  const reply = {
    code(status: number) {
      sent.status = status;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send() {
      sent.sent = true;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

describe('the one open-redirect rule', () => {
  it.each([
    '/',
    '/staff',
    '/staff/queue?queue=tdiu',
    '/staff/reports/7KQ-2MX-9P4?reason=triage',
    `/staff?returnTo=${encodeURIComponent('/staff/queue?queue=tdiu')}`,
    '/staff/signed-out?why=idle&returnTo=%2Fstaff%2Fqueue',
    '/report-a-crime/what-happened?change=1',
    '/resume/abc_DEF-123',
    '/track/code',
    '/national',
  ])('lets the site send a browser to its own page %s', (target) => {
    expect(isLocalPath(target)).toBe(true);
    expect(localPathOr(target, '/')).toBe(target);
  });

  it.each([
    ['another host', '//evil.example'],
    ['another host after three slashes', '///evil.example'],
    ['a backslash browsers read as a slash', '/\\evil.example'],
    ['backslashes', '\\\\evil.example'],
    ['a tab browsers strip', '/\t/evil.example'],
    ['a newline browsers strip', '/\n/evil.example'],
    ['a scheme', 'https://evil.example/staff'],
    ['a script', 'javascript:alert(1)'],
    ['a data URL', 'data:text/html,<script>alert(1)</script>'],
    ['a scheme-relative path with credentials', '//user@evil.example'],
    ['a relative path', 'evil.example/staff'],
    ['a leading space', ' /staff'],
    ['header splitting', '/staff\r\nSet-Cookie: session=stolen'],
    ['a NUL', '/staff\u0000'],
    ['a DEL', '/staff\u007f'],
    ['a slash pair further on', '/staff//evil.example'],
    ['a colon', '/x:y'],
    ['an at sign', '/@evil.example'],
    ['a fragment', '/staff#top'],
    ['non-ASCII', '/staff/ｅｖｉｌ'],
    ['nothing', ''],
    ['not a string', 42],
    ['undefined', undefined],
    ['an array', ['/staff']],
  ])('refuses %s', (_why, target) => {
    expect(isLocalPath(target)).toBe(false);
    expect(localPathOr(target, '/staff')).toBe('/staff');
  });

  it('never lets a browser leave the site, whatever the target (property)', () => {
    const pieces = fc.constantFrom('/', '//', '\\', ':', '.', '..', '%', '%2F', '%5C', '?', '=', '&', '#', '@', ' ', '\t', '\n', '\r', '\u0000', '\u2028', 'evil.example', 'http', 'https:', 'javascript:', 'a', '-', '_', '+');
    const hostile = fc.oneof(fc.array(pieces, { maxLength: 8 }).map((parts) => parts.join('')), fc.string({ unit: 'binary', maxLength: 30 }));
    fc.assert(
      fc.property(hostile, (target) => {
        if (!isLocalPath(target)) return localPathOr(target, '/') === '/';
        const landed = destination(target);
        return landed.origin === SITE && !landed.pathname.startsWith('//') && !/[\u0000-\u001f\u007f\s\\]/.test(target);
      }),
      { numRuns: 5000 },
    );
  });

  it('is at least as strict as the checks it replaced (property)', () => {
    // The staff pages' check, the widest of the three: the journey's allowed no "%" or "+", the upload script's anything after "/".
    const staffCheck = (target: string) => /^\/(?![/\\])[\w\-/?=&.%+]*$/.test(target);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: fc.constantFrom('/', '\\', 'a', '%', '+', '?', ':', '.'), maxLength: 12 })), (target) => !isLocalPath(target) || staffCheck(target)),
      { numRuns: 5000 },
    );
  });

  it('refuses a fallback that is not a path on this site', () => {
    expect(() => localPathOr('/staff', '//evil.example')).toThrow(/fallback/);
  });
});

describe('seeOther', () => {
  it('answers 303 to a path on the site, never cached', () => {
    const { reply, sent } = recordingReply();
    seeOther(reply, '/staff/queue', '/staff');
    expect(sent).toEqual({ status: 303, headers: { location: '/staff/queue', 'cache-control': 'no-store' }, sent: true });
  });

  it('sends anywhere else to the fallback', () => {
    const { reply, sent } = recordingReply();
    seeOther(reply, '//evil.example/staff', '/staff');
    expect(sent.headers.location).toBe('/staff');
    const home = recordingReply();
    seeOther(home.reply, '/\\evil.example');
    expect(home.sent.headers.location).toBe('/');
  });
});

describe('seeOtherToProvider', () => {
  it('answers 303 to the provider, never cached', () => {
    const { reply, sent } = recordingReply();
    seeOtherToProvider(reply, 'https://idp.example/realms/northshire/protocol/openid-connect/auth?state=abc');
    expect(sent).toEqual({ status: 303, headers: { location: 'https://idp.example/realms/northshire/protocol/openid-connect/auth?state=abc', 'cache-control': 'no-store' }, sent: true });
  });

  it('refuses anything but an http(s) address', () => {
    const { reply } = recordingReply();
    expect(() => seeOtherToProvider(reply, 'javascript:alert(1)')).toThrow(/http/);
    expect(() => seeOtherToProvider(reply, '/staff')).toThrow();
  });
});
