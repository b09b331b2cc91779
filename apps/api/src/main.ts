import 'reflect-metadata';
import { loadConfigOrExit } from '@front-counter/config';
import { resolveDatabase } from '@front-counter/database';
import { createLogger } from '@front-counter/logging';
import { createApiApp } from './create-api-app.js';

// The api on its own (a container in production). `npm start` runs it inside the launcher instead.
const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, name: 'api' });
const database = await resolveDatabase(config, (line) => logger.debug({ component: 'postgres' }, line));
const app = await createApiApp(config, database.urls, logger);
app.enableShutdownHooks();
await app.listen({ port: config.api.port, host: config.api.host });
logger.info({ url: config.api.url }, 'api listening');
