import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A realm's RSA signing key as a private JWK, with the kid, alg and use oidc-provider publishes. */
export type SigningJwk = JWK & { kid: string; alg: 'RS256'; use: 'sig' };

interface KeysFileContent {
  realms: Record<string, SigningJwk>;
}

/**
 * One signing key per realm, made on first use. With a file, keys outlive a restart, so tokens a
 * developer copied (or a force site's session) stay valid; without one they live in memory only.
 */
export class SigningKeys {
  private readonly pending = new Map<string, Promise<SigningJwk>>();
  // Writes are chained so two realms created at once cannot overwrite each other's key.
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly keys: Map<string, SigningJwk>,
    private readonly file: string | undefined,
  ) {}

  static async open(file?: string): Promise<SigningKeys> {
    return new SigningKeys(file ? await readKeysFile(file) : new Map(), file);
  }

  forRealm(realm: string): Promise<SigningJwk> {
    const known = this.keys.get(realm);
    if (known) return Promise.resolve(known);
    let making = this.pending.get(realm);
    if (!making) {
      making = this.make(realm).finally(() => this.pending.delete(realm));
      this.pending.set(realm, making);
    }
    return making;
  }

  private async make(realm: string): Promise<SigningJwk> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    const jwk = await exportJWK(privateKey);
    const key: SigningJwk = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
    this.keys.set(realm, key);
    if (this.file) await this.save(this.file);
    return key;
  }

  private save(file: string): Promise<void> {
    const content: KeysFileContent = { realms: Object.fromEntries(this.keys) };
    this.writes = this.writes.then(() => writePrivateFile(file, `${JSON.stringify(content, null, 2)}\n`));
    return this.writes;
  }
}

async function readKeysFile(file: string): Promise<Map<string, SigningJwk>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new Error(`Cannot read the development sign-in keys file ${file}: ${(error as Error).message}`);
  }
  let content: Partial<KeysFileContent>;
  try {
    content = JSON.parse(text) as Partial<KeysFileContent>;
  } catch {
    throw new Error(`The development sign-in keys file ${file} is not valid JSON: delete it to make new keys (tokens signed with the old ones stop working)`);
  }
  const realms = content.realms && typeof content.realms === 'object' ? content.realms : {};
  for (const [realm, key] of Object.entries(realms)) {
    if (key?.kty !== 'RSA' || !key.d || !key.kid) {
      throw new Error(`The development sign-in keys file ${file} has no usable RSA private key for realm "${realm}": delete the file to make new keys`);
    }
  }
  return new Map(Object.entries(realms));
}

/** Private keys: the file and its folder are readable by this user only, and never half-written. */
async function writePrivateFile(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  // writeFile's mode applies only when it creates the file; a leftover temporary file keeps its own.
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}
