import 'reflect-metadata';
import { loadConfigOrExit, startupFailureMessage } from '@front-counter/config';
import { resolveDatabase } from '@front-counter/database';
import { createLogger } from '@front-counter/logging';
import { migrateAndSync } from './prepare-database.js';
import { startStack } from './stack.js';

// `npm start`: everything on one machine with nothing else installed. The database (embedded under
// DATA_DIR unless DATABASE_URL is set), migrations, tenants/ synced, then the api and every force site.
const say = (line: string) => process.stdout.write(`${line}\n`);
// `npm start` is development unless NODE_ENV says otherwise: the one place development conveniences
// (the development sign-in provider, /dev/mail, e-mail to files, known secrets) are turned on.
const config = loadConfigOrExit(process.env, { role: 'all', defaultEnvironment: 'development' });
const logger = createLogger({ level: config.logLevel, name: 'front-counter' });

/** Whatever stops start-up is said in words (what failed, why, what to do), then the process exits. */
function failed(error: unknown): never {
  process.stderr.write(`\nFront Counter could not start: ${startupFailureMessage(error)}\n`);
  if (config.logLevel === 'debug' || config.logLevel === 'trace') process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  process.exit(1);
}

const { embedded } = config.database;
say(config.database.adminUrl ? 'Using the PostgreSQL server at DATABASE_URL.' : `Starting the embedded PostgreSQL (data in ${embedded.dataDir})...`);
const database = await resolveDatabase(config, (line) => logger.debug({ component: 'postgres' }, line)).catch(failed);
if (database.embedded) say(`PostgreSQL is on 127.0.0.1:${new URL(database.urls.admin).port}${database.reused ? ' (already running for this DATA_DIR; reused)' : ''}.`);
let stack: Awaited<ReturnType<typeof startStack>> | undefined;
let stopping = false;

async function stop(signal: string) {
  if (stopping) {
    say('Stopping immediately.');
    process.exit(1);
  }
  stopping = true;
  say(`\n${signal}: stopping...`);
  await stack?.close().catch((error: Error) => logger.error({ err: error }, 'error while stopping the servers'));
  await database.stop().catch((error: Error) => logger.error({ err: error }, 'error while stopping PostgreSQL'));
  say('Stopped.');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

let prepared: Awaited<ReturnType<typeof migrateAndSync>>;
try {
  prepared = await migrateAndSync(database.urls.admin, config.tenants.directory, { dryRun: false });
  if (prepared.migrations.length > 0) say(`Applied migrations: ${prepared.migrations.join(', ')}`);
  say(prepared.summary);
  stack = await startStack(config, database.urls, logger);
} catch (error) {
  await database.stop().catch(() => undefined);
  failed(error);
}

say('\nFront Counter is running. Force sites:');
for (const site of prepared.definitions) {
  const url = `http://${site.slug}.localhost:${stack.webPort}/`;
  say(`  ${site.name.en.padEnd(26)} ${url}${site.languages.includes('cy') ? `  (Cymraeg: ${url}?lang=cy)` : ''}`);
}
if (stack.idp) {
  say(`\nStaff pages: /staff on each force site (e.g. http://northshire.localhost:${stack.webPort}/staff).`);
  say(`Development sign-in (not for real use): ${stack.idp.url}/realms/<force>; a token for scripts: npm run token -- --tenant northshire --role call-handler`);
}
if (stack.receiver) say(`Development back office (the forces' records systems; not for real use): ${stack.receiver.url}/ and ${stack.receiver.url}/received.json`);
say(`GraphQL api: ${stack.apiUrl}/graphql; the report document's JSON Schema: ${stack.apiUrl}/schemas/report/v1.json`);
const metrics = Object.entries(stack.metrics).filter(([, server]) => server !== null);
if (config.metrics.enabled) say(`Metrics (Prometheus): ${metrics.map(([app, server]) => `${app} ${server!.url}/metrics`).join(', ')}`);
say('Press Ctrl-C to stop.');
