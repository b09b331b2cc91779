import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { TimedCache } from '@front-counter/caching';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { ApiClient } from '../api-client.js';
import { StaffSignInDocument, type StaffSignInQuery } from '../graphql/operations.generated.js';
import type { SignInTransaction } from './staff-session.js';
import { siteOf } from '../tenant/current-site.decorator.js';

/** Where the force's staff sign in, from the api's public `tenant` query. */
export type StaffSignInSettings = StaffSignInQuery['tenant']['staffSignIn'];

export interface StaffTokens {
  accessToken: string;
  accessExpiresAt: number;
  refreshToken?: string;
  idToken?: string;
  /** From the ID token, when there is one. */
  subject?: string;
  name?: string;
}

/** The sign-in did not complete: the person cancelled, it expired (or another tab started one), or the provider refused it. */
export class SignInFailed extends Error {
  constructor(
    readonly reason: 'cancelled' | 'expired' | 'failed' | 'notConfigured',
    options?: { cause?: unknown },
  ) {
    super(`staff sign-in ${reason}`, options);
  }
}

/** The provider refused the refresh token (signed out there, or expired): the session is over. */
export class RefreshRefused extends Error {}

const DISCOVERY_CACHE_MS = 60 * 60_000;
/** A refresh made for one request is shared with requests that arrive with the same (now spent) refresh token. */
const REFRESH_SHARE_MS = 60_000;
export const CALLBACK_PATH = '/staff/callback';
export const SIGNED_OUT_PATH = '/staff/signed-out';

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * The force sites as an OpenID Connect client (openid-client): authorization code with PKCE (S256),
 * state and nonce; refresh; end session. Each force names its own issuer and client, so
 * configurations are discovered per issuer and kept for an hour.
 */
@Injectable()
export class StaffSignIn {
  /** By issuer and client: a handful of providers, so a small bound is plenty. */
  private readonly configurations = new TimedCache<string, Promise<oidc.Configuration>>({ ttlMs: DISCOVERY_CACHE_MS, maxEntries: 1000 });
  /** By the refresh token's digest; an entry is shared for a minute, so the bound is only a guard. */
  private readonly refreshes = new TimedCache<string, Promise<StaffTokens>>({ ttlMs: REFRESH_SHARE_MS, maxEntries: 10_000 });

  constructor(
    private readonly api: ApiClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The request's force's sign-in settings (the public tenant, found by Host as every public page is). */
  async settings(request: FastifyRequest): Promise<StaffSignInSettings> {
    // The national programme team signs in through the national realm, which no force's record names.
    if (siteOf(request)?.national) return { issuer: this.config.identity.national.issuer, clientId: 'front-counter-staff', clientSecretEnv: null };
    const data = await this.api.query(
      StaffSignInDocument,
      {},
      { host: request.headers.host ?? '', requestId: request.id, protocol: request.protocol },
    );
    return data.tenant.staffSignIn;
  }

  private configuration(settings: StaffSignInSettings): Promise<oidc.Configuration> {
    // A force with no issuer (production without IDP_URL, and none in its tenant file) has no staff sign-in.
    if (settings.issuer === null) return Promise.reject(new SignInFailed('notConfigured'));
    const { issuer } = settings;
    const key = `${issuer} ${settings.clientId} ${settings.clientSecretEnv ?? ''}`;
    // A failed discovery is not remembered: the next sign-in tries again.
    return this.configurations.getOrLoad(key, () => this.discover(issuer, settings));
  }

  private discover(issuerUrl: string, settings: StaffSignInSettings): Promise<oidc.Configuration> {
    const issuer = new URL(issuerUrl);
    const insecure = issuer.protocol === 'http:';
    // Plain http only for a development provider: production refuses an http issuer outright.
    if (insecure && this.config.environment === 'production') return Promise.reject(new Error(`The staff sign-in issuer ${issuerUrl} is not https`));
    const secret = settings.clientSecretEnv ? process.env[settings.clientSecretEnv] : undefined;
    return oidc.discovery(issuer, settings.clientId, secret || undefined, undefined, { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: 10 });
  }

  /** The provider's sign-in address, and what the callback must find again (kept in an encrypted cookie). */
  async begin(settings: StaffSignInSettings, origin: string, returnTo: string, options: { chooseAccount?: boolean } = {}): Promise<{ url: string; transaction: SignInTransaction }> {
    const configuration = await this.configuration(settings);
    const transaction: SignInTransaction = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(), returnTo, createdAt: Date.now() };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: `${origin}${CALLBACK_PATH}`,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(transaction.codeVerifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
      ...(options.chooseAccount ? { prompt: 'login' } : {}),
    });
    return { url: url.href, transaction };
  }

  /** Exchanges the callback's code for tokens, checking state, PKCE and nonce. */
  async finish(settings: StaffSignInSettings, origin: string, callbackPathAndQuery: string, transaction: SignInTransaction | null): Promise<StaffTokens> {
    const currentUrl = new URL(callbackPathAndQuery, origin);
    const error = currentUrl.searchParams.get('error');
    if (error === 'access_denied') throw new SignInFailed('cancelled');
    if (!transaction || currentUrl.searchParams.get('state') !== transaction.state) throw new SignInFailed('expired');
    if (error) throw new SignInFailed('failed');
    const configuration = await this.configuration(settings);
    try {
      const tokens = await oidc.authorizationCodeGrant(
        configuration,
        new URL(`${CALLBACK_PATH}${currentUrl.search}`, origin),
        { pkceCodeVerifier: transaction.codeVerifier, expectedState: transaction.state, expectedNonce: transaction.nonce, idTokenExpected: true },
      );
      return tokensOf(tokens);
    } catch (cause) {
      throw new SignInFailed('failed', { cause });
    }
  }

  /**
   * New tokens for a refresh token. Providers rotate refresh tokens and treat a second use of one as
   * theft, so concurrent requests of one browser (a page and its live-update stream) share one refresh.
   */
  refresh(settings: StaffSignInSettings, refreshToken: string): Promise<StaffTokens> {
    // A failure is not shared for long: a later request may try again (unless the provider refused).
    return this.refreshes.getOrLoad(digest(refreshToken), () => this.refreshOnce(settings, refreshToken), { keepFailure: (error) => error instanceof RefreshRefused });
  }

  private async refreshOnce(settings: StaffSignInSettings, refreshToken: string): Promise<StaffTokens> {
    const configuration = await this.configuration(settings);
    try {
      const tokens = tokensOf(await oidc.refreshTokenGrant(configuration, refreshToken));
      return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError) throw new RefreshRefused(error.error);
      throw error;
    }
  }

  /** The provider's end-session address returning to /staff/signed-out, or null when it has none. */
  async endSessionUrl(settings: StaffSignInSettings, origin: string, idToken: string | undefined): Promise<string | null> {
    const configuration = await this.configuration(settings);
    if (!configuration.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(configuration, { post_logout_redirect_uri: `${origin}${SIGNED_OUT_PATH}`, ...(idToken ? { id_token_hint: idToken } : {}) }).href;
  }
}

function tokensOf(response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): StaffTokens {
  const claims = response.claims();
  const expiresIn = response.expiresIn() ?? 300;
  return {
    accessToken: response.access_token,
    accessExpiresAt: Date.now() + expiresIn * 1000,
    refreshToken: response.refresh_token,
    idToken: response.id_token,
    subject: claims?.sub,
    name: typeof claims?.name === 'string' ? claims.name : typeof claims?.preferred_username === 'string' ? claims.preferred_username : undefined,
  };
}
