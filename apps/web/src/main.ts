import 'reflect-metadata';
import { loadConfigOrExit } from '@front-counter/config';
import { createLogger } from '@front-counter/logging';
import { createWebApp } from './create-web-app.js';

// The force sites on their own (a container in production), talking to the api at API_URL.
const config = loadConfigOrExit(process.env, { needsDatabase: false });
const logger = createLogger({ level: config.logLevel, name: 'web' });
const app = await createWebApp(config, logger);
app.enableShutdownHooks();
await app.listen({ port: config.web.port, host: config.web.host });
logger.info({ port: config.web.port, api: config.api.url }, 'web listening');
