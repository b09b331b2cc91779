import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals a cookie's value with AES-256-GCM: unreadable by anything but this web, and refused when
 * changed. What the value is for and whose it is (e.g. the force) are bound in as associated data,
 * so a value sealed for one purpose or force does not open as another.
 */
export class CookieSealer {
  private readonly key: Buffer;

  /** `info` names the key's use (HKDF), so two uses of one secret never share a key. */
  constructor(secret: string, info: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, info, 'aes-256-gcm key v1', 32));
  }

  seal(purpose: string, scope: string, payload: object): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${purpose}|${scope}`));
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The payload, or null for anything not sealed by this key for this purpose and scope. */
  open<T>(purpose: string, scope: string, value: string | undefined): T | null {
    if (!value || !value.startsWith(`${VERSION}.`)) return null;
    const encoded = value.slice(VERSION.length + 1);
    const raw = Buffer.from(encoded, 'base64url');
    // Only the one encoding seal() writes: Node's decoder skips stray characters and ignores the
    // spare bits of the last one, so a changed cookie could otherwise open as the same session.
    if (raw.length <= IV_BYTES + TAG_BYTES || raw.toString('base64url') !== encoded) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(`${purpose}|${scope}`));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as T;
    } catch {
      return null;
    }
  }
}
