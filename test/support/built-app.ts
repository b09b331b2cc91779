import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root (tests run from it). */
export const ROOT = process.cwd();
const STAMP = path.join(ROOT, 'dist', '.built-at');
const SOURCES = ['apps', 'libs', 'scripts', 'migrations'];

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.every((folder) => newestSource(path.join(ROOT, folder)) <= built);
}

/**
 * The compiled apps in dist/, as `npm run build` makes them and the image runs them: for tests that
 * start an entry point as its own process (`node dist/apps/api/src/main.js`). Built at most once per
 * change of the sources, however many test files ask at once (a lock folder keeps them in turn).
 */
export async function ensureBuilt(): Promise<void> {
  if (upToDate()) return;
  const lock = path.join(os.tmpdir(), `front-counter-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than five minutes was left by a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error(`Waited five minutes for ${lock}: another build never finished`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    if (upToDate()) return;
    const started = Date.now();
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 5 * 60_000 });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    // Stamped with the time the build began: a source changed while it ran counts as newer.
    writeFileSync(STAMP, new Date(started).toISOString());
    utimesSync(STAMP, started / 1000, started / 1000);
  } finally {
    rmdirSync(lock);
  }
}
