import { loadConfig, type AppConfig } from '@front-counter/config';
import { createLogger } from '@front-counter/logging';
import { migrateAndSync } from '../../apps/launcher/src/prepare-database.js';
import { startStack, type RunningStack } from '../../apps/launcher/src/stack.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestStack extends RunningStack {
  database: TestDatabase;
  config: AppConfig;
  /** http://127.0.0.1:<port>: send a Host header to pick the force (Node's fetch does not resolve *.localhost). */
  webUrl: string;
  /** http://<slug>.localhost:<port>/ for a browser, which resolves *.localhost to loopback. */
  siteUrl(slug: string): string;
}

/**
 * The whole product for one test file, over real HTTP: its own database cloned from the migrated
 * template, tenants/ synced, the api and the web on free ports. Rate limits are off unless a test
 * turns them on (RATE_LIMITS_ENABLED): every test comes from one address, faster than people do;
 * test/e2e/rate-limits.test.ts proves the limits. The development back office is off unless a test
 * turns it on (DEV_RECEIVER): a crime number coming back would add a step to every report's timeline;
 * test/e2e/deliveries.test.ts proves delivery.
 */
export async function startTestStack(environment: Record<string, string> = {}, logDestination?: NodeJS.WritableStream): Promise<TestStack> {
  const database = await createTestDatabase();
  const config = loadConfig({ PORT: '0', API_PORT: '0', IDP_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'test', TENANT_CACHE_SECONDS: '0', RATE_LIMITS_ENABLED: 'false', DEV_RECEIVER: 'false', ...environment });
  await migrateAndSync(database.urls.admin, config.tenants.directory, { dryRun: false });
  const stack = await startStack(config, database.urls, createLogger({ level: config.logLevel, name: 'test', destination: logDestination }));
  return {
    ...stack,
    database,
    config: stack.config,
    webUrl: `http://127.0.0.1:${stack.webPort}`,
    siteUrl: (slug) => `http://${slug}.localhost:${stack.webPort}/`,
    close: async () => {
      await stack.close();
      await database.drop();
    },
  };
}
