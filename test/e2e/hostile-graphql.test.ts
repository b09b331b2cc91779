import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { jest } from '@jest/globals';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  Lexer,
  Source,
  TokenKind,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '@front-counter/config';
import { createLogger } from '@front-counter/logging';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { SCHEMA_FILE } from '../../apps/api/src/schema.js';
import { migrateAndSync } from '../../apps/launcher/src/prepare-database.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { answerThroughApi, submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';

/**
 * Hostile input to every GraphQL operation of the api, generated from the committed schema.gql: for
 * each Query and Mutation field an operation with a variable for every argument, sent with NUL and
 * lone surrogates in every kind of text argument (variables and literals), oversize text, wrong types,
 * unknown enum values and deeply nested input; then hostile documents (fragment cycles, alias floods,
 * deep and huge documents, unknown operationName) and hostile requests (bodies, methods, content
 * types). Over real HTTP to the api as a force site calls it. The arguments not under attack are
 * plausible, many of them real: a journey half-way, one ready to send, a submitted report and its
 * reporter's address. Every answer is a 4xx or a GraphQL error with a specific code, never a 5xx or
 * INTERNAL_SERVER_ERROR, nothing is logged as an error, and no row of any table changes.
 */

let database: TestDatabase;
let config: AppConfig;
let api: NestFastifyApplication;
let apiUrl: string;
const errorLogs: string[] = [];
let consoleErrors: jest.SpiedFunction<typeof console.error>;
let tablesBefore: Record<string, string>;
/** Real data for the plausible arguments. */
const known = { midway: '', ready: '', reference: '', email: 'sam@example.com' };

const HOST = 'northshire.localhost';
const SDL = readFileSync(SCHEMA_FILE, 'utf8');
const schema = buildSchema(SDL);

beforeAll(async () => {
  // Apollo reports unexpected failures on the console: watched (and still printed), never replaced.
  consoleErrors = jest.spyOn(console, 'error');
  database = await createTestDatabase();
  // Rate limits are tested on their own: here every hostile request must reach the GraphQL layer. The
  // token limit is five times the default: what keeps deep documents safe is the bound on nesting.
  config = loadConfig({ PORT: '0', API_PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'warn', TENANT_CACHE_SECONDS: '0', RATE_LIMITS_ENABLED: 'false', GRAPHQL_MAX_TOKENS: '20000' });
  await migrateAndSync(database.urls.admin, config.tenants.directory, { dryRun: false });
  const logs = new PassThrough();
  logs.on('data', (chunk: Buffer) => errorLogs.push(...chunk.toString('utf8').split('\n').filter((line) => /"level":(50|60)/.test(line))));
  api = await createApiApp(config, database.urls, createLogger({ level: 'warn', name: 'hostile-graphql', destination: logs }).child({ app: 'api' }));
  await api.listen({ port: 0, host: '127.0.0.1' });
  apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as { port: number }).port}`;
  known.midway = (await answerThroughApi(apiUrl, HOST, 'report-a-crime', theftAnswers(), 'what-happened')).session;
  known.ready = (await answerThroughApi(apiUrl, HOST, 'report-a-crime', theftAnswers(), 'declaration')).session;
  known.reference = (await submitThroughApi(apiUrl, HOST, 'report-a-crime', theftAnswers({ email: known.email }))).reference;
  tablesBefore = await tableDigests();
});

afterAll(async () => {
  consoleErrors?.mockRestore();
  await api?.close();
  await database?.drop();
});

/** Every table's row count and a digest of its rows: reports, drafts, evidence, outbox, audit, tracking and the rest. */
async function tableDigests(): Promise<Record<string, string>> {
  const tables = await sqlOn<{ name: string }>(
    database.urls.admin,
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  );
  const digests = await sqlOn<{ name: string; rows: string; digest: string }>(
    database.urls.admin,
    tables.map(({ name }) => `SELECT '${name}' AS name, count(*) AS rows, md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) AS digest FROM ${name} t`).join(' UNION ALL '),
  );
  return Object.fromEntries(digests.map(({ name, rows, digest }) => [name, `${rows} rows, ${digest}`]));
}

// ---------------------------------------------------------------------------------------------
// Talking to the api

interface Answer {
  status: number;
  errors: { message: string; extensions?: { code?: string } }[];
  data?: unknown;
  text: string;
}

async function send(body: string, { method = 'POST', headers = { 'content-type': 'application/json' }, path = '/graphql' }: { method?: string; headers?: Record<string, string>; path?: string } = {}): Promise<Answer> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'x-forwarded-host': HOST, 'x-forwarded-proto': 'http', ...headers },
    body: ['GET', 'HEAD', 'OPTIONS'].includes(method) ? undefined : body,
  });
  const text = await response.text();
  let parsed: { errors?: Answer['errors']; data?: unknown } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // Not JSON: no errors to read, which expectRefused does not accept.
  }
  return { status: response.status, errors: parsed.errors ?? [], data: parsed.data, text };
}

const post = (payload: unknown) => send(JSON.stringify(payload));

/** Never a 5xx; at least one error, each with a code that is not INTERNAL_SERVER_ERROR; `codes` narrows which. */
function expectRefused(answer: Answer, expected: { codes?: string[]; status?: number } = {}): void {
  const shown = `${answer.status} ${answer.text.slice(0, 400)}`;
  expect({ shown, below500: answer.status < 500 }).toEqual({ shown, below500: true });
  expect({ shown, hasErrors: answer.errors.length > 0 }).toEqual({ shown, hasErrors: true });
  for (const error of answer.errors) {
    expect({ shown, code: error.extensions?.code }).toEqual({ shown, code: expect.any(String) });
    expect({ shown, code: error.extensions?.code }).not.toEqual({ shown, code: 'INTERNAL_SERVER_ERROR' });
    if (expected.codes) expect({ shown, expected: expected.codes.includes(String(error.extensions?.code)) }).toEqual({ shown, expected: true });
    expect(error.message).toEqual(expect.any(String));
  }
  if (expected.status !== undefined) expect({ shown, status: answer.status }).toEqual({ shown, status: expected.status });
}

// ---------------------------------------------------------------------------------------------
// Operations generated from the schema

interface Operation {
  type: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  /** With a variable for every argument. */
  document: string;
  /** With the given arguments written in the document as literals. */
  inline(literals: Record<string, string>): string;
}

function operationFor(type: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): Operation {
  const returned = getNamedType(field.type);
  // Operations that refuse input in their answer (`errors`, `problems`) are asked for them.
  const refusals = isObjectType(returned) ? ['errors', 'problems'].find((name) => name in returned.getFields()) : undefined;
  const selection = isCompositeType(returned) ? ` { __typename${refusals ? ` ${refusals} { __typename }` : ''} }` : '';
  const call = (args: string[]) => `${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection}`;
  const definitions = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`);
  const name = `Hostile_${field.name}`;
  return {
    type,
    field,
    document: `${type} ${name}${definitions.length ? `(${definitions.join(', ')})` : ''} { ${call(field.args.map((arg) => `${arg.name}: $${arg.name}`))} }`,
    inline: (literals) => `${type} ${name} { ${call(field.args.filter((arg) => arg.name in literals).map((arg) => `${arg.name}: ${literals[arg.name]}`))} }`,
  };
}

const OPERATIONS: Operation[] = [
  ...Object.values(schema.getQueryType()!.getFields()).map((field) => operationFor('query', field)),
  ...Object.values(schema.getMutationType()!.getFields()).map((field) => operationFor('mutation', field)),
];

// ---------------------------------------------------------------------------------------------
// Values: plausible ones for the arguments that are not under attack, hostile ones for the one that is

const PLAUSIBLE_TEXT: Record<string, () => fc.Arbitrary<string>> = {
  slug: () => fc.constantFrom('northshire', 'eastmarch'),
  serviceId: () => fc.constantFrom('report-a-crime', 'report-a-crime', 'contact-us'),
  session: () => fc.oneof(fc.constantFrom(known.midway, known.ready), fc.stringMatching(/^[A-Za-z0-9_-]{40}$/)),
  pageId: () => fc.constantFrom('what-happened', 'declaration', 'stolen-items', 'emergency'),
  reference: () => fc.constantFrom(known.reference, known.reference.replaceAll('-', ''), '7KQ-2MX-9P4'),
  report: () => fc.constantFrom(known.reference, '00000000-0000-4000-8000-000000000000'),
  email: () => fc.constantFrom(known.email, 'someone@example.com'),
  code: () => fc.stringMatching(/^[0-9]{6}$/),
  reason: () => fc.constant('triage'),
  message: () => fc.constant('Thank you for your report.'),
};
const textFor = (name: string) => PLAUSIBLE_TEXT[name]?.() ?? fc.string({ maxLength: 24 });

/** Keys the api's JSON parser refuses outright (tested on their own below). */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Answers as a page takes them, some for the real pages the plausible sessions are on. */
const JSON_VALUE: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !PROTOTYPE_KEYS.includes(key)), fc.oneof(fc.string({ maxLength: 24 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 })), { maxKeys: 4 }),
  fc.constantFrom({ incidentDescription: 'My bicycle was taken.' }, { confirm: 'yes' }, { emergency: 'no' }, { itemDescription: 'A bicycle', itemValue: '350' }),
);

function plausible(type: GraphQLInputType, name: string): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return plausible(type.ofType, name);
  if (isListType(type)) return fc.array(plausible(type.ofType, name), { maxLength: 3 });
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((value) => value.name));
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc.record(Object.fromEntries(fields.map((field) => [field.name, plausible(field.type, field.name)])), { requiredKeys: fields.filter((field) => isNonNullType(field.type)).map((field) => field.name) });
  }
  switch (type.name) {
    case 'Int':
      return fc.integer({ min: 0, max: 60 });
    case 'Float':
      return fc.double({ min: -90, max: 90, noNaN: true });
    case 'Boolean':
      return fc.boolean();
    case 'JSON':
      return JSON_VALUE;
    case 'DateTime':
      return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
    default:
      return textFor(name);
  }
}

/** Can a value of this type carry text somewhere inside it? */
function carriesText(type: GraphQLInputType): boolean {
  const named = getNamedType(type);
  if (isEnumType(named)) return false;
  if (isInputObjectType(named)) return Object.values(named.getFields()).some((field) => carriesText(field.type));
  return !['Int', 'Float', 'Boolean'].includes(named.name);
}

/** A value of `type` with `text` somewhere in it (in a JSON value possibly as a key, or deep inside). */
function carrying(type: GraphQLInputType, name: string, text: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return carrying(type.ofType, name, text);
  if (isListType(type)) {
    return fc.tuple(fc.array(plausible(type.ofType, name), { maxLength: 2 }), carrying(type.ofType, name, text), fc.array(plausible(type.ofType, name), { maxLength: 2 })).map(([before, hostile, after]) => [...before, hostile, ...after]);
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc.constantFrom(...fields.filter((field) => carriesText(field.type))).chain((target) =>
      fc.record(
        Object.fromEntries(fields.map((field) => [field.name, field === target ? carrying(field.type, field.name, text) : plausible(field.type, field.name)])),
        { requiredKeys: [target.name, ...fields.filter((field) => isNonNullType(field.type)).map((field) => field.name)] },
      ),
    );
  }
  if (getNamedType(type).name === 'JSON') {
    return fc.oneof(
      text,
      text.map((value) => ({ what: value })),
      // Where the real pages keep what a reporter types.
      text.map((value) => ({ incidentDescription: value, itemDescription: value, itemValue: '350', confirm: 'yes' })),
      text.map((value) => ({ [value]: 'a key' })),
      fc.tuple(JSON_VALUE, text).map(([base, value]) => ({ ...(base as object), deeper: [{ list: ['x', value] }] })),
    );
  }
  return text;
}

/** Text with a NUL or a lone surrogate somewhere in it. */
const HOSTILE_CHARACTER = fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF');
const hostileText = fc.tuple(fc.string({ maxLength: 20 }), HOSTILE_CHARACTER, fc.string({ maxLength: 20 })).map(([before, bad, after]) => `${before}${bad}${after}`);
const nulText = fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([before, after]) => `${before}\u0000${after}`);
/**
 * Up to 1.5 million characters: under the body limit, far over any field's. Generated as a
 * placeholder (so a counterexample stays readable) that `expandOversize` writes out in the body.
 */
const oversizeText = fc.tuple(fc.integer({ min: 20_000, max: 1_500_000 }), fc.constantFrom('x', 'é', '7', ' ', '€')).map(([length, unit]) => `OVERSIZE(${length},${unit})`);
const expandOversize = (body: string) => body.replace(/OVERSIZE\((\d+),(.)\)/g, (_, length: string, unit: string) => unit.repeat(Number(length)));

/** A value graphql-js cannot coerce to `type`. */
function wrongValue(type: GraphQLInputType): fc.Arbitrary<unknown> | null {
  const named = getNamedType(type);
  if (named.name === 'JSON') return null; // any JSON value is a JSON
  const notObject = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 8 }));
  if (isListType(isNonNullType(type) ? type.ofType : type)) return fc.array(fc.oneof(fc.constant({ nested: true }), fc.constant([[1]])), { minLength: 1, maxLength: 3 });
  if (isInputObjectType(named)) return fc.oneof(notObject, fc.constant([1, 2]), fc.constant({ notAField: 1 }));
  if (isEnumType(named)) return fc.oneof(fc.integer(), fc.boolean(), fc.constant({ value: named.getValues()[0].name }));
  switch (named.name) {
    case 'Int':
      return fc.oneof(fc.string({ maxLength: 8 }), fc.double({ noInteger: true, noNaN: true }), fc.constant(2 ** 40), fc.boolean(), fc.constant([1]));
    case 'Float':
      return fc.oneof(fc.string({ maxLength: 8 }), fc.boolean(), fc.constant({}));
    case 'Boolean':
      return fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant([true]));
    case 'DateTime':
      return fc.oneof(fc.integer({ min: 1 }).map((n) => `not a date ${n}`), fc.boolean(), fc.constant({}));
    default:
      // (An ID takes a number too.)
      return fc.oneof(...(named.name === 'ID' ? [] : [fc.integer()]), fc.boolean(), fc.constant({ text: 'x' }), fc.constant(['x']));
  }
}

/** Does the type hold an enum somewhere? Then an unknown value for it. */
function withUnknownEnum(type: GraphQLInputType, name: string): fc.Arbitrary<unknown> | null {
  if (isNonNullType(type)) return withUnknownEnum(type.ofType, name);
  if (isListType(type)) return withUnknownEnum(type.ofType, name)?.map((value) => [value]) ?? null;
  if (isEnumType(type)) return fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/).filter((value) => !type.getValue(value));
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    const target = fields.find((field) => withUnknownEnum(field.type, field.name));
    if (!target) return null;
    return fc.record(Object.fromEntries(fields.map((field) => [field.name, field === target ? withUnknownEnum(field.type, field.name)! : plausible(field.type, field.name)])), {
      requiredKeys: [target.name, ...fields.filter((field) => isNonNullType(field.type)).map((field) => field.name)],
    });
  }
  return null;
}

/** Nested far past any form's depth, as lists or objects. */
const deeplyNested = fc.tuple(fc.integer({ min: 33, max: 3000 }), fc.boolean(), fc.string({ maxLength: 8 })).map(([depth, asObjects, leaf]) => {
  let value: unknown = leaf;
  for (let level = 0; level < depth; level++) value = asObjects ? { inner: value } : [value];
  return value;
});

/** Plausible values for every argument of `operation` except `target`, which gets `hostile`. */
function argumentsWith(operation: Operation, target: GraphQLArgument, hostile: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(operation.field.args.map((arg) => [arg.name, arg === target ? hostile : plausible(arg.type, arg.name)])));
}

/** The value written as a GraphQL literal (JSON's string escapes are GraphQL's; keys are kept to names). */
function literal(value: unknown, type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(value, type.ofType);
  if (value === null || value === undefined) return 'null';
  if (isEnumType(type)) return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, isListType(type) ? type.ofType : type)).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = isInputObjectType(type) ? type.getFields() : undefined;
    return `{${Object.entries(value)
      .filter(([key]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      .map(([key, item]) => `${key}: ${literal(item, fields?.[key]?.type ?? type)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

const argumentsOf = (operation: Operation, carries: (arg: GraphQLArgument) => boolean) => operation.field.args.filter(carries);
const name = (operation: Operation) => `${operation.type === 'query' ? 'Query' : 'Mutation'}.${operation.field.name}`;

// ---------------------------------------------------------------------------------------------

describe('every operation refuses hostile arguments before anything runs', () => {
  const withText = OPERATIONS.filter((operation) => argumentsOf(operation, (arg) => carriesText(arg.type)).length > 0);

  it.each(withText.map((operation) => [name(operation), operation] as const))('%s: NUL or a lone surrogate in any text argument, as a variable: 400 BAD_USER_INPUT naming it', async (_, operation) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...argumentsOf(operation, (arg) => carriesText(arg.type))).chain((target) => fc.tuple(fc.constant(target.name), argumentsWith(operation, target, carrying(target.type, target.name, hostileText)))),
        async ([target, variables]) => {
          const answer = await post({ query: operation.document, variables });
          expectRefused(answer, { codes: ['BAD_USER_INPUT'], status: 400 });
          expect(answer.errors[0].message).toContain(`"$${target}"`);
          expect(answer.data).toBeUndefined();
        },
      ),
      { numRuns: 4 },
    );
  });

  it.each(withText.map((operation) => [name(operation), operation] as const))('%s: NUL written in the document: 400 BAD_USER_INPUT naming the argument', async (_, operation) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...argumentsOf(operation, (arg) => carriesText(arg.type))).chain((target) =>
          fc.tuple(fc.constant(target.name), argumentsWith(operation, target, carrying(target.type, target.name, nulText))),
        ),
        async ([target, values]) => {
          const literals = Object.fromEntries(operation.field.args.map((arg) => [arg.name, literal(values[arg.name], arg.type)]));
          if (!literals[target].includes('\\u0000')) return; // a key that is not a GraphQL name was left out
          const answer = await post({ query: operation.inline(literals) });
          expectRefused(answer, { codes: ['BAD_USER_INPUT'], status: 400 });
          expect(answer.errors[0].message).toContain(`Argument "${target}" of field "${operation.field.name}"`);
        },
      ),
      { numRuns: 2 },
    );
  });

  it.each(withText.map((operation) => [name(operation), operation] as const))('%s: oversize text: a specific refusal, never a 5xx', async (_, operation) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...argumentsOf(operation, (arg) => carriesText(arg.type))).chain((target) => argumentsWith(operation, target, carrying(target.type, target.name, oversizeText))),
        async (variables) => {
          const answer = await send(expandOversize(JSON.stringify({ query: operation.document, variables })));
          // Refused as a GraphQL error, or by the operation itself: nothing found (null) or its own `errors`/`problems`.
          const result = (answer.data as Record<string, unknown> | null | undefined)?.[operation.field.name] as Record<string, unknown[]> | null | undefined;
          if (answer.errors.length === 0 && answer.status === 200 && (result === null || (result?.errors ?? result?.problems ?? []).length > 0)) return;
          expectRefused(answer);
        },
      ),
      { numRuns: 2 },
    );
  });

  const withArguments = OPERATIONS.filter((operation) => operation.field.args.some((arg) => wrongValue(arg.type)));
  it.each(withArguments.map((operation) => [name(operation), operation] as const))('%s: a value of the wrong type: 400 BAD_USER_INPUT', async (_, operation) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operation.field.args.filter((arg) => wrongValue(arg.type))).chain((target) => argumentsWith(operation, target, wrongValue(target.type)!)),
        async (variables) => {
          expectRefused(await post({ query: operation.document, variables }), { codes: ['BAD_USER_INPUT'], status: 400 });
        },
      ),
      { numRuns: 3 },
    );
  });

  const withEnums = OPERATIONS.filter((operation) => operation.field.args.some((arg) => withUnknownEnum(arg.type, arg.name)));
  it.each(withEnums.map((operation) => [name(operation), operation] as const))('%s: an unknown enum value: 400 BAD_USER_INPUT', async (_, operation) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operation.field.args.filter((arg) => withUnknownEnum(arg.type, arg.name))).chain((target) => argumentsWith(operation, target, withUnknownEnum(target.type, target.name)!)),
        async (variables) => {
          expectRefused(await post({ query: operation.document, variables }), { codes: ['BAD_USER_INPUT'], status: 400 });
        },
      ),
      { numRuns: 3 },
    );
  });

  const withAnyArgument = OPERATIONS.filter((operation) => operation.field.args.length > 0);
  it.each(withAnyArgument.map((operation) => [name(operation), operation] as const))('%s: input nested far too deeply: 400 BAD_USER_INPUT', async (_, operation) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operation.field.args).chain((target) => argumentsWith(operation, target, deeplyNested)),
        async (variables) => {
          expectRefused(await post({ query: operation.document, variables }), { codes: ['BAD_USER_INPUT'], status: 400 });
        },
      ),
      { numRuns: 2 },
    );
  });
});

describe('hostile documents', () => {
  const anyOperation = fc.constantFrom(...OPERATIONS);
  const fragmentName = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,10}$/);

  it('a fragment cycle, of any length, anywhere: 400 GRAPHQL_VALIDATION_FAILED naming the cycle', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fragmentName, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean(), async (names, named, withField) => {
        const fragments = names.map((fragment, index) => `fragment ${fragment} on Query { ${withField ? '__typename ' : ''}...${names[(index + 1) % names.length]} }`);
        const answer = await post({ query: `${named ? 'query Cycle ' : ''}{ ...${names[0]} } ${fragments.join(' ')}` });
        expectRefused(answer, { codes: ['GRAPHQL_VALIDATION_FAILED'], status: 400 });
        expect(answer.errors.map((error) => error.message)).toContainEqual(expect.stringMatching(/^Cannot spread fragment ".+" within itself/));
      }),
      { numRuns: 25 },
    );
  });

  it('an alias flood (past the limit, directly or through fragments): 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: config.api.maxQueryAliases + 1, max: 3000 }), fc.constantFrom('__typename', 'services { id }', 'tenant { slug }'), fc.boolean(), async (count, field, throughFragment) => {
        const aliases = Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(' ');
        const query = throughFragment ? `{ ...Flood } fragment Flood on Query { ${aliases} }` : `{ ${aliases} }`;
        expectRefused(await post({ query }), { codes: ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED'], status: 400 });
      }),
      { numRuns: 15 },
    );
  });

  /** Five ways to nest: selections (valid, then not), a list literal, an object literal, inline fragments. */
  const nested = (kind: number, depth: number) =>
    [
      () => `${'tenant { branding { '.repeat(depth)}brandColour${' } }'.repeat(depth)}`,
      () => `a${'{a'.repeat(depth)}${'}'.repeat(depth)}`,
      () => `submitReport(serviceId: "report-a-crime", session: "${known.ready}", values: ${'['.repeat(depth)}${']'.repeat(depth)}) { __typename }`,
      () => `simulateRouting(input: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}) { __typename }`,
      () => `... on Query { ${'... on Query { '.repeat(depth)}__typename${' }'.repeat(depth)} }`,
    ][kind]();
  const nestedDocument = (kind: number, depth: number, twice: boolean) => {
    const body = nested(kind, depth);
    return `${kind === 2 ? 'mutation ' : ''}{ ${body}${twice ? ` ${body}` : ''} }`;
  };
  const tokens = (document: string) => {
    const lexer = new Lexer(new Source(document));
    let count = 0;
    while (lexer.advance().kind !== TokenKind.EOF) count++;
    return count;
  };
  /** Answered without a 5xx: refused as too deep or invalid, or (inline fragments add no depth) served. */
  const expectSafe = (kind: number, answer: Answer) => {
    if (kind === 4 && answer.status === 200) return expect(answer).toMatchObject({ data: { __typename: 'Query' }, errors: [] });
    expectRefused(answer, { codes: ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT'], status: 400 });
  };

  it('deeply nested documents (selections, literals, inline fragments, twice over), up to and past the token limit: refused, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 33, max: 4000 }), fc.boolean(), async (kind, depth, twice) => {
        expectSafe(kind, await post({ query: nestedDocument(kind, depth, twice) }));
      }),
      { numRuns: 40 },
    );
  });

  it('the deepest documents within the token limit (each kind, once and twice over) are answered without exhausting the stack', async () => {
    for (const kind of [0, 1, 2, 3, 4]) {
      for (const twice of [false, true]) {
        // Tokens grow linearly with depth.
        const perLevel = tokens(nestedDocument(kind, 2, twice)) - tokens(nestedDocument(kind, 1, twice));
        const depth = Math.floor((config.api.maxQueryTokens - tokens(nestedDocument(kind, 1, twice))) / perLevel) + 1;
        expect([kind, twice, tokens(nestedDocument(kind, depth, twice)) <= config.api.maxQueryTokens, tokens(nestedDocument(kind, depth + 1, twice)) > config.api.maxQueryTokens]).toEqual([kind, twice, true, true]);
        expectSafe(kind, await post({ query: nestedDocument(kind, depth, twice) }));
      }
    }
  });

  it('about 150,000 selections in one selection set, or any document past the token limit: 400 GRAPHQL_PARSE_FAILED (413 past the body limit)', async () => {
    const huge = await post({ query: `{ ${'__typename '.repeat(150_000)}}` });
    expectRefused(huge, { codes: ['GRAPHQL_PARSE_FAILED'], status: 400 });
    expect(huge.errors[0].message).toMatch(new RegExp(`more th\\w+ ${config.api.maxQueryTokens} tokens`));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: config.api.maxQueryTokens, max: 200_000 }), fc.constantFrom('__typename', 'services { id }', 'x', '...F'), async (count, selection) => {
        // Or, past 2 MiB, refused before it is read.
        expectRefused(await post({ query: `{ ${`${selection} `.repeat(count)}}` }), { codes: ['GRAPHQL_PARSE_FAILED', 'PAYLOAD_TOO_LARGE'] });
      }),
      { numRuns: 10 },
    );
  });

  it('an operationName that names no operation: 400 OPERATION_RESOLUTION_FAILURE', async () => {
    await fc.assert(
      fc.asyncProperty(anyOperation, fc.boolean(), fc.oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.stringMatching(/^[A-Za-z_]\w{0,30}$/)), async (operation, anonymous, operationName) => {
        const query = anonymous ? operation.document.replace(/^(query|mutation) Hostile_\w+/, '$1') : operation.document;
        if (!anonymous && operationName === `Hostile_${operation.field.name}`) return;
        const answer = await post({ query, operationName, variables: {} });
        expectRefused(answer, { codes: ['OPERATION_RESOLUTION_FAILURE'], status: 400 });
      }),
      { numRuns: 30 },
    );
    // Several operations and none named.
    expectRefused(await post({ query: 'query A { __typename } query B { __typename }' }), { codes: ['OPERATION_RESOLUTION_FAILURE'], status: 400 });
  });
});

describe('subscriptions sent as POST (they are served over graphql-ws only)', () => {
  it.each(Object.keys(schema.getSubscriptionType()?.getFields() ?? {}))('Subscription.%s: refused with a specific code, never a 5xx', async (field) => {
    expectRefused(await post({ query: `subscription { ${field} { __typename } }` }));
    expectRefused(await post({ query: `subscription Sneaky { ${field} { __typename } }`, variables: { text: '\u0000' } }));
  });
});

describe('hostile requests', () => {
  const query = '{ tenant { slug } }';

  it('a body that is not JSON, not an object, or has a query, variables or extensions of the wrong shape: 400 BAD_REQUEST', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string().filter((text) => {
            try {
              JSON.parse(text);
              return false;
            } catch {
              return true;
            }
          }),
          fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant({}), fc.array(fc.integer())).map((value) => JSON.stringify(value)),
          fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string()), fc.object()).map((bad) => JSON.stringify({ query: bad })),
          fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.integer())).map((bad) => JSON.stringify({ query, variables: bad })),
          fc.oneof(fc.integer(), fc.string(), fc.boolean()).map((bad) => JSON.stringify({ query, extensions: bad })),
          fc.oneof(fc.integer(), fc.boolean(), fc.object()).map((bad) => JSON.stringify({ query, operationName: bad })),
        ),
        async (body) => {
          expectRefused(await send(body), { codes: ['BAD_REQUEST'], status: 400 });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('prototype poisoning (__proto__, constructor.prototype) anywhere in the body: 400 BAD_REQUEST', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}'), fc.constantFrom('variables', 'extensions', 'deep'), async (poison, where) => {
        const body =
          where === 'deep'
            ? `{"query":"mutation($v: JSON!) { submitReport(serviceId: \\"report-a-crime\\", session: \\"${known.ready}\\", values: $v) { __typename } }","variables":{"v":{"a":[${poison}]}}}`
            : `{"query":"{ __typename }","${where}":${poison}}`;
        expectRefused(await send(body), { codes: ['BAD_REQUEST'], status: 400 });
      }),
      { numRuns: 6 },
    );
  });

  it('batched operations: 400 BAD_REQUEST', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50 }), async (count) => {
        expectRefused(await post(Array.from({ length: count }, () => ({ query }))), { codes: ['BAD_REQUEST'], status: 400 });
      }),
      { numRuns: 5 },
    );
  });

  it('huge variables: more values than any form, or a body past the limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 20_001, max: 120_000 }), fc.boolean(), async (count, nested) => {
        const many = Array.from({ length: count }, (_, index) => index);
        const variables = nested ? { values: { list: many } } : Object.fromEntries(many.map((index) => [`v${index}`, index]));
        expectRefused(await post({ query, variables }), { codes: ['BAD_USER_INPUT', 'PAYLOAD_TOO_LARGE'] });
      }),
      { numRuns: 4 },
    );
    expectRefused(await post({ query, variables: { big: 'x'.repeat(3 * 1024 * 1024) } }), { codes: ['PAYLOAD_TOO_LARGE'], status: 413 });
  });

  it('a body that is not application/json, or has no content-type: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/xml', 'application/graphql', 'application/jsonx', 'json', ''),
        async (type) => {
          const answer = await send(JSON.stringify({ query }), { headers: type ? { 'content-type': type } : {} });
          expectRefused(answer, { codes: ['UNSUPPORTED_MEDIA_TYPE'], status: 415 });
        },
      ),
      { numRuns: 9 },
    );
  });

  it('GET, HEAD, OPTIONS and other methods: never served (405 METHOD_NOT_ALLOWED, or the CSRF refusal)', async () => {
    const search = `?query=${encodeURIComponent(query)}`;
    const preflighted = await send('', { method: 'GET', headers: { 'apollo-require-preflight': 'true' }, path: `/graphql${search}` });
    expectRefused(preflighted, { codes: ['METHOD_NOT_ALLOWED'], status: 405 });
    const simple = await send('', { method: 'GET', headers: {}, path: `/graphql${search}` });
    expectRefused(simple, { codes: ['BAD_REQUEST'], status: 400 });
    expect(simple.errors[0].message).toMatch(/CSRF/);
    const head = await send('', { method: 'HEAD', headers: { 'apollo-require-preflight': 'true' }, path: `/graphql${search}` });
    expect(head.status).toBe(405);
    expectRefused(await send('', { method: 'OPTIONS', headers: { 'apollo-require-preflight': 'true' } }), { codes: ['METHOD_NOT_ALLOWED'], status: 405 });
    for (const method of ['PUT', 'PATCH', 'DELETE']) expectRefused(await send(JSON.stringify({ query }), { method }), { codes: ['NOT_FOUND'], status: 404 });
  });

  it('persisted queries are off: 400 PERSISTED_QUERY_NOT_SUPPORTED, with or without a query', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[0-9a-f]{64}$/), fc.option(fc.constant(query)), fc.integer({ min: 0, max: 3 }), async (sha256Hash, withQuery, version) => {
        const answer = await post({ ...(withQuery ? { query: withQuery } : {}), extensions: { persistedQuery: { version, sha256Hash } } });
        expectRefused(answer, { codes: ['PERSISTED_QUERY_NOT_SUPPORTED'], status: 400 });
      }),
      { numRuns: 10 },
    );
  });
});

describe('after all of it', () => {
  it('stored nothing: every table has exactly the rows it had before', async () => {
    expect(await tableDigests()).toEqual(tablesBefore);
  });

  it('logged no error (no stack, no unexpected failure)', () => {
    expect(errorLogs).toEqual([]);
    expect(consoleErrors.mock.calls.map((call) => String(call[0]).slice(0, 300))).toEqual([]);
  });
});
