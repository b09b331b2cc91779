import fc from 'fast-check';
import { badRequestOf, multipartProblem, UploadInterrupted, WebBadRequest } from './bad-request.js';
import { trustedProxies } from './request-guards.js';
import { decodeComponent, hostProblem, isAcceptableText, isAcceptableValue, parseUrlEncodedForm, requestTargetProblem } from './request-text.js';
import { HttpException, NotFoundException } from '@nestjs/common';

/** Text a person could type: any well-formed string without NUL. */
const typedText = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((text) => !text.includes('\u0000'));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
/** A string with one unacceptable character put somewhere in it. */
const spoiled = fc.tuple(typedText, fc.oneof(fc.constant('\u0000'), loneSurrogate), fc.nat()).map(([text, bad, at]) => {
  const position = text.length ? at % text.length : 0;
  // Never beside a surrogate half that would pair with it.
  return `${text.slice(0, position).replace(/[\uD800-\uDBFF]$/, '')}${bad}${text.slice(position).replace(/^[\uDC00-\uDFFF]/, '')}`;
});
const problemOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof WebBadRequest) return error.problem;
    throw error;
  }
  return null;
};

describe('text the site accepts', () => {
  it('accepts whatever can be typed, and refuses NUL and lone surrogates wherever they are', () => {
    fc.assert(fc.property(typedText, (text) => isAcceptableText(text)));
    fc.assert(fc.property(spoiled, (text) => !isAcceptableText(text)));
    expect(isAcceptableText('Caerdydd 🚓 café')).toBe(true);
  });

  it('looks through a parsed body, keys and lists included', () => {
    expect(isAcceptableValue({ a: ['x', { b: 'y' }], c: 1, d: null })).toBe(true);
    expect(isAcceptableValue({ a: ['x', { b: 'y\u0000' }] })).toBe(false);
    expect(isAcceptableValue({ ['k\uD800']: 'v' })).toBe(false);
  });
});

describe('a form body, decoded strictly', () => {
  it('reads back whatever a browser encodes, lists for repeated fields', () => {
    const fields = fc.array(fc.tuple(typedText.filter((name) => name.length > 0 && !['__proto__', 'constructor', 'prototype', '_csrf'].includes(name)), typedText), { maxLength: 30 });
    fc.assert(
      fc.property(fields, (pairs) => {
        const encoded = new URLSearchParams(pairs).toString();
        const expected: Record<string, string | string[]> = {};
        // Own fields only: a field may be called toString or valueOf.
        for (const [name, value] of pairs) expected[name] = Object.hasOwn(expected, name) ? [expected[name], value].flat() : value;
        expect({ ...parseUrlEncodedForm(encoded) }).toEqual(expected);
      }),
    );
  });

  it('refuses broken escapes as a malformed form and encoded NUL or surrogates as invalid characters', () => {
    expect(problemOf(() => parseUrlEncodedForm('message=50%'))).toBe('malformed-form');
    expect(problemOf(() => parseUrlEncodedForm('message=%E0%A4%A'))).toBe('malformed-form');
    expect(problemOf(() => parseUrlEncodedForm('message=a%00b'))).toBe('invalid-characters');
    expect(problemOf(() => parseUrlEncodedForm('me%00ssage=a'))).toBe('invalid-characters');
    // A surrogate encoded as UTF-8 bytes (CESU-8) is no UTF-8.
    expect(problemOf(() => parseUrlEncodedForm('message=%ED%A0%80'))).toBe('invalid-characters');
    fc.assert(fc.property(spoiled, (text) => problemOf(() => parseUrlEncodedForm(`x=${encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '\u0000'))}`)) === 'invalid-characters'));
  });

  it('refuses more fields than any page has, a repeated form token and prototype names', () => {
    expect(problemOf(() => parseUrlEncodedForm(Array.from({ length: 201 }, (_, index) => `f${index}=x`).join('&')))).toBe('too-many-fields');
    expect(Object.keys(parseUrlEncodedForm(Array.from({ length: 200 }, (_, index) => `f${index}=x`).join('&')))).toHaveLength(200);
    expect(problemOf(() => parseUrlEncodedForm('_csrf=a&_csrf=b'))).toBe('malformed-form');
    expect(problemOf(() => parseUrlEncodedForm('__proto__=x'))).toBe('malformed-form');
    expect(parseUrlEncodedForm('a=1&a=2&b=&c')).toEqual(Object.assign(Object.create(null), { a: ['1', '2'], b: '', c: '' }));
  });

  it('decodes one component, naming the problem the caller chose for broken escapes', () => {
    expect(decodeComponent('a%20b', 'invalid-address')).toBe('a b');
    expect(problemOf(() => decodeComponent('%zz', 'invalid-address'))).toBe('invalid-address');
  });
});

describe('a request target', () => {
  it('passes ordinary paths and queries, and names what is wrong with the others', () => {
    expect(requestTargetProblem('/report-a-crime/what-happened?change=1&lang=cy')).toBeNull();
    expect(requestTargetProblem('/?q=caf%C3%A9+au+lait')).toBeNull();
    expect(requestTargetProblem('/track%00')).toBe('invalid-characters');
    expect(requestTargetProblem('/track?reference=%00')).toBe('invalid-characters');
    expect(requestTargetProblem('/track?reference=%ED%B0%80')).toBe('invalid-characters');
    expect(requestTargetProblem('/track?reference=%E0%A4%A')).toBe('invalid-address');
    expect(requestTargetProblem('/%')).toBe('invalid-address');
  });
});

describe('the Host', () => {
  const raw = (...hosts: string[]) => hosts.flatMap((host) => ['Host', host]).concat(['Accept', '*/*']);

  it('takes one plain name or address with a port', () => {
    for (const host of ['northshire.localhost:3000', 'report.northshire.police.example', '127.0.0.1:8080', '[::1]:3000', 'web-7f9c_b.internal']) expect(hostProblem(raw(host), undefined, false)).toBeNull();
  });

  it('refuses two Hosts, odd characters, and a different X-Forwarded-Host from a client that is no trusted proxy', () => {
    expect(hostProblem(raw('dyffryn.localhost', 'northshire.localhost'), undefined, false)).toBe('invalid-address');
    expect(hostProblem(raw('dyffryn.localhost', 'dyffryn.localhost'), undefined, false)).toBe('invalid-address');
    for (const host of ['dyffryn.localhost<script>', 'a b', 'user@dyffryn.localhost', 'dyffryn.localhost/x', '', '%64yffryn.localhost']) expect(hostProblem(raw(host), undefined, false)).toBe('invalid-address');
    expect(hostProblem(raw('dyffryn.localhost'), 'northshire.localhost', false)).toBe('invalid-address');
    expect(hostProblem(raw('dyffryn.localhost'), 'dyffryn.localhost', false)).toBeNull();
    expect(hostProblem(raw('dyffryn.localhost'), 'northshire.localhost', true)).toBeNull();
  });

  it('trusts exactly the addresses and ranges of TRUST_PROXY', () => {
    const trusted = trustedProxies('127.0.0.1, ::1, 10.0.0.0/8');
    expect([trusted('127.0.0.1'), trusted('::ffff:127.0.0.1'), trusted('::1'), trusted('10.20.30.40')]).toEqual([true, true, true, true]);
    expect([trusted('127.0.0.2'), trusted('192.168.1.1'), trusted(undefined)]).toEqual([false, false, false]);
  });
});

describe('refusals as pages', () => {
  it('names the limit a multipart form broke, and calls anything else it cannot read malformed', () => {
    const fastifyError = (code: string) => Object.assign(new Error(code), { code });
    expect(multipartProblem(fastifyError('FST_FILES_LIMIT')).problem).toBe('too-many-files');
    expect(multipartProblem(fastifyError('FST_FIELDS_LIMIT')).problem).toBe('too-many-fields');
    expect(multipartProblem(fastifyError('FST_PARTS_LIMIT')).problem).toBe('too-many-fields');
    const tooLarge = multipartProblem(new UploadInterrupted(fastifyError('FST_REQ_FILE_TOO_LARGE')));
    expect([tooLarge.problem, tooLarge.getStatus()]).toEqual(['too-large', 413]);
    expect(multipartProblem(new Error('Unexpected end of form')).problem).toBe('malformed-form');
    expect(multipartProblem(new Error('Multipart: Boundary not found')).getStatus()).toBe(400);
  });

  it('shows Fastify refusals of a body as bad requests, never a 404 or a failure of the site', () => {
    expect(badRequestOf(new HttpException('Request body is too large', 413))).toEqual({ status: 413, problem: 'too-large', storedNothing: true });
    expect(badRequestOf(new HttpException('Unsupported Media Type', 415))).toEqual({ status: 415, problem: 'malformed-form', storedNothing: true });
    expect(badRequestOf(new WebBadRequest('too-many-files', { storedNothing: false }))).toEqual({ status: 400, problem: 'too-many-files', storedNothing: false });
    expect(badRequestOf(new NotFoundException())).toBeNull();
    expect(badRequestOf(new Error('api down'))).toBeNull();
  });
});
