import { AppMetrics } from '@front-counter/metrics';
import { graphqlMetricsPlugin } from './graphql-metrics.plugin.js';

/**
 * The GraphQL metrics plugin, driven as Apollo drives it (requestDidStart, then willSendResponse with
 * the formatted response): outcome by error code, the operation's name and type, and the cap on
 * distinct names that keeps made-up names from growing the series without end.
 */

type Operation = { name?: string | null; type?: 'query' | 'mutation' | 'subscription' | null; codes?: (string | undefined)[]; incremental?: boolean };

function harness() {
  const metrics = new AppMetrics('api');
  const plugin = graphqlMetricsPlugin(metrics);
  const send = async ({ name, type = 'query', codes = [], incremental = false }: Operation) => {
    const listener = (await plugin.requestDidStart!({} as never)) as { willSendResponse(context: unknown): Promise<void> };
    const errors = codes.map((code) => ({ message: 'x', ...(code === undefined ? {} : { extensions: { code } }) }));
    await listener.willSendResponse({
      operation: type ? { operation: type } : undefined,
      operationName: name ?? null,
      response: { body: incremental ? { kind: 'incremental' } : { kind: 'single', singleResult: { data: null, ...(errors.length ? { errors } : {}) } } },
    });
  };
  const counts = async () => {
    const { values } = await metrics.registry.getSingleMetric('front_counter_graphql_operations_total')!.get();
    return values.map(({ labels, value }) => ({ operation: labels.operation, type: labels.type, outcome: labels.outcome, value }));
  };
  const durations = async () => {
    const { values } = await metrics.registry.getSingleMetric('front_counter_graphql_operation_duration_seconds')!.get();
    return (values as { labels: Record<string, string | number>; value: number; metricName?: string }[]).filter((sample) => sample.metricName?.endsWith('_count')).map(({ labels, value }) => ({ operation: labels.operation, type: labels.type, value }));
  };
  const errorsByCode = async () => {
    const { values } = await metrics.registry.getSingleMetric('front_counter_graphql_errors_total')!.get();
    return Object.fromEntries(values.map(({ labels, value }) => [labels.code, value]));
  };
  return { plugin, send, counts, durations, errorsByCode };
}

describe('graphqlMetricsPlugin', () => {
  it('counts ok, client_error (the caller\'s mistake or a refusal) and error (ours: INTERNAL_SERVER_ERROR)', async () => {
    const { send, counts } = harness();
    await send({ name: 'Queue' });
    await send({ name: 'Queue', codes: ['BAD_USER_INPUT'] });
    await send({ name: 'Queue', codes: ['NOT_FOUND'] });
    await send({ name: 'Queue', codes: ['UNAUTHENTICATED', 'FORBIDDEN'] });
    await send({ name: 'Queue', codes: ['NOT_FOUND', 'INTERNAL_SERVER_ERROR'] });
    // An error without a code is treated as ours.
    await send({ name: 'Queue', codes: [undefined] });
    await send({ name: 'ClaimReport', type: 'mutation', codes: ['INTERNAL_SERVER_ERROR'] });
    expect(await counts()).toEqual(
      expect.arrayContaining([
        { operation: 'Queue', type: 'query', outcome: 'ok', value: 1 },
        { operation: 'Queue', type: 'query', outcome: 'client_error', value: 3 },
        { operation: 'Queue', type: 'query', outcome: 'error', value: 2 },
        { operation: 'ClaimReport', type: 'mutation', outcome: 'error', value: 1 },
      ]),
    );
    expect(await counts()).toHaveLength(4);
  });

  it('labels an operation that never resolved (parse or validation failure) `unparsed`/`unknown`, an unnamed one `anonymous`', async () => {
    const { send, counts, durations } = harness();
    await send({ name: 'WhatTheCallerClaims', type: null, codes: ['GRAPHQL_PARSE_FAILED'] });
    await send({ name: 'Another', type: null, codes: ['GRAPHQL_VALIDATION_FAILED'] });
    await send({ name: null, type: 'mutation' });
    await send({ name: null, type: 'subscription' });
    expect(await counts()).toEqual([
      { operation: 'unparsed', type: 'unknown', outcome: 'client_error', value: 2 },
      { operation: 'anonymous', type: 'mutation', outcome: 'ok', value: 1 },
      { operation: 'anonymous', type: 'subscription', outcome: 'ok', value: 1 },
    ]);
    expect(await durations()).toEqual([
      { operation: 'unparsed', type: 'unknown', value: 2 },
      { operation: 'anonymous', type: 'mutation', value: 1 },
      { operation: 'anonymous', type: 'subscription', value: 1 },
    ]);
  });

  it('keeps at most 200 distinct operation names, then counts new ones as `other`; names that are not GraphQL names are `other` too', async () => {
    const { send, counts } = harness();
    for (let index = 0; index < 200; index++) await send({ name: `Operation${index}` });
    await send({ name: 'OneTooMany' });
    await send({ name: 'AndAnother', type: 'mutation' });
    // A name already kept still counts as itself.
    await send({ name: 'Operation7' });
    await send({ name: 'has spaces' });
    await send({ name: `A${'b'.repeat(64)}` }); // 65 characters
    const all = await counts();
    const names = new Set(all.map((sample) => sample.operation));
    expect(names.size).toBe(201);
    expect(names.has('OneTooMany')).toBe(false);
    expect(all).toContainEqual({ operation: 'Operation7', type: 'query', outcome: 'ok', value: 2 });
    expect(all).toContainEqual({ operation: 'other', type: 'query', outcome: 'ok', value: 3 });
    expect(all).toContainEqual({ operation: 'other', type: 'mutation', outcome: 'ok', value: 1 });
  });

  it('a bad name does not take one of the 200 places', async () => {
    const { send, counts } = harness();
    for (let index = 0; index < 50; index++) await send({ name: `not-a-name-${index}` });
    for (let index = 0; index < 200; index++) await send({ name: `Operation${index}` });
    const names = new Set((await counts()).map((sample) => sample.operation));
    expect(names.has('Operation199')).toBe(true);
    expect(names.size).toBe(201); // 200 names and `other`
  });

  it('counts errors by code, each once per request, including requests refused before they became an operation', async () => {
    const { plugin, send, errorsByCode } = harness();
    await send({ name: 'Find', codes: ['BAD_USER_INPUT'] });
    await send({ name: null, type: null, codes: ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_VALIDATION_FAILED'] });
    await send({ name: 'Find', codes: ['NOT_FOUND', 'INTERNAL_SERVER_ERROR', undefined] });
    await send({ name: 'Made', codes: ['not a code', 'BAD_USER_INPUT'] });
    await send({ name: 'Fine' });
    // A malformed request (batched, a body of the wrong shape, CSRF) and one refused when its context was made (GET).
    await plugin.invalidRequestWasReceived!({ error: Object.assign(new Error('Operation batching disabled.'), { extensions: { code: 'BAD_REQUEST' } }) });
    await plugin.contextCreationDidFail!({ error: Object.assign(new Error('POST only'), { extensions: { code: 'METHOD_NOT_ALLOWED' } }) });
    expect(await errorsByCode()).toEqual({ BAD_USER_INPUT: 2, GRAPHQL_VALIDATION_FAILED: 1, NOT_FOUND: 1, INTERNAL_SERVER_ERROR: 1, OTHER: 1, BAD_REQUEST: 1, METHOD_NOT_ALLOWED: 1 });
  });

  it('counts an incremental (deferred) response by its operation, as ok', async () => {
    const { send, counts } = harness();
    await send({ name: 'Deferred', incremental: true });
    expect(await counts()).toEqual([{ operation: 'Deferred', type: 'query', outcome: 'ok', value: 1 }]);
  });
});
