import { spawnSync } from 'node:child_process';

/** Starts an entry point as `npm start` would, but from source, with the given environment. */
function start(entry: string, environment: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...environment, DATABASE_URL: '' }, encoding: 'utf8', timeout: 60_000 });
}

describe('configuration at start-up', () => {
  it.each([
    ['apps/launcher/src/main.ts', { PORT: 'abc' }, /PORT must be a port number \(got "abc"\)/],
    ['apps/api/src/main.ts', { LOG_LEVEL: 'loud' }, /LOG_LEVEL Invalid option: expected one of .*\(got "loud"\)/],
    ['apps/web/src/main.ts', { API_URL: 'not a url' }, /API_URL must be an http\(s\) URL/],
    ['apps/api/src/main.ts', { NODE_ENV: 'production' }, /DATABASE_URL must be set in production/],
  ])('%s stops at once on a bad value, naming the variable', (entry, environment, message) => {
    const result = start(entry, environment);
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/^Invalid configuration:/);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toMatch(/Starting the embedded PostgreSQL|listening/);
  });
});
