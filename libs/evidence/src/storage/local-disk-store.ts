import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertEvidenceKey, EVIDENCE_KEY, EvidenceObjectMissing, type EvidenceStore } from './evidence-store.js';

/**
 * The only prefixes `list` accepts: an area, optionally narrowed to a tenant and then a submission,
 * always ending in `/` so that one tenant's prefix can never match another id that starts the same.
 */
export const EVIDENCE_PREFIX = /^(evidence|quarantine)\/([0-9a-f-]{36}\/){0,2}$/;

export function assertEvidencePrefix(prefix: string): void {
  if (!EVIDENCE_PREFIX.test(prefix)) throw new Error(`Not an evidence prefix: ${JSON.stringify(prefix)}`);
}

const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;
/** A concurrent delete may remove a directory we have just made (it prunes empty ones): make it again, a few times. */
const DIRECTORY_ATTEMPTS = 3;

/**
 * Evidence files under one directory (by default `DATA_DIR/evidence`), one file per key. Writes go to
 * a temporary file beside the final one and are renamed into place once flushed to disk, so a key
 * only ever holds a whole file.
 */
export class LocalDiskStore implements EvidenceStore {
  readonly kind = 'local';
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, body: Readable, _options: { contentType: string }): Promise<void> {
    const target = this.pathOf(key);
    const temporary = `${target}.partial-${randomBytes(8).toString('hex')}`;
    const file = await this.inFreshDirectory(target, () => open(temporary, 'wx', FILE_MODE));
    try {
      // `flush` fsyncs before the file is closed; pipeline settles only after the close.
      await pipeline(body, file.createWriteStream({ flush: true }));
      await rename(temporary, target);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      await this.pruneEmptyDirectories(path.dirname(target));
      throw error;
    }
    await syncDirectory(path.dirname(target));
  }

  async get(key: string): Promise<Readable> {
    const file = await open(this.pathOf(key), 'r').catch((error: unknown) => {
      throw isMissing(error) ? new EvidenceObjectMissing(key) : error;
    });
    return file.createReadStream();
  }

  async size(key: string): Promise<number | null> {
    try {
      const stats = await stat(this.pathOf(key));
      return stats.isFile() ? stats.size : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await unlink(file).catch(ignoreMissing);
    await this.pruneEmptyDirectories(path.dirname(file));
  }

  async move(from: string, to: string): Promise<void> {
    const source = this.pathOf(from);
    const target = this.pathOf(to);
    try {
      await this.inFreshDirectory(target, () => rename(source, target));
    } catch (error) {
      throw isMissing(error) && (await this.size(from)) === null ? new EvidenceObjectMissing(from) : error;
    }
    await syncDirectory(path.dirname(target));
    await this.pruneEmptyDirectories(path.dirname(source));
  }

  async list(prefix: string): Promise<string[]> {
    assertEvidencePrefix(prefix);
    const keys: string[] = [];
    const walk = async (directory: string): Promise<void> => {
      const entries = await readdir(directory, { withFileTypes: true }).catch((error: unknown) => {
        if (isMissing(error)) return [];
        throw error;
      });
      for (const entry of entries) {
        const entryPath = path.join(directory, entry.name);
        if (entry.isDirectory()) {
          await walk(entryPath);
        } else if (entry.isFile()) {
          const key = path.relative(this.root, entryPath).split(path.sep).join('/');
          // Temporary `.partial-` files of uploads in progress are not keys.
          if (EVIDENCE_KEY.test(key)) keys.push(key);
        }
      }
    };
    await walk(this.withinRoot(prefix));
    return keys.sort();
  }

  /** The file for a key, refusing anything that is not an evidence key or that would leave the root. */
  private pathOf(key: string): string {
    assertEvidenceKey(key);
    return this.withinRoot(key);
  }

  private withinRoot(relative: string): string {
    const resolved = path.resolve(this.root, relative);
    if (!resolved.startsWith(this.root + path.sep)) throw new Error(`Not an evidence key: ${JSON.stringify(relative)}`);
    return resolved;
  }

  /** Makes the directory for `target` and runs `action`, again if the directory vanished in between. */
  private async inFreshDirectory<T>(target: string, action: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await mkdir(path.dirname(target), { recursive: true, mode: DIRECTORY_MODE });
      try {
        return await action();
      } catch (error) {
        const directoryVanished = isMissing(error) && !(await exists(path.dirname(target)));
        if (!directoryVanished || attempt === DIRECTORY_ATTEMPTS) throw error;
      }
    }
  }

  /** Best effort: removes `directory` and its parents while they are empty, never the root itself. */
  private async pruneEmptyDirectories(directory: string): Promise<void> {
    let current = directory;
    while (current.startsWith(this.root + path.sep)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty, already gone, or not ours to remove
      }
      current = path.dirname(current);
    }
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Makes a rename durable. Best effort: not every file system lets a directory be fsynced. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
