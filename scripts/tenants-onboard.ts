import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@front-counter/config';
import { forceFromTemplate, TemplateError, type ForceFromTemplate } from '@front-counter/tenancy';
import { NATIONAL_REALM, seededUsername } from '../apps/idp/src/seeded-users.js';
import { devProviderToken, DevTokenError } from './dev-provider-token.js';

// npm run tenants:onboard -- --from tenants/_template --slug westholm --name "Westholm Police" --domain westholm.localhost
//   [--domain another.example] [--realm westholm] [--issuer https://idp.example/realms/westholm] [--dry-run] [--write]
//
// Onboards a new force on the running product (npm start; PORT and API_URL are honoured) through the
// national programme team's api: the template folder's tenant.yaml (its placeholder "newforce" and
// "New Force Police" replaced by the slug and name), routing.yaml and logo, checked by the api (every
// problem named by field), shown as a dry run, then created. Running it again changes nothing and says
// so. With --write it also writes tenants/<slug>/ so the force is kept in files like the others.
// The api token: $FRONT_COUNTER_TOKEN (a national-admin token from your provider), or else the
// development provider's seeded national programme user.

const USAGE = 'Usage: npm run tenants:onboard -- --from tenants/_template --slug <slug> --name "<Force name>" --domain <host> [--domain <host>] [--realm <realm>] [--issuer <url>] [--dry-run] [--write]';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readArguments() {
  try {
    const { values } = parseArgs({
      options: {
        from: { type: 'string', default: 'tenants/_template' },
        slug: { type: 'string' },
        name: { type: 'string' },
        domain: { type: 'string', multiple: true },
        realm: { type: 'string' },
        issuer: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        write: { type: 'boolean', default: false },
      },
    });
    if (!values.slug || !values.name) fail(USAGE);
    return values as typeof values & { slug: string; name: string; from: string };
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
}

const args = readArguments();
const config = loadConfigOrExit(process.env, { role: 'client', defaultEnvironment: 'development' });
let made: ForceFromTemplate;
try {
  made = forceFromTemplate(path.resolve(args.from), { slug: args.slug, name: args.name, domains: args.domain, realm: args.realm, issuer: args.issuer });
} catch (error) {
  if (error instanceof TemplateError) fail(error.message);
  throw error;
}
const { force, routing, logoSvg } = made;

async function nationalToken(): Promise<string> {
  if (process.env.FRONT_COUNTER_TOKEN) return process.env.FRONT_COUNTER_TOKEN;
  try {
    return (await devProviderToken(config.identity.devProvider.url, NATIONAL_REALM, seededUsername(NATIONAL_REALM, 'national-admin')!)).accessToken;
  } catch (error) {
    if (error instanceof DevTokenError) fail(`${error.message}\nOr set FRONT_COUNTER_TOKEN to a national-admin token from your sign-in provider.`);
    throw error;
  }
}

interface Result {
  problems: { field: string; message: string }[];
  created: boolean;
  unchanged: boolean;
  actions: string[];
  primaryDomain: string | null;
}

const MUTATION = `mutation Onboard($force: JSON!, $routing: JSON, $logoSvg: String, $dryRun: Boolean!) {
  onboardForce(force: $force, routing: $routing, logoSvg: $logoSvg, dryRun: $dryRun) { problems { field message } created unchanged actions primaryDomain }
}`;

async function onboard(token: string, dryRun: boolean): Promise<Result> {
  let response: Response;
  try {
    response = await fetch(`${config.api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: MUTATION, variables: { force, routing, logoSvg, dryRun } }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    fail(`Cannot reach the api at ${config.api.url} (${((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message)}). Is \`npm start\` running (PORT=${config.web.port})?`);
  }
  const body = (await response.json().catch(() => ({}))) as { data?: { onboardForce: Result }; errors?: { message: string; extensions?: { code?: string } }[] };
  if (!body.data?.onboardForce) {
    const error = body.errors?.[0];
    fail(error?.extensions?.code === 'NOT_FOUND' ? 'The api refused: the token is not a national-admin of the national realm.' : `The api refused: ${error?.message ?? `HTTP ${response.status}`}`);
  }
  return body.data.onboardForce;
}

function writeFolder(): void {
  const target = path.resolve(config.tenants.directory, args.slug);
  const files = [...made.files].map(([name, content]) => [path.join(target, name), content] as const);
  const same = files.every(([file, content]) => existsSync(file) && readFileSync(file, 'utf8') === content);
  if (same) {
    process.stdout.write(`${path.relative(process.cwd(), target)}/ already holds this force: nothing written.\n`);
    return;
  }
  if (existsSync(path.join(target, 'tenant.yaml'))) fail(`${path.relative(process.cwd(), target)}/tenant.yaml exists and differs: not overwritten. Remove it or edit it by hand.`);
  mkdirSync(target, { recursive: true });
  for (const [file, content] of files) writeFileSync(file, content);
  process.stdout.write(`Wrote ${files.map(([file]) => path.relative(process.cwd(), file)).join(', ')}\n`);
}

const started = performance.now();
const token = await nationalToken();
const preview = await onboard(token, true);
if (preview.problems.length > 0) {
  fail(`Nothing was created. Problems:\n${preview.problems.map((problem) => `  - ${problem.field}: ${problem.message}`).join('\n')}`);
}
const siteUrl = `http://${preview.primaryDomain}:${config.web.port}/`;
if (preview.unchanged) {
  process.stdout.write(`${preview.actions.join('\n')}\nNothing changed. Its site: ${siteUrl}\n`);
} else {
  process.stdout.write(`${args['dry-run'] ? 'Would create' : 'Creating'}:\n${preview.actions.map((action) => `  + ${action}`).join('\n')}\n`);
  if (args['dry-run']) {
    process.stdout.write('Dry run: nothing was created.\n');
    process.exit(0);
  }
  const done = await onboard(token, false);
  if (done.problems.length > 0) fail(`Nothing was created. Problems:\n${done.problems.map((problem) => `  - ${problem.field}: ${problem.message}`).join('\n')}`);
  process.stdout.write(`${args.slug} is live at ${siteUrl} (onboarded in ${((performance.now() - started) / 1000).toFixed(1)} s). Its staff sign in at ${siteUrl}staff\n`);
}
if (args.write) writeFolder();
