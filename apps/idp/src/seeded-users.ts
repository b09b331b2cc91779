import { createHash } from 'node:crypto';
import { StaffRole } from '@front-counter/identity';
import { forceIdentityDirectory, type RegistryReader } from '@front-counter/tenancy';
import type { DevRealm, DevUser } from './dev-idp.js';

/** The national programme team's realm, beside one realm per force. */
export const NATIONAL_REALM = 'national';

/** A tenant as the registry holds it: enough to give a force its development realm. */
export interface TenantIdentityRow {
  slug: string;
  name: { en: string };
  domains: string[];
  identity: { realm: string; issuer?: string; audience: string };
}

export interface NationalRealmOptions {
  audience: string;
  /** Hosts of national staff pages beyond localhost, 127.0.0.1 and national.localhost. */
  redirectHosts?: string[];
}

/** A `pg` Pool's or Client's query, e.g. `(sql) => pool.query(sql)`. */
export type Query = (sql: string) => Promise<{ rows: unknown[] }>;

/**
 * The seeded users of a realm, as (role, username suffix). Usernames are `<realm>.<suffix>`, so a
 * command line can name the user for a role without asking the database or the provider.
 */
const FORCE_STAFF: readonly [StaffRole, string][] = [
  [StaffRole.CallHandler, 'handler1'],
  [StaffRole.CallHandler, 'handler2'],
  [StaffRole.Supervisor, 'supervisor'],
  [StaffRole.ForceAdmin, 'admin'],
];
const NATIONAL_STAFF: readonly [StaffRole, string][] = [
  [StaffRole.NationalAdmin, 'admin1'],
  [StaffRole.NationalAdmin, 'admin2'],
];

// Fictional names; a realm's users take consecutive entries from a realm-dependent start, so each
// force has its own people and nobody in a realm shares a name.
const GIVEN_NAMES = ['Amelia', 'Rhys', 'Priya', 'Callum', 'Bethan', 'Oliver', 'Niamh', 'Tariq', 'Harriet', 'Owen', 'Grace', 'Declan', 'Imogen', 'Kwame', 'Ffion', 'Samuel'];
const FAMILY_NAMES = ['Whitfield', 'Pritchard', 'Chaudhry', 'MacLeod', 'Ashworth', 'Okafor', 'Llewellyn', 'Barraclough', 'Fenwick', 'Hughes', 'Thornton', 'Mistry', 'Carmichael', 'Pennington', 'Doyle', 'Haworth'];

export function rolesForRealm(realm: string): StaffRole[] {
  return [...new Set(staffOf(realm).map(([role]) => role))];
}

/** The first seeded user with `role` in `realm`, or null when no seeded user there has it. */
export function seededUsername(realm: string, role: string): string | null {
  const entry = staffOf(realm).find(([seededRole]) => seededRole === role);
  return entry ? `${realm}.${entry[1]}` : null;
}

/** Every force using the development provider (no `identity.issuer`) gets its realm, plus the national one. */
export function seededRealms(tenants: TenantIdentityRow[], national: NationalRealmOptions): DevRealm[] {
  const realms = new Map<string, DevRealm>();
  for (const tenant of tenants) {
    if (tenant.identity.issuer) continue;
    const { realm } = tenant.identity;
    const hosts = [...tenant.domains, `${tenant.slug}.localhost`, 'localhost', '127.0.0.1'];
    const existing = realms.get(realm);
    if (existing) {
      // Two forces sharing a realm share its staff; either force's site may send them back.
      existing.redirectHosts = unique([...existing.redirectHosts, ...hosts]);
      continue;
    }
    realms.set(realm, {
      realm,
      displayName: tenant.name.en,
      audience: tenant.identity.audience,
      users: seededUsers(realm, `${tenant.slug}.police.example`),
      redirectHosts: unique(hosts),
    });
  }
  realms.set(NATIONAL_REALM, {
    realm: NATIONAL_REALM,
    displayName: 'National programme team',
    audience: national.audience,
    users: seededUsers(NATIONAL_REALM, 'programme.front-counter.example'),
    redirectHosts: unique(['localhost', '127.0.0.1', `${NATIONAL_REALM}.localhost`, ...(national.redirectHosts ?? [])]),
  });
  return [...realms.values()];
}

/** The registry's tenants with their domains, primary first. Both tables are public-read: no tenant needs to be set. */
export async function loadTenantIdentityRows(query: Query): Promise<TenantIdentityRow[]> {
  const registry = { query: async (sql: string) => (await query(sql)).rows } as RegistryReader;
  return (await forceIdentityDirectory(registry)) as TenantIdentityRow[];
}

/**
 * A realm callback for the development provider backed by the registry: read on each lookup, so a
 * force added by tenant sync can sign in without a restart (the tables are small).
 */
export function registryRealms(query: Query, national: NationalRealmOptions): (realm: string) => Promise<DevRealm | null> {
  return async (realm) => seededRealms(await loadTenantIdentityRows(query), national).find((candidate) => candidate.realm === realm) ?? null;
}

function staffOf(realm: string): readonly [StaffRole, string][] {
  return realm === NATIONAL_REALM ? NATIONAL_STAFF : FORCE_STAFF;
}

function seededUsers(realm: string, emailDomain: string): DevUser[] {
  const start = digest(realm).readUInt32BE(0);
  return staffOf(realm).map(([role, suffix], index) => {
    const username = `${realm}.${suffix}`;
    return {
      id: stableId(`${realm}/${username}`),
      username,
      name: `${GIVEN_NAMES[(start + index) % GIVEN_NAMES.length]} ${FAMILY_NAMES[(start + 7 * index) % FAMILY_NAMES.length]}`,
      email: `${username}@${emailDomain}`,
      roles: [role],
    };
  });
}

/** A UUID-shaped id (version 5 layout) from a SHA-256 of the name: the same user keeps the same `sub` forever. */
function stableId(name: string): string {
  const bytes = digest(name).subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((value) => value.toLowerCase()))];
}
