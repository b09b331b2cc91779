import { CLI_CLIENT_ID, DEFAULT_DEV_PASSWORD } from '../apps/idp/src/clients.js';

export class DevTokenError extends Error {}

export interface DevToken {
  accessToken: string;
  expiresIn?: number;
  claims: { preferred_username?: string; name?: string; exp?: number; realm_access?: { roles?: string[] } };
}

/**
 * A staff access token from the development sign-in provider (Keycloak's password grant with the
 * command-line client), for `npm run token` and scripts that call the api as a staff member.
 */
export async function devProviderToken(providerUrl: string, realm: string, username: string): Promise<DevToken> {
  const tokenUrl = `${providerUrl}/realms/${realm}/protocol/openid-connect/token`;
  let response: Response;
  try {
    response = await fetch(tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: CLI_CLIENT_ID, username, password: DEFAULT_DEV_PASSWORD, scope: 'openid profile email' }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new DevTokenError(`Cannot reach ${providerUrl} (${reason}). Is \`npm start\` running? The development sign-in provider should be at ${providerUrl}`);
  }
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (response.status === 404) throw new DevTokenError(`There is no realm "${realm}" on the development sign-in provider at ${providerUrl}.`);
  if (body.error === 'invalid_grant') throw new DevTokenError(`The development sign-in provider refused ${username} in realm ${realm}: there is no such user there, or the password is not the development one.`);
  if (!response.ok || !body.access_token) throw new DevTokenError(`The token request to ${tokenUrl} failed: HTTP ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim());
  return { accessToken: body.access_token, expiresIn: body.expires_in, claims: JSON.parse(Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString('utf8')) };
}
