import 'reflect-metadata';
import { loadConfigOrExit } from '@front-counter/config';
import { resolveDatabase } from '@front-counter/database';
import { createLogger } from '@front-counter/logging';
import { createWorker } from './create-worker.js';

// The worker on its own (a container in production). `npm start` runs it inside the launcher.
const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, name: 'worker' });
const database = await resolveDatabase(config, (line) => logger.debug({ component: 'postgres' }, line), { provision: false });
const worker = await createWorker(config, database.urls, logger);
worker.enableShutdownHooks();
logger.info({ pollMs: config.worker.pollMs }, 'worker running');
