import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { DevRealm } from './dev-idp.js';
import { LOGIN_ACTIONS_PATH } from './realm-provider.js';
import { errorPage, PAGE_SECURITY_HEADERS, signInPage } from './sign-in-page.js';

const MAX_FORM_BYTES = 8 * 1024;

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The interaction address oidc-provider sends the browser to (`/realms/<realm>/login-actions/<uid>`).
 * Login shows the realm's users; consent is implied (these are the programme's own staff pages), so
 * it is granted at once with whatever the request asked for.
 */
export async function handleSignIn(provider: Provider, realm: DevRealm, uid: string, req: IncomingMessage, res: ServerResponse, log: (line: string) => void): Promise<void> {
  let interaction: Interaction;
  try {
    interaction = await provider.interactionDetails(req, res);
  } catch (error) {
    if (!(error instanceof errors.SessionNotFound)) throw error;
    return sendHtml(res, 400, errorPage('This sign-in has expired', ['It took too long, or it was already used. Go back to the site and sign in again.']));
  }
  if (interaction.uid !== uid) {
    return sendHtml(res, 400, errorPage('This sign-in has expired', ['Go back to the site and sign in again.']));
  }
  const action = `${new URL(provider.issuer).pathname}${LOGIN_ACTIONS_PATH}${encodeURIComponent(uid)}`;

  if (interaction.prompt.name === 'consent') return grantConsent(provider, interaction, req, res);
  if (interaction.prompt.name !== 'login') {
    return sendHtml(res, 400, errorPage('Sign-in cannot continue', [`This provider cannot handle the "${interaction.prompt.name}" step.`]));
  }
  if (req.method === 'GET') return sendHtml(res, 200, signInPage({ realm, action }));
  if (req.method !== 'POST') return sendHtml(res, 405, errorPage('Sign-in cannot continue', ['Use the buttons on the sign-in page.']));

  const form = await readForm(req);
  if (form.get('cancel')) {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled signing in' }, { mergeWithLastSubmission: false });
  }
  const user = realm.users.find((candidate) => candidate.username === form.get('username'));
  if (!user) {
    return sendHtml(res, 400, signInPage({ realm, action, problem: 'Choose one of the users below.' }));
  }
  log(`realm ${realm.realm}: signed in as ${user.username} (${user.roles.join(', ')})`);
  await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
}

async function grantConsent(provider: Provider, interaction: Interaction, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const accountId = interaction.session?.accountId;
  const clientId = String(interaction.params.client_id);
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const details = interaction.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: existing ? {} : { grantId } }, { mergeWithLastSubmission: true });
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new FormTooLargeError();
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export class FormTooLargeError extends Error {
  constructor() {
    super(`The sign-in form was larger than ${MAX_FORM_BYTES} bytes`);
    this.name = 'FormTooLargeError';
  }
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...PAGE_SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}
