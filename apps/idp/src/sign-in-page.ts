import type { DevRealm } from './dev-idp.js';

/**
 * The provider's few HTML pages: plain server-rendered forms that work without JavaScript, with
 * inline styles only, so the Content-Security-Policy below can forbid every script and outside asset.
 */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:0;color:#0b0c0c;background:#fff;line-height:1.5}
main{max-width:40rem;margin:0 auto;padding:1rem 1.25rem 3rem}
.banner{background:#ffdd00;color:#0b0c0c;padding:.75rem 1.25rem;border-bottom:4px solid #0b0c0c;font-size:1.1rem}
.banner p{margin:0}
h1{font-size:2rem;margin:1.5rem 0 1rem}
h2{font-size:1.25rem;margin:0 0 .25rem}
ul.users{list-style:none;padding:0;margin:0}
ul.users li{border:1px solid #b1b4b6;padding:1rem;margin:0 0 1rem}
dl{margin:0 0 .75rem;display:grid;grid-template-columns:max-content 1fr;gap:0 1rem}
dt{font-weight:700}dd{margin:0}
button{font:inherit;font-size:1.1rem;padding:.5rem 1rem;border:0;border-bottom:2px solid #002d18;background:#00703c;color:#fff;cursor:pointer}
button.secondary{background:#f3f2f1;color:#0b0c0c;border-bottom-color:#929191}
button:focus,a:focus{outline:3px solid #ffdd00;box-shadow:0 4px #0b0c0c;outline-offset:0}
.error{border:4px solid #d4351c;padding:1rem;margin:0 0 1.5rem}
code{font-size:1rem}
`;

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="banner"><p><strong>Development sign-in: not for real use.</strong> Anyone can sign in as anyone here.</p></header>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface SignInPageInput {
  realm: DevRealm;
  /** Where the forms post to: the interaction's own address. */
  action: string;
  /** Shown when a submitted username is not one of the realm's users. */
  problem?: string;
}

/** Lists the realm's seeded users, each with a one-click "Sign in as" button: no password in the browser. */
export function signInPage({ realm, action, problem }: SignInPageInput): string {
  const users = realm.users
    .map(
      (user) => `<li>
<h2>${escapeHtml(user.name)}</h2>
<dl><dt>Username</dt><dd>${escapeHtml(user.username)}</dd><dt>Roles</dt><dd>${escapeHtml(user.roles.join(', ') || 'none')}</dd></dl>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="username" value="${escapeHtml(user.username)}"><button type="submit">Sign in as ${escapeHtml(user.name)}</button></form>
</li>`,
    )
    .join('\n');
  return page(
    `Sign in to ${realm.displayName} (development)`,
    `${problem ? `<div class="error" role="alert"><h2>There is a problem</h2><p>${escapeHtml(problem)}</p></div>` : ''}
<h1>Sign in to ${escapeHtml(realm.displayName)}</h1>
<p>Choose who to sign in as. This development provider asks for no password in the browser.</p>
${users ? `<ul class="users">\n${users}\n</ul>` : '<p>This realm has no users.</p>'}
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="cancel" value="yes"><button type="submit" class="secondary">Cancel and go back</button></form>`,
  );
}

/**
 * The sign-out confirmation. `form` is oidc-provider's hidden form (id op.logoutForm, carrying its
 * anti-forgery value); the button submits it through the `form` attribute, so no script is needed.
 */
export function signOutPage(displayName: string, form: string): string {
  return page(
    `Sign out of ${displayName} (development)`,
    `<h1>Sign out of ${escapeHtml(displayName)}?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
  );
}

export function signedOutPage(displayName: string): string {
  return page(`Signed out of ${displayName} (development)`, `<h1>You have signed out</h1>\n<p>You have signed out of ${escapeHtml(displayName)}. You can close this page.</p>`);
}

export function errorPage(title: string, details: string[]): string {
  return page(`${title} (development sign-in)`, `<h1>${escapeHtml(title)}</h1>\n${details.map((detail) => `<p>${escapeHtml(detail)}</p>`).join('\n')}`);
}
