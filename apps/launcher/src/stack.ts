import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../api/src/create-api-app.js';
import { createWebApp } from '../../web/src/create-web-app.js';
import { createWorker } from '../../worker/src/create-worker.js';
import { registryRealms, startDevIdp, type RunningDevIdp } from '../../idp/src/dev-idp.js';
import type { INestApplicationContext } from '@nestjs/common';
import { listening, PortInUseError, type AppConfig } from '@front-counter/config';
import { serveMetrics, type MetricsServer } from '@front-counter/metrics';
import { JobWorker } from '../../worker/src/job-worker.js';
import { createDevReceiver, developmentWebhookSecret, type RunningDevReceiver } from '../../receiver/src/dev-receiver.js';
import { loadTenantDefinitions } from '@front-counter/tenancy';
import type { DatabaseUrls } from '@front-counter/database';
import { runAsApp, type Logger } from '@front-counter/logging';

export interface RunningStack {
  /** The development sign-in provider (Keycloak's URL layout), when DEV_IDP is on. */
  idp: RunningDevIdp | null;
  /** The development back office the example forces deliver to, when DEV_RECEIVER is on. */
  receiver: RunningDevReceiver | null;
  /** The configuration as started: with port 0, the real ports and the addresses built from them. */
  config: AppConfig;
  api: NestFastifyApplication;
  web: NestFastifyApplication;
  worker: INestApplicationContext;
  apiUrl: string;
  webPort: number;
  /** Each app's Prometheus endpoint (null where METRICS_ENABLED is false; the worker's always answers its health). */
  metrics: { web: MetricsServer | null; api: MetricsServer | null; worker: MetricsServer | null };
  close(): Promise<void>;
}

/**
 * The development sign-in provider, first: forces without an issuer of their own trust its realms,
 * so its address must be known before the api starts. Realms come from the tenant registry as it
 * is at each sign-in, so a force onboarded while it runs can sign in.
 */
async function startIdp(config: AppConfig, urls: DatabaseUrls, logger: Logger): Promise<{ idp: RunningDevIdp; pool: pg.Pool; config: AppConfig }> {
  const { devProvider } = config.identity;
  const pool = new pg.Pool({ connectionString: urls.app, max: 2, application_name: 'front-counter-dev-idp' });
  // An idle connection dropped by the server (as when Ctrl-C stops the embedded PostgreSQL first) is not a crash.
  pool.on('error', (error) => logger.warn({ err: { message: error.message } }, 'development sign-in provider: database connection lost'));
  try {
    const idp = await startDevIdp(
      {
        baseUrl: (port) => (devProvider.port === 0 ? `http://127.0.0.1:${port}` : devProvider.url),
        realms: registryRealms((sql) => pool.query(sql), { audience: config.identity.national.audience, redirectHosts: config.web.nationalHost ? [config.web.nationalHost] : [] }),
        keysFile: path.join(path.dirname(config.mail.directory), 'dev-idp', 'signing-keys.json'),
        cookieSecret: config.session.secret,
        log: (line) => logger.info(line),
      },
      { host: devProvider.host, port: devProvider.port },
    ).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') throw new PortInUseError(devProvider.port, 'the development sign-in provider: PORT + 2, or IDP_PORT');
      throw error;
    });
    if (devProvider.port !== 0) return { idp, pool, config };
    // With port 0 (tests) the addresses built from the configured port are rebuilt from the real one.
    const identity = {
      ...config.identity,
      devProvider: { ...devProvider, port: idp.port, url: idp.url },
      defaultIssuerBase: `${idp.url}/realms`,
      national: { ...config.identity.national, issuer: config.identity.national.issuer?.replace(devProvider.url, idp.url) ?? null },
    };
    return { idp, pool, config: { ...config, identity } };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * The development back office: every force whose tenant.yaml has a webhook destination with its address
 * and secret in environment variables delivers to it, unless those variables are set (the real
 * environment wins). Each force's secret comes from the session secret, so it is the same each start.
 */
async function startReceiver(config: AppConfig, logger: Logger): Promise<{ receiver: RunningDevReceiver; config: AppConfig }> {
  const forces = loadTenantDefinitions(config.tenants.directory);
  const secrets: Record<string, string> = {};
  for (const force of forces) secrets[force.slug] = developmentWebhookSecret(config.session.secret, force.slug);
  const receiver = await listening(config.delivery.devReceiver.port, 'the development back office: PORT + 7, or RECEIVER_PORT', () =>
    createDevReceiver({ port: config.delivery.devReceiver.port, secrets, log: (line: string) => logger.info(line) }),
  );
  const environment: Record<string, string> = {};
  for (const force of forces) {
    for (const destination of force.destinations) {
      if (destination.type !== 'webhook') continue;
      if (destination.urlEnv) environment[destination.urlEnv] = `${receiver.url}/${force.slug}`;
      environment[destination.secretEnv] = secrets[force.slug];
    }
  }
  return { receiver, config: { ...config, delivery: { ...config.delivery, environment: { ...config.delivery.environment, ...environment } } } };
}

/**
 * The api, the force sites and the worker in one process, the web talking to the api over HTTP as in
 * production. Each app starts, serves and stops as its own work (runAsApp), so every line it writes,
 * Nest's own included, carries its `app`.
 */
export async function startStack(initialConfig: AppConfig, urls: DatabaseUrls, logger: Logger): Promise<RunningStack> {
  const apiLogger = logger.child({ app: 'api' });
  const webLogger = logger.child({ app: 'web' });
  const workerLogger = logger.child({ app: 'worker' });
  let config = initialConfig;
  let idp: RunningDevIdp | null = null;
  let idpPool: pg.Pool | null = null;
  let receiver: RunningDevReceiver | null = null;
  if (config.delivery.devReceiver.enabled) ({ receiver, config } = await startReceiver(config, logger.child({ app: 'dev-receiver' })));
  try {
    if (config.identity.devProvider.enabled) ({ idp, pool: idpPool, config } = await startIdp(config, urls, logger.child({ app: 'dev-idp' })));
  } catch (error) {
    await receiver?.close();
    throw error;
  }
  const stopIdp = async () => {
    await idp?.close();
    await idpPool?.end();
    await receiver?.close();
  };
  let api: NestFastifyApplication;
  try {
    api = await runAsApp(apiLogger, () => createApiApp(config, urls, apiLogger));
  } catch (error) {
    await stopIdp();
    throw error;
  }
  try {
    await listening(config.api.port, 'the api: PORT + 1, or API_PORT', () => runAsApp(apiLogger, () => api.listen({ port: config.api.port, host: config.api.host })));
  } catch (error) {
    await runAsApp(apiLogger, () => api.close());
    await stopIdp();
    throw error;
  }
  const apiPort = (api.getHttpServer().address() as AddressInfo).port;
  // With API_PORT=0 (tests) the api's real port is known only now; API_URL, when set, still wins.
  const apiUrl = config.api.port === 0 ? `http://127.0.0.1:${apiPort}` : config.api.url;
  let web: NestFastifyApplication;
  try {
    web = await runAsApp(webLogger, () => createWebApp({ ...config, api: { ...config.api, url: apiUrl } }, webLogger));
    await listening(config.web.port, 'the force sites: PORT', () => runAsApp(webLogger, () => web.listen({ port: config.web.port, host: config.web.host })));
  } catch (error) {
    await runAsApp(apiLogger, () => api.close());
    await stopIdp();
    throw error;
  }
  const webPort = (web.getHttpServer().address() as AddressInfo).port;
  // Its job loop's timers are set while it starts, so every round runs as the worker's work too.
  const worker = await runAsApp(workerLogger, () => createWorker({ ...config, web: { ...config.web, port: webPort } }, urls, workerLogger));
  const metrics: RunningStack['metrics'] = { web: null, api: null, worker: null };
  const closeAll = async () => {
    await Promise.all(Object.values(metrics).map((server) => server?.close()));
    await runAsApp(webLogger, () => web.close());
    await runAsApp(apiLogger, () => api.close());
    await runAsApp(workerLogger, () => worker.close());
    await stopIdp();
  };
  try {
    metrics.web = await serveMetrics(web, config.metrics.web, undefined, 'the force sites\' metrics: PORT + 4, or METRICS_PORT');
    metrics.api = await serveMetrics(api, config.metrics.api, undefined, 'the api\'s metrics: PORT + 5, or METRICS_PORT + 1');
    const jobs = worker.get(JobWorker);
    metrics.worker = await serveMetrics(worker, config.metrics.worker, { live: () => jobs.live, ready: () => jobs.ready() }, 'the worker\'s metrics: PORT + 6, or METRICS_PORT + 2');
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    idp,
    receiver,
    config,
    api,
    web,
    worker,
    apiUrl,
    webPort,
    metrics,
    close: closeAll,
  };
}
