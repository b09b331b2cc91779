import type { FastifyInstance } from 'fastify';
import { requestTenant } from '@front-counter/logging';
import type { AppMetrics } from './app-metrics.js';

/**
 * Counts and times every request by its route template (`/:serviceId/:pageId`, never the path a
 * person typed, which may hold a reference or a token), method, status and force. A request no
 * route matched is `unmatched`, so random paths cannot make new series.
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: AppMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    const method = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].includes(request.method) ? request.method : 'OTHER';
    metrics.recordRequest({ route, method, status: reply.statusCode, force: requestTenant(request) ?? 'none' }, reply.elapsedTime / 1000);
    done();
  });
}
