import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => ['true', '1', 'yes'].includes(value));

const port = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const MB = 1024 * 1024;

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// connection URL');

/** A rate limit as `points/seconds`: `300/60` is 300 in any minute. */
const rateRule = z
  .string()
  .regex(/^\s*\d{1,7}\s*\/\s*\d{1,6}\s*$/, 'must be points/seconds, like 300/60 (300 in any minute)')
  .transform((value) => {
    const [points, seconds] = value.split('/').map((part) => Number(part.trim()));
    return { points, seconds };
  })
  .refine((rule) => rule.points >= 1 && rule.seconds >= 1, 'must allow at least 1 point in at least 1 second');

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).optional(),
  PORT: port.default(3000),
  HOST: z.string().trim().min(1, 'must be an address to listen on, like 0.0.0.0').optional(),
  API_PORT: port.optional(),
  API_HOST: z.string().trim().min(1, 'must be an address to listen on, like 127.0.0.1').default('127.0.0.1'),
  API_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  DATABASE_URL: postgresUrl.optional(),
  APP_DATABASE_URL: postgresUrl.optional(),
  DATABASE_APP_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  DATABASE_POOL_SIZE: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(10),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: port.optional(),
  TENANTS_DIR: z.string().min(1).default('tenants'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .regex(/^\s*[0-9a-fA-F.:]+(\/\d{1,3})?(\s*,\s*[0-9a-fA-F.:]+(\/\d{1,3})?)*\s*$/, 'must be a comma-separated list of IP addresses or CIDR ranges')
    .default('127.0.0.1,::1'),
  LOCALHOST_TENANT_HOSTS: booleanString.optional(),
  GRAPHQL_MAX_DEPTH: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(2, 'must be at least 2').max(50, 'must be at most 50').default(8),
  GRAPHQL_MAX_COST: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(10, 'must be at least 10').max(100000, 'must be at most 100000').default(1000),
  // Well above the largest operation the force sites send (a few hundred tokens).
  GRAPHQL_MAX_TOKENS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(100, 'must be at least 100').max(100000, 'must be at most 100000').default(4000),
  GRAPHQL_MAX_ALIASES: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').max(1000, 'must be at most 1000').default(128),
  QUICK_EXIT_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default('https://www.bbc.co.uk/weather'),
  TENANT_CACHE_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(0, 'must be 0 or more').max(3600, 'must be at most 3600').default(5),
  DRAFT_TTL_DAYS: z.coerce.number({ message: 'must be a number of days' }).int('must be a whole number of days').min(1).max(365).default(30),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('Front Counter <no-reply@front-counter.example>'),
  NOTIFY_API_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default('https://api.notifications.service.gov.uk'),
  DEV_IDP: booleanString.optional(),
  IDP_PORT: port.optional(),
  IDP_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  NATIONAL_ISSUER: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  NATIONAL_AUDIENCE: z.string().trim().min(1).default('front-counter'),
  /** Where the national programme team's pages answer (their own host, never a force's). */
  NATIONAL_ADMIN_HOST: z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .refine((value) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(value), 'must be a host name like admin.front-counter.example')
    .optional(),
  STAFF_IDLE_MINUTES: z.coerce.number({ message: 'must be a number of minutes' }).int('must be a whole number').min(1).max(24 * 60).default(30),
  STAFF_SESSION_HOURS: z.coerce.number({ message: 'must be a number of hours' }).int('must be a whole number').min(1).max(24).default(10),
  EVIDENCE_STORE: z.enum(['local', 's3'], { message: 'must be local or s3' }).default('local'),
  EVIDENCE_DIR: z.string().min(1).optional(),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name').optional(),
  S3_REGION: z.string().trim().min(1).default('eu-west-2'),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  S3_FORCE_PATH_STYLE: booleanString.optional(),
  S3_SERVER_SIDE_ENCRYPTION: booleanString.optional(),
  CLAMD_HOST: z.string().trim().min(1).optional(),
  CLAMD_PORT: port.default(3310),
  CLAMD_SOCKET: z.string().trim().min(1).optional(),
  CLAMD_MAX_MB: z.coerce.number({ message: 'must be a number of megabytes' }).int('must be a whole number').min(1).max(4096).default(25),
  EVIDENCE_MAX_IMAGE_MB: z.coerce.number({ message: 'must be a number of megabytes' }).int('must be a whole number').min(1).max(500).default(20),
  EVIDENCE_MAX_VIDEO_MB: z.coerce.number({ message: 'must be a number of megabytes' }).int('must be a whole number').min(1).max(10_240).default(2048),
  EVIDENCE_MAX_DOCUMENT_MB: z.coerce.number({ message: 'must be a number of megabytes' }).int('must be a whole number').min(1).max(500).default(20),
  METRICS_ENABLED: booleanString.default(true),
  METRICS_HOST: z.string().trim().min(1, 'must be an address to listen on, like 0.0.0.0').optional(),
  METRICS_PORT: port.optional(),
  RATE_LIMITS_ENABLED: booleanString.default(true),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  RATE_LIMIT_POSTS_PER_CLIENT: rateRule.default({ points: 300, seconds: 60 }),
  RATE_LIMIT_POSTS_PER_FORCE: rateRule.default({ points: 6000, seconds: 60 }),
  RATE_LIMIT_TRACKING_PER_CLIENT: rateRule.default({ points: 30, seconds: 600 }),
  RATE_LIMIT_GRAPHQL_COST_PER_CLIENT: rateRule.default({ points: 30_000, seconds: 60 }),
  OUTBOX_POLL_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int('must be a whole number').min(50, 'must be at least 50').max(60_000, 'must be at most 60000').default(1000),
  /** How often the job queue's upkeep runs: among it, jobs whose worker died (kill -9) are failed once their expiry passes, and so retried. */
  JOB_MAINTENANCE_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).int('must be a whole number').min(1, 'must be at least 1').max(3600, 'must be at most 3600').default(120),
  RETENTION_EVERY_MINUTES: z.coerce.number({ message: 'must be a number of minutes' }).int('must be a whole number of minutes').min(1, 'must be at least 1').max(1440, 'must be at most 1440 (a day)').default(60),
  RETENTION_BATCH_SIZE: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
  OUTBOX_KEEP_DELIVERED_HOURS: z.coerce.number({ message: 'must be a number of hours' }).int('must be a whole number of hours').min(1, 'must be at least 1').max(8760, 'must be at most 8760 (a year)').default(72),
  DELIVERY_GIVE_UP_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).int('must be a whole number').min(1, 'must be at least 1').max(30 * 24 * 3600, 'must be at most 2592000 (30 days)').default(72 * 3600),
  DELIVERY_RETRY_BASE_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(0.1, 'must be at least 0.1').max(3600, 'must be at most 3600').default(30),
  DELIVERY_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int('must be a whole number').min(100, 'must be at least 100').max(60_000, 'must be at most 60000').default(15_000),
  DELIVERY_LINK_HOURS: z.coerce.number({ message: 'must be a number of hours' }).int('must be a whole number of hours').min(1, 'must be at least 1').max(30 * 24, 'must be at most 720 (30 days)').default(7 * 24),
  DELIVERY_CA_FILE: z.string().trim().min(1).optional(),
  DEV_RECEIVER: booleanString.optional(),
  RECEIVER_PORT: port.optional(),
});

export interface DatabaseConfig {
  /** Connection with rights to create roles and databases, or at least to own the schema; migrations and sync run through it. Absent: the embedded server. */
  adminUrl?: string;
  /** The application's own connection (a role that owns nothing and cannot bypass row-level security). Absent: derived from adminUrl with the app role. */
  appUrl?: string;
  /** The app role's password. Absent in production unless DATABASE_APP_PASSWORD is given. */
  appPassword?: string;
  /** Only an explicit DATABASE_APP_PASSWORD (or the embedded server) ever sets the role's password on a server. */
  appPasswordExplicit: boolean;
  poolSize: number;
  /** The embedded development server: its port follows PORT (PORT + 3) unless EMBEDDED_POSTGRES_PORT says; 0 picks a free one. */
  embedded: { dataDir: string; port: number };
}

/** Where a process's Prometheus metrics answer: a port of its own that no ingress routes. */
export interface MetricsEndpoint {
  host: string;
  port: number;
}

export interface AppConfig {
  environment: 'development' | 'test' | 'production';
  /** nationalHost: where the national programme team's pages answer (national.localhost in development; none unless set in production). */
  web: { host: string; port: number; quickExitUrl: string; tenantCacheSeconds: number; nationalHost: string | null };
  api: { host: string; port: number; url: string; trustProxy: string; maxQueryDepth: number; maxQueryCost: number; maxQueryTokens: number; maxQueryAliases: number; exposeSchema: boolean };
  database: DatabaseConfig;
  tenants: { directory: string; allowLocalhostSlugs: boolean };
  reports: { draftTtlDays: number };
  /** Signs the force sites' session cookies and the api's evidence links. */
  session: { secret: string };
  /** SMTP when configured; otherwise (development) messages are written to `directory`. */
  mail: { smtpUrl?: string; from: string; directory: string };
  /** GOV.UK Notify's API, for forces whose tenant file sends through it (their API keys are in the variables those files name). */
  notify: { apiUrl: string };
  /**
   * Back-office delivery: a failing delivery is retried with back-off from `retryBaseSeconds` (doubling,
   * at most 6 hours apart) until `giveUpSeconds` after its first attempt, then it is a dead letter;
   * `linkHours`: how long the evidence links in a report document work; `caFile`: a PEM certificate
   * trusted besides the system's (a force's private CA, or development's self-signed receiver);
   * `allowHttpLoopback`: plain http to this machine, outside production only.
   */
  delivery: {
    giveUpSeconds: number;
    retryBaseSeconds: number;
    timeoutMs: number;
    linkHours: number;
    caFile?: string;
    allowHttpLoopback: boolean;
    /** `npm start`'s development back office (PORT + 7): the example forces' destinations deliver to it. Never in production. */
    devReceiver: { enabled: boolean; port: number };
    /** Destination addresses and secrets set by the launcher for its development receiver; the real environment wins. */
    environment: Record<string, string>;
  };
  worker: { pollMs: number; maintenanceSeconds: number };
  /**
   * The worker's retention schedule: every `everyMinutes` it deletes reports past their service's
   * retention period and drafts past their expiry, `batchSize` to a transaction, and delivered outbox
   * events older than `keepDeliveredOutboxHours` (undelivered ones are always kept).
   */
  retention: { everyMinutes: number; batchSize: number; keepDeliveredOutboxHours: number };
  /**
   * Each app's metrics port. A process running one app (a container) uses METRICS_PORT for it;
   * `npm start`, which runs all three in one process, gives each its own (PORT + 4, + 5, + 6).
   * With METRICS_ENABLED false nothing is measured; the worker still answers its health checks there.
   */
  metrics: { enabled: boolean; web: MetricsEndpoint; api: MetricsEndpoint; worker: MetricsEndpoint };
  evidence: {
    /** Local disk (development default, under DATA_DIR/evidence) or S3 and S3-compatible stores. */
    store: { kind: 'local'; directory: string } | { kind: 's3'; bucket: string; region: string; endpoint?: string; forcePathStyle: boolean; serverSideEncryption: boolean };
    /** ClamAV's clamd, when configured; otherwise files are marked "not scanned". `maxBytes`: its StreamMaxLength. */
    scanner: { host?: string; port: number; socket?: string; maxBytes: number } | null;
    /** The platform's ceilings per kind of file; a question or force may set lower ones. */
    maxBytes: { image: number; video: number; document: number };
  };
  identity: {
    /** The embedded development OIDC provider (Keycloak URL layout); never in production. */
    devProvider: { enabled: boolean; host: string; port: number; url: string };
    /**
     * Issuer base of a force whose tenant file names no issuer: its realm there (`<base>/<realm>`).
     * The development provider in development; in production IDP_URL's realms, or none (such a
     * force then has no staff sign-in until its tenant file names its issuer).
     */
    defaultIssuerBase: string | null;
    /** The national programme team's realm; null in production when neither NATIONAL_ISSUER nor IDP_URL is set. */
    national: { issuer: string | null; audience: string };
    /** Staff sessions on the force sites end after this much inactivity, and in any case after `absoluteHours`. */
    staffSession: { idleMinutes: number; absoluteHours: number };
  };
  rateLimits: RateLimitsConfig;
  logLevel: string;
}

/** So many points in so many seconds, per key. */
export interface RateLimitRule {
  points: number;
  seconds: number;
}

/**
 * Rate limits (`RATE_LIMIT_*` as points/seconds). Shared through Redis when `redisUrl` is set, else
 * per process. `postsPerClient` and `postsPerForce`: the force sites' form posts, per client address
 * and per force; `trackingPerClient`: attempts to open a report's tracking (reference and code) per
 * client address; `graphqlCostPerClient`: GraphQL cost points (every field and alias counts) per client.
 */
export interface RateLimitsConfig {
  enabled: boolean;
  redisUrl?: string;
  rules: { postsPerClient: RateLimitRule; postsPerForce: RateLimitRule; trackingPerClient: RateLimitRule; graphqlCostPerClient: RateLimitRule };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * What a process is, which decides what production asks of it: each container gets only the
 * settings (and secrets) it uses. `all` is every app in one process (`npm start`, tests, the bench);
 * `client` a command-line tool that talks to a running stack.
 */
export type ProcessRole = 'api' | 'web' | 'worker' | 'migrate' | 'all' | 'client';

export interface LoadConfigOptions {
  role?: ProcessRole;
  /**
   * NODE_ENV when the environment does not set it. Production unless a development tool says
   * otherwise: the apps' own entry points and the image are production-safe as they stand, and only
   * `npm start` (and the other npm commands for a local stack) turn development conveniences on.
   */
  defaultEnvironment?: 'development' | 'production';
}

// Values that must never reach production: the development defaults below and the placeholders of
// infra/kubernetes/secret.example.yaml.
const DEVELOPMENT_SESSION_SECRET = 'front-counter-development-session-secret-not-for-production';
const DEVELOPMENT_APP_PASSWORD = 'front-counter-development';
const KNOWN_DEFAULTS = [DEVELOPMENT_SESSION_SECRET, DEVELOPMENT_APP_PASSWORD, 'front-counter-embedded'];
const PLACEHOLDER = /change[-_ ]?me|placeholder|example-secret|^(secret|password|changeit)$/i;

/** Why a production secret is unfit, or null: a default, a placeholder, too short, or too repetitive to be random. */
export function weakSecretReason(value: string, minimumLength: number): string | null {
  if (KNOWN_DEFAULTS.includes(value)) return 'is the development default';
  if (PLACEHOLDER.test(value)) return 'is still a placeholder';
  if (value.length < minimumLength) return `is too short (${value.length} characters; at least ${minimumLength})`;
  if (new Set(value).size < Math.min(10, minimumLength / 2)) return 'is too repetitive to be random';
  return null;
}

function urlPassword(url: string): string | null {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : null;
  } catch {
    return null;
  }
}

const HOW_TO_GENERATE = 'generate one with `openssl rand -base64 48`';

/** What production requires of each kind of process, by the variables it reads. */
function productionProblems(env: z.infer<typeof environmentSchema>, role: ProcessRole): string[] {
  const problems: string[] = [];
  const usesDatabase = role === 'api' || role === 'worker' || role === 'migrate' || role === 'all';
  const ownsSchema = role === 'migrate' || role === 'all';
  if (usesDatabase) {
    if (ownsSchema && !env.DATABASE_URL && !(role === 'all' && env.APP_DATABASE_URL)) {
      problems.push('DATABASE_URL must be set in production (the embedded database is for development only)');
    } else if (!env.DATABASE_URL && !env.APP_DATABASE_URL) {
      problems.push('APP_DATABASE_URL must be set in production (the embedded database is for development only)');
    }
    if (env.DATABASE_URL && !env.APP_DATABASE_URL && !env.DATABASE_APP_PASSWORD) problems.push('DATABASE_APP_PASSWORD must be set in production unless APP_DATABASE_URL is given');
  }
  if ((role === 'api' || role === 'web' || role === 'all') && !env.SESSION_SECRET) problems.push(`SESSION_SECRET must be set in production (at least 32 random characters: ${HOW_TO_GENERATE})`);
  if ((role === 'worker' || role === 'all') && !env.SMTP_URL) problems.push('SMTP_URL must be set in production (development writes e-mail to DATA_DIR/mail instead)');
  if (role === 'web' && !env.API_URL) problems.push('API_URL must be set in production (where the web finds the api, e.g. http://front-counter-api:3001)');
  if (env.DEV_RECEIVER) problems.push('DEV_RECEIVER must not be true in production (the development back office takes reports meant for a force)');
  if (env.DEV_IDP) problems.push('DEV_IDP must not be true in production (the development sign-in provider lets anyone sign in as anyone)');

  const secrets: [string, string | undefined, number][] = [
    ['SESSION_SECRET', env.SESSION_SECRET, 32],
    ['DATABASE_APP_PASSWORD', env.DATABASE_APP_PASSWORD, 16],
  ];
  for (const [name, value, minimumLength] of secrets) {
    const reason = value === undefined ? null : weakSecretReason(value, minimumLength);
    if (reason) problems.push(`${name} ${reason}: production needs its own secret (${HOW_TO_GENERATE})`);
  }
  for (const name of ['DATABASE_URL', 'APP_DATABASE_URL', 'SMTP_URL'] as const) {
    const password = env[name] ? urlPassword(env[name]) : null;
    const reason = password === null ? null : weakSecretReason(password, name === 'SMTP_URL' ? 8 : 16);
    if (reason) problems.push(`${name}'s password ${reason}: production needs its own`);
  }
  return problems;
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): AppConfig {
  const role = options.role ?? 'all';
  // Empty strings count as unset so that `PORT= npm start` behaves like no PORT at all.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const received = present[name];
        const shown = received === undefined || /PASSWORD|SECRET|_URL$/.test(name) ? '' : ` (got "${received}")`;
        return `${name} ${issue.message}${shown}`;
      }),
    );
  }
  const env = parsed.data;
  const nodeEnvironment = env.NODE_ENV ?? options.defaultEnvironment ?? 'production';
  const production = nodeEnvironment === 'production';
  const problems = production ? productionProblems(env, role) : [];
  if (env.EVIDENCE_STORE === 's3' && !env.S3_BUCKET) problems.push('S3_BUCKET must be set when EVIDENCE_STORE is s3');
  if (problems.length > 0) throw new ConfigError(problems);

  const offset = (by: number) => (env.PORT === 0 ? 0 : env.PORT + by);
  const idpPort = env.IDP_PORT ?? offset(2);
  // The development provider's address; in production IDP_URL is the real provider's (Keycloak) base, if any.
  const idpUrl = (env.IDP_URL ?? `http://localhost:${idpPort}`).replace(/\/+$/, '');
  const issuerBase = production && !env.IDP_URL ? null : idpUrl;
  const apiPort = env.API_PORT ?? offset(1);
  const apiHost = env.API_HOST;
  const metricsHost = env.METRICS_HOST ?? (production ? '0.0.0.0' : '127.0.0.1');
  const metricsPort = (app: 'web' | 'api' | 'worker') => {
    const index = { web: 0, api: 1, worker: 2 }[app];
    // One app per process: METRICS_PORT is its own. All three in one process: consecutive ports.
    if (role !== 'all') return env.METRICS_PORT ?? 9464;
    if (env.METRICS_PORT !== undefined) return env.METRICS_PORT === 0 ? 0 : env.METRICS_PORT + index;
    return offset(4 + index);
  };
  return {
    environment: nodeEnvironment,
    web: {
      // A development stack answers on this machine only; a container must listen on every interface.
      host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
      port: env.PORT,
      quickExitUrl: env.QUICK_EXIT_URL,
      tenantCacheSeconds: env.TENANT_CACHE_SECONDS,
      nationalHost: env.NATIONAL_ADMIN_HOST ?? (production ? null : 'national.localhost'),
    },
    api: {
      host: apiHost,
      port: apiPort,
      url: env.API_URL ?? `http://${apiHost === '0.0.0.0' ? '127.0.0.1' : apiHost.includes(':') ? `[${apiHost}]` : apiHost}:${apiPort}`,
      trustProxy: env.TRUST_PROXY,
      maxQueryDepth: env.GRAPHQL_MAX_DEPTH,
      maxQueryCost: env.GRAPHQL_MAX_COST,
      maxQueryTokens: env.GRAPHQL_MAX_TOKENS,
      maxQueryAliases: env.GRAPHQL_MAX_ALIASES,
      exposeSchema: !production,
    },
    database: {
      adminUrl: env.DATABASE_URL,
      appUrl: env.APP_DATABASE_URL,
      // A known development password only where nothing is at stake; production never invents one.
      appPassword: env.DATABASE_APP_PASSWORD ?? (production ? undefined : DEVELOPMENT_APP_PASSWORD),
      appPasswordExplicit: env.DATABASE_APP_PASSWORD !== undefined,
      poolSize: env.DATABASE_POOL_SIZE,
      embedded: { dataDir: path.resolve(env.DATA_DIR, 'postgres'), port: env.EMBEDDED_POSTGRES_PORT ?? offset(3) },
    },
    tenants: { directory: path.resolve(env.TENANTS_DIR), allowLocalhostSlugs: env.LOCALHOST_TENANT_HOSTS ?? !production },
    reports: { draftTtlDays: env.DRAFT_TTL_DAYS },
    // A fixed development secret only where nothing is at stake. In production a process that signs
    // nothing (the worker, the migrate job) gets a random one, so nothing it could sign is ever valid.
    session: { secret: env.SESSION_SECRET ?? (production ? randomBytes(48).toString('base64url') : DEVELOPMENT_SESSION_SECRET) },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, directory: path.resolve(env.DATA_DIR, 'mail') },
    notify: { apiUrl: env.NOTIFY_API_URL },
    delivery: {
      giveUpSeconds: env.DELIVERY_GIVE_UP_SECONDS,
      retryBaseSeconds: env.DELIVERY_RETRY_BASE_SECONDS,
      timeoutMs: env.DELIVERY_TIMEOUT_MS,
      linkHours: env.DELIVERY_LINK_HOURS,
      caFile: env.DELIVERY_CA_FILE,
      allowHttpLoopback: nodeEnvironment !== 'production',
      devReceiver: { enabled: env.DEV_RECEIVER ?? !production, port: env.RECEIVER_PORT ?? offset(7) },
      environment: {},
    },
    worker: { pollMs: env.OUTBOX_POLL_MS, maintenanceSeconds: env.JOB_MAINTENANCE_SECONDS },
    retention: { everyMinutes: env.RETENTION_EVERY_MINUTES, batchSize: env.RETENTION_BATCH_SIZE, keepDeliveredOutboxHours: env.OUTBOX_KEEP_DELIVERED_HOURS },
    metrics: {
      enabled: env.METRICS_ENABLED,
      web: { host: metricsHost, port: metricsPort('web') },
      api: { host: metricsHost, port: metricsPort('api') },
      worker: { host: metricsHost, port: metricsPort('worker') },
    },
    evidence: {
      store:
        env.EVIDENCE_STORE === 's3'
          ? { kind: 's3', bucket: env.S3_BUCKET!, region: env.S3_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: env.S3_FORCE_PATH_STYLE ?? Boolean(env.S3_ENDPOINT), serverSideEncryption: env.S3_SERVER_SIDE_ENCRYPTION ?? !env.S3_ENDPOINT }
          : { kind: 'local', directory: path.resolve(env.EVIDENCE_DIR ?? path.join(env.DATA_DIR, 'evidence')) },
      scanner: env.CLAMD_HOST || env.CLAMD_SOCKET ? { host: env.CLAMD_HOST, port: env.CLAMD_PORT, socket: env.CLAMD_SOCKET, maxBytes: env.CLAMD_MAX_MB * MB } : null,
      maxBytes: { image: env.EVIDENCE_MAX_IMAGE_MB * MB, video: env.EVIDENCE_MAX_VIDEO_MB * MB, document: env.EVIDENCE_MAX_DOCUMENT_MB * MB },
    },
    identity: {
      devProvider: { enabled: env.DEV_IDP ?? !production, host: apiHost, port: idpPort, url: idpUrl },
      defaultIssuerBase: issuerBase ? `${issuerBase}/realms` : null,
      national: { issuer: env.NATIONAL_ISSUER ?? (issuerBase ? `${issuerBase}/realms/national` : null), audience: env.NATIONAL_AUDIENCE },
      staffSession: { idleMinutes: env.STAFF_IDLE_MINUTES, absoluteHours: env.STAFF_SESSION_HOURS },
    },
    rateLimits: {
      enabled: env.RATE_LIMITS_ENABLED,
      redisUrl: env.REDIS_URL,
      rules: {
        postsPerClient: env.RATE_LIMIT_POSTS_PER_CLIENT,
        postsPerForce: env.RATE_LIMIT_POSTS_PER_FORCE,
        trackingPerClient: env.RATE_LIMIT_TRACKING_PER_CLIENT,
        graphqlCostPerClient: env.RATE_LIMIT_GRAPHQL_COST_PER_CLIENT,
      },
    },
    logLevel: env.LOG_LEVEL,
  };
}

/** For entry points: a bad value stops the process with a message naming the variable. */
export function loadConfigOrExit(environment: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): AppConfig {
  try {
    return loadConfig(environment, options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
