import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@front-counter/config';
import { resolveDatabase } from '@front-counter/database';
import { migrateAndSync } from '../apps/launcher/src/prepare-database.js';

// npm run tenants:sync [-- --dry-run] [-- --dir tenants]
// Applies tenants/ to the database idempotently and says what changed; --dry-run only says.
// Also the migrate job of a release (pending migrations first). Production unless NODE_ENV says
// otherwise; `npm run tenants:sync` passes --development, which makes the embedded database the default.
const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, dir: { type: 'string' }, development: { type: 'boolean', default: false } } });
const config = loadConfigOrExit(values.dir ? { ...process.env, TENANTS_DIR: values.dir } : process.env, {
  role: 'migrate',
  defaultEnvironment: values.development ? 'development' : 'production',
});
let exitCode = 0;
let database: Awaited<ReturnType<typeof resolveDatabase>> | undefined;
try {
  // A dry run reads only: it neither creates roles nor the database, nor applies migrations.
  database = await resolveDatabase(config, undefined, { provision: !values['dry-run'] });
  const { migrations, summary } = await migrateAndSync(database.urls.admin, config.tenants.directory, { dryRun: values['dry-run'] });
  if (migrations.length > 0) process.stdout.write(`Applied migrations: ${migrations.join(', ')}\n`);
  process.stdout.write(`${summary}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  await database?.stop();
}
process.exit(exitCode);
