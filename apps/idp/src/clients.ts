// The clients every realm has, and the staff pages they return to: shared by the provider, the
// token command and the force sites' configuration, so a real Keycloak realm is set up the same way.

/** The force sites' staff pages: public, authorization code with PKCE (S256). */
export const STAFF_CLIENT_ID = 'front-counter-staff';
/** Development only: Keycloak's "direct access grants" (password grant) for `npm run token`. */
export const CLI_CLIENT_ID = 'front-counter-cli';
export const STAFF_CALLBACK_PATH = '/staff/callback';
export const STAFF_SIGNED_OUT_PATH = '/staff/signed-out';
/** Every seeded user's password on the development provider (the browser sign-in asks for none). */
export const DEFAULT_DEV_PASSWORD = 'front-counter-dev';
/**
 * A force's records system: a confidential client that signs in with its own secret (client
 * credentials) and whose service account has the `back-office` role. On a real Keycloak realm it is a
 * client with "Service accounts roles" on and that realm role given to its service account.
 */
export const BACK_OFFICE_CLIENT_ID = 'front-counter-back-office';
/** The development provider's secret for it (set IDP_BACK_OFFICE_SECRET to use another). */
export const DEFAULT_DEV_BACK_OFFICE_SECRET = 'front-counter-back-office-dev';
/** The realm role its service account holds. */
export const BACK_OFFICE_ROLE = 'back-office';
