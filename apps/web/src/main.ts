import 'reflect-metadata';
import { listening, loadConfigOrExit, startupFailureMessage } from '@front-counter/config';
import { createLogger } from '@front-counter/logging';
import { serveMetrics } from '@front-counter/metrics';
import { createWebApp } from './create-web-app.js';

// The force sites on their own (a container in production), talking to the api at API_URL.
// Production unless NODE_ENV says otherwise: development conveniences are for `npm start` only.
const config = loadConfigOrExit(process.env, { role: 'web' });
// `app` as on every line the launcher writes for this app, so one query finds its lines however it runs.
const logger = createLogger({ level: config.logLevel, name: 'web' }).child({ app: 'web' });
try {
  const app = await createWebApp(config, logger);
  app.enableShutdownHooks();
  await listening(config.web.port, 'the force sites: PORT', () => app.listen({ port: config.web.port, host: config.web.host }));
  const metrics = await serveMetrics(app, config.metrics.web, undefined, 'the web\'s metrics: METRICS_PORT');
  logger.info({ port: config.web.port, api: config.api.url, metrics: metrics && `${metrics.url}/metrics` }, 'web listening');
} catch (error) {
  logger.fatal({ err: error }, `the web could not start: ${startupFailureMessage(error)}`);
  process.exit(1);
}
