import { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';
import { inputBoundaryPlugin, literalsProblem, MAX_INPUT_DEPTH, MAX_INPUT_VALUES, textProblem, variablesProblem } from './input-boundary.plugin.js';

/**
 * The input boundary: text PostgreSQL cannot store (NUL, lone surrogates) and input shaped beyond any
 * form are refused, naming where, before any resolver runs; an operationName that names nothing is
 * refused before any plugin works on it.
 */

const nested = (depth: number, leaf: unknown = 'x'): unknown => {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
};

describe('textProblem', () => {
  it('finds a NUL or an unpaired surrogate anywhere, and accepts everything else people type', () => {
    expect(textProblem('a\u0000b')).toBe('a NUL character (U+0000)');
    for (const lone of ['\uD800', 'x\uDBFFy', '\uDC00', 'end\uDFFF', '\uDC00\uD800']) expect(textProblem(lone)).toBe('an unpaired surrogate (not valid Unicode)');
    for (const fine of ['', 'plain', 'Heddlu Dyffryn — ŵ ŷ', '🚲 stolen', '\u0001\u001f\t\n', '\uD83D\uDE00']) expect(textProblem(fine)).toBeNull();
  });
});

describe('variablesProblem', () => {
  it('names the variable and where inside it the text is', () => {
    expect(variablesProblem({ session: 'a\u0000' })).toBe('Variable "$session" contains a NUL character (U+0000), which is not allowed.');
    expect(variablesProblem({ values: { where: { street: ['ok', 'b\uD800'] } } })).toBe('Variable "$values" contains an unpaired surrogate (not valid Unicode) at values.where.street[1], which is not allowed.');
    expect(variablesProblem({ values: { 'a\u0000': 'x' } })).toBe('Variable "$values" has a key that contains a NUL character (U+0000), which is not allowed.');
    expect(variablesProblem({ 'bad\u0000': 'x' })).toBe('A variable name contains a NUL character (U+0000), which is not allowed.');
  });

  it('does not repeat keys that are not plain names', () => {
    expect(variablesProblem({ values: { 'no such <key>': '\u0000' } })).toBe('Variable "$values" contains a NUL character (U+0000) at values.…, which is not allowed.');
  });

  it(`refuses nesting deeper than ${MAX_INPUT_DEPTH} levels and more than ${MAX_INPUT_VALUES} values, without recursion`, () => {
    expect(variablesProblem({ values: nested(MAX_INPUT_DEPTH) })).toBeNull();
    expect(variablesProblem({ values: nested(MAX_INPUT_DEPTH + 1) })).toBe(`Variable "$values" is nested more than ${MAX_INPUT_DEPTH} levels deep.`);
    // Far deeper than any recursive walk could go.
    expect(variablesProblem({ values: nested(500_000) })).toBe(`Variable "$values" is nested more than ${MAX_INPUT_DEPTH} levels deep.`);
    expect(variablesProblem({ list: Array.from({ length: MAX_INPUT_VALUES - 1 }, () => 1) })).toBeNull();
    expect(variablesProblem({ list: Array.from({ length: MAX_INPUT_VALUES }, () => 1) })).toBe(`The variables hold more than ${MAX_INPUT_VALUES} values; send less at once.`);
  });

  it('accepts ordinary variables of every kind', () => {
    expect(variablesProblem(undefined)).toBeNull();
    expect(variablesProblem({ slug: 'northshire', first: 50, takeOver: false, statuses: ['AWAITING_TRIAGE'], thrive: { threat: { level: 'LOW', note: 'None' } }, none: null })).toBeNull();
  });
});

describe('literalsProblem', () => {
  it('names the argument and field of a literal, however deep, in a directive or a default value', () => {
    expect(literalsProblem(parse('{ tenant(slug: "north\\u0000shire") { slug } }'))).toBe('Argument "slug" of field "tenant" contains a NUL character (U+0000), which is not allowed.');
    expect(literalsProblem(parse('mutation { submitReport(values: { a: [{ b: "x\\u0000" }] }) { reference } }'))).toBe('Argument "values" of field "submitReport" contains a NUL character (U+0000), which is not allowed.');
    expect(literalsProblem(parse('{ services { id @include(if: "\\u0000") } }'))).toBe('Argument "if" of directive "@include" contains a NUL character (U+0000), which is not allowed.');
    expect(literalsProblem(parse('query($s: String = "\\u0000") { tenant(slug: $s) { slug } }'))).toBe('The default value of "$s" contains a NUL character (U+0000), which is not allowed.');
    expect(literalsProblem(parse('{ a: tenant(slug: """block\u0000""") { slug } }'))).toBe('Argument "slug" of field "tenant" contains a NUL character (U+0000), which is not allowed.');
  });

  it(`refuses literal input nested deeper than ${MAX_INPUT_DEPTH} levels`, () => {
    const list = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    expect(literalsProblem(parse(`mutation { submitReport(values: ${list(MAX_INPUT_DEPTH)}) { reference } }`))).toBeNull();
    expect(literalsProblem(parse(`mutation { submitReport(values: ${list(MAX_INPUT_DEPTH + 1)}) { reference } }`))).toBe(`Argument "values" of field "submitReport" is nested more than ${MAX_INPUT_DEPTH} levels deep.`);
  });

  it('accepts ordinary documents', () => {
    expect(literalsProblem(parse('query Find($s: String = "northshire") { tenant(slug: $s) { slug name { en cy } } queue(first: 10, statuses: [CLOSED]) { total } }'))).toBeNull();
  });
});

describe('inputBoundaryPlugin, in a real Apollo Server', () => {
  let resolved = 0;
  const server = new ApolloServer({
    typeDefs: 'scalar JSON type Query { echo(text: String, values: JSON): String }',
    resolvers: {
      Query: {
        echo: (_: unknown, { text }: { text?: string }) => {
          resolved++;
          return text ?? 'ok';
        },
      },
    },
    plugins: [inputBoundaryPlugin()],
  });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  const run = async (request: { query: string; variables?: Record<string, unknown>; operationName?: string }) => {
    const response = await server.executeOperation(request);
    const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
    return { status: response.http.status, errors: result?.errors?.map((error) => ({ message: error.message, code: error.extensions?.code })), data: result?.data };
  };

  it('refuses hostile text in variables and literals with 400 BAD_USER_INPUT, before any resolver runs', async () => {
    resolved = 0;
    expect(await run({ query: 'query($t: String) { echo(text: $t) }', variables: { t: '\uD800' } })).toEqual({
      status: 400,
      errors: [{ message: 'Variable "$t" contains an unpaired surrogate (not valid Unicode), which is not allowed.', code: 'BAD_USER_INPUT' }],
      data: undefined,
    });
    expect(await run({ query: '{ echo(values: { deep: ["\\u0000"] }) }' })).toMatchObject({ status: 400, errors: [{ code: 'BAD_USER_INPUT' }] });
    expect(resolved).toBe(0);
    expect(await run({ query: 'query($t: String) { echo(text: $t) }', variables: { t: 'Heddlu 🚲' } })).toEqual({ status: undefined, errors: undefined, data: { echo: 'Heddlu 🚲' } });
    expect(resolved).toBe(1);
  });

  it('refuses an operationName that names no operation with 400 OPERATION_RESOLUTION_FAILURE', async () => {
    expect(await run({ query: '{ echo }', operationName: 'Missing' })).toEqual({ status: 400, errors: [{ message: 'Unknown operation named "Missing".', code: 'OPERATION_RESOLUTION_FAILURE' }], data: undefined });
    expect(await run({ query: 'query A { echo }', operationName: 'not a name\u0000'.repeat(20) })).toEqual({
      status: 400,
      errors: [{ message: 'operationName names no operation in this document.', code: 'OPERATION_RESOLUTION_FAILURE' }],
      data: undefined,
    });
    expect(await run({ query: 'query A { echo } query B { echo }' })).toEqual({
      status: 400,
      errors: [{ message: 'This document has several operations: name the one to run in operationName.', code: 'OPERATION_RESOLUTION_FAILURE' }],
      data: undefined,
    });
  });
});
