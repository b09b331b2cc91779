import 'reflect-metadata';
import { listening, loadConfigOrExit, startupFailureMessage } from '@front-counter/config';
import { resolveDatabase } from '@front-counter/database';
import { createLogger } from '@front-counter/logging';
import { serveMetrics } from '@front-counter/metrics';
import { createApiApp } from './create-api-app.js';

// The api on its own (a container in production). `npm start` runs it inside the launcher instead.
// Production unless NODE_ENV says otherwise: development conveniences are for `npm start` only.
const config = loadConfigOrExit(process.env, { role: 'api' });
// `app` as on every line the launcher writes for this app, so one query finds its lines however it runs.
const logger = createLogger({ level: config.logLevel, name: 'api' }).child({ app: 'api' });
try {
  const database = await resolveDatabase(config, (line) => logger.debug({ component: 'postgres' }, line));
  const app = await createApiApp(config, database.urls, logger);
  app.enableShutdownHooks();
  await listening(config.api.port, 'the api: API_PORT', () => app.listen({ port: config.api.port, host: config.api.host }));
  const metrics = await serveMetrics(app, config.metrics.api, undefined, 'the api\'s metrics: METRICS_PORT');
  logger.info({ url: config.api.url, metrics: metrics && `${metrics.url}/metrics` }, 'api listening');
} catch (error) {
  logger.fatal({ err: error }, `the api could not start: ${startupFailureMessage(error)}`);
  process.exit(1);
}
