import 'reflect-metadata';
import { loadConfigOrExit, startupFailureMessage } from '@front-counter/config';
import { resolveDatabase } from '@front-counter/database';
import { createLogger } from '@front-counter/logging';
import { serveMetrics } from '@front-counter/metrics';
import { createWorker } from './create-worker.js';
import { JobWorker } from './job-worker.js';

// The worker on its own (a container in production). `npm start` runs it inside the launcher.
// Production unless NODE_ENV says otherwise: development conveniences are for `npm start` only.
const config = loadConfigOrExit(process.env, { role: 'worker' });
// `app` as on every line the launcher writes for this app, so one query finds its lines however it runs.
const logger = createLogger({ level: config.logLevel, name: 'worker' }).child({ app: 'worker' });
try {
  const database = await resolveDatabase(config, (line) => logger.debug({ component: 'postgres' }, line), { provision: false });
  const worker = await createWorker(config, database.urls, logger);
  worker.enableShutdownHooks();
  // The worker has no other port: its liveness and readiness answer beside its metrics.
  const jobs = worker.get(JobWorker);
  const metrics = await serveMetrics(worker, config.metrics.worker, { live: () => jobs.live, ready: () => jobs.ready() }, 'the worker\'s metrics and health: METRICS_PORT');
  logger.info({ pollMs: config.worker.pollMs, metrics: metrics && `${metrics.url}/metrics` }, 'worker running');
} catch (error) {
  logger.fatal({ err: error }, `the worker could not start: ${startupFailureMessage(error)}`);
  process.exit(1);
}
