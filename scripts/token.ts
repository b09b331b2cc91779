import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { loadConfigOrExit } from '@front-counter/config';
import { NATIONAL_REALM, rolesForRealm, seededUsername } from '../apps/idp/src/seeded-users.js';
import { devProviderToken, DevTokenError, type DevToken } from './dev-provider-token.js';

// npm run token -- --tenant northshire --role call-handler [--user northshire.handler2]
// A staff access token from the development sign-in provider (Keycloak's password grant), for curl
// and scripts: a line about it on stderr, the token alone on the last line of stdout.
const USAGE = 'Usage: npm run token -- --tenant <force slug, or national> --role <role> [--user <username>]';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readArguments(): { tenant: string; role: string; user?: string } {
  try {
    const { values } = parseArgs({ options: { tenant: { type: 'string' }, role: { type: 'string' }, user: { type: 'string' } } });
    if (!values.tenant || !values.role) fail(USAGE);
    return { tenant: values.tenant, role: values.role, user: values.user };
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
}

/** The force's realm from its tenant file when there is one; a force known only to the database uses its slug. */
function realmOf(tenant: string, tenantsDirectory: string): string {
  if (tenant === NATIONAL_REALM) return NATIONAL_REALM;
  if (!/^[a-z][a-z0-9-]{1,39}$/.test(tenant)) fail(`--tenant must be a force's slug, like northshire, or national (got "${tenant}")`);
  const file = path.join(tenantsDirectory, tenant, 'tenant.yaml');
  if (!existsSync(file)) return tenant;
  const identity = (parse(readFileSync(file, 'utf8')) as { identity?: { realm?: unknown; issuer?: unknown } } | null)?.identity;
  if (typeof identity?.issuer === 'string') {
    fail(`${tenant} signs staff in through ${identity.issuer}, not the development provider: get a token from that provider instead.`);
  }
  if (typeof identity?.realm !== 'string') fail(`${file} has no identity.realm`);
  return identity.realm;
}

const { tenant, role, user } = readArguments();
const config = loadConfigOrExit(process.env, { role: 'client', defaultEnvironment: 'development' });
const providerUrl = config.identity.devProvider.url;
const realm = realmOf(tenant, config.tenants.directory);
const username = user ?? seededUsername(realm, role);
if (!username) fail(`There is no role "${role}" in ${tenant}'s development realm: use one of ${rolesForRealm(realm).join(', ')}.`);

let token: DevToken;
try {
  token = await devProviderToken(providerUrl, realm, username);
} catch (error) {
  if (!(error instanceof DevTokenError)) throw error;
  fail(error.message.includes('no realm') ? `${error.message} Is ${tenant} in ${config.tenants.directory} and synced (npm start syncs it)?` : error.message.includes('refused') ? `${error.message} Seeded usernames look like ${seededUsername(realm, role) ?? `${realm}.handler1`}.` : error.message);
}

const { claims } = token;
const roles = claims.realm_access?.roles ?? [];
if (!roles.includes(role)) fail(`${username} does not have the role ${role} in realm ${realm} (it has: ${roles.join(', ') || 'none'}).`);
const expires = claims.exp ? new Date(claims.exp * 1000).toISOString() : 'unknown';
process.stderr.write(`Access token for ${claims.preferred_username ?? username} (${claims.name ?? 'no name'}) in realm ${realm}; roles: ${roles.join(', ')}; expires ${expires} (in ${token.expiresIn ?? '?'} s).\n`);
process.stdout.write(`${token.accessToken}\n`);
