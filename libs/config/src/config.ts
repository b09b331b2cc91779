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

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().trim().min(1, 'must be an address to listen on, like 0.0.0.0').default('0.0.0.0'),
  API_PORT: port.optional(),
  API_HOST: z.string().trim().min(1, 'must be an address to listen on, like 127.0.0.1').default('127.0.0.1'),
  API_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  DATABASE_URL: postgresUrl.optional(),
  APP_DATABASE_URL: postgresUrl.optional(),
  DATABASE_APP_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  DATABASE_POOL_SIZE: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(10),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: port.default(54329),
  TENANTS_DIR: z.string().min(1).default('tenants'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .regex(/^\s*[0-9a-fA-F.:]+(\/\d{1,3})?(\s*,\s*[0-9a-fA-F.:]+(\/\d{1,3})?)*\s*$/, 'must be a comma-separated list of IP addresses or CIDR ranges')
    .default('127.0.0.1,::1'),
  LOCALHOST_TENANT_HOSTS: booleanString.optional(),
  GRAPHQL_MAX_DEPTH: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(2, 'must be at least 2').max(50, 'must be at most 50').default(8),
  GRAPHQL_MAX_COST: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(10, 'must be at least 10').max(100000, 'must be at most 100000').default(1000),
  QUICK_EXIT_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default('https://www.bbc.co.uk/weather'),
  TENANT_CACHE_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(0, 'must be 0 or more').max(3600, 'must be at most 3600').default(5),
  DRAFT_TTL_DAYS: z.coerce.number({ message: 'must be a number of days' }).int('must be a whole number of days').min(1).max(365).default(30),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('Front Counter <no-reply@front-counter.example>'),
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
  OUTBOX_POLL_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int('must be a whole number').min(50, 'must be at least 50').max(60_000, 'must be at most 60000').default(1000),
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
  embedded: { dataDir: string; port: number };
}

export interface AppConfig {
  environment: 'development' | 'test' | 'production';
  /** nationalHost: where the national programme team's pages answer (national.localhost in development; none unless set in production). */
  web: { host: string; port: number; quickExitUrl: string; tenantCacheSeconds: number; nationalHost: string | null };
  api: { host: string; port: number; url: string; trustProxy: string; maxQueryDepth: number; maxQueryCost: number; exposeSchema: boolean };
  database: DatabaseConfig;
  tenants: { directory: string; allowLocalhostSlugs: boolean };
  reports: { draftTtlDays: number };
  /** Signs the force sites' session cookies. */
  session: { secret: string };
  /** SMTP when configured; otherwise (development) messages are written to `directory`. */
  mail: { smtpUrl?: string; from: string; directory: string };
  worker: { pollMs: number };
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
    /** Issuer of a force whose tenant file names none: its realm on the development provider. */
    defaultIssuerBase: string;
    /** The national programme team's realm. */
    national: { issuer: string; audience: string };
    /** Staff sessions on the force sites end after this much inactivity, and in any case after `absoluteHours`. */
    staffSession: { idleMinutes: number; absoluteHours: number };
  };
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** False for a process that never touches the database (the force sites). */
  needsDatabase?: boolean;
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): AppConfig {
  const needsDatabase = options.needsDatabase ?? true;
  // Empty strings count as unset so that `PORT= npm start` behaves like no PORT at all.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const received = present[name];
        const shown = received === undefined || /PASSWORD|DATABASE_URL/.test(name) ? '' : ` (got "${received}")`;
        return `${name} ${issue.message}${shown}`;
      }),
    );
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production && needsDatabase && !env.DATABASE_URL && !env.APP_DATABASE_URL) {
    problems.push('DATABASE_URL must be set in production (the embedded database is for development only)');
  }
  if (production && !env.SESSION_SECRET) problems.push('SESSION_SECRET must be set in production (at least 32 random characters)');
  if (production && !env.SMTP_URL) problems.push('SMTP_URL must be set in production (development writes e-mail to DATA_DIR/mail instead)');
  if (production && needsDatabase && env.DATABASE_URL && !env.APP_DATABASE_URL && !env.DATABASE_APP_PASSWORD) {
    problems.push('DATABASE_APP_PASSWORD must be set in production unless APP_DATABASE_URL is given');
  }
  if (production && env.DEV_IDP) problems.push('DEV_IDP must not be true in production (the development sign-in provider lets anyone sign in as anyone)');
  if (env.EVIDENCE_STORE === 's3' && !env.S3_BUCKET) problems.push('S3_BUCKET must be set when EVIDENCE_STORE is s3');
  if (problems.length > 0) throw new ConfigError(problems);

  const idpPort = env.IDP_PORT ?? (env.PORT === 0 ? 0 : env.PORT + 2);
  const idpUrl = (env.IDP_URL ?? `http://localhost:${idpPort}`).replace(/\/+$/, '');
  const apiPort = env.API_PORT ?? (env.PORT === 0 ? 0 : env.PORT + 1);
  return {
    environment: env.NODE_ENV,
    web: {
      host: env.HOST,
      port: env.PORT,
      quickExitUrl: env.QUICK_EXIT_URL,
      tenantCacheSeconds: env.TENANT_CACHE_SECONDS,
      nationalHost: env.NATIONAL_ADMIN_HOST ?? (production ? null : 'national.localhost'),
    },
    api: {
      host: env.API_HOST,
      port: apiPort,
      url: env.API_URL ?? `http://${env.API_HOST.includes(':') ? `[${env.API_HOST}]` : env.API_HOST}:${apiPort}`,
      trustProxy: env.TRUST_PROXY,
      maxQueryDepth: env.GRAPHQL_MAX_DEPTH,
      maxQueryCost: env.GRAPHQL_MAX_COST,
      exposeSchema: !production,
    },
    database: {
      adminUrl: env.DATABASE_URL,
      appUrl: env.APP_DATABASE_URL,
      // A known development password only where nothing is at stake; production never invents one.
      appPassword: env.DATABASE_APP_PASSWORD ?? (production ? undefined : 'front-counter-development'),
      appPasswordExplicit: env.DATABASE_APP_PASSWORD !== undefined,
      poolSize: env.DATABASE_POOL_SIZE,
      embedded: { dataDir: path.resolve(env.DATA_DIR, 'postgres'), port: env.EMBEDDED_POSTGRES_PORT },
    },
    tenants: { directory: path.resolve(env.TENANTS_DIR), allowLocalhostSlugs: env.LOCALHOST_TENANT_HOSTS ?? !production },
    reports: { draftTtlDays: env.DRAFT_TTL_DAYS },
    // A fixed development secret only where nothing is at stake; production must set its own.
    session: { secret: env.SESSION_SECRET ?? 'front-counter-development-session-secret-not-for-production' },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, directory: path.resolve(env.DATA_DIR, 'mail') },
    worker: { pollMs: env.OUTBOX_POLL_MS },
    evidence: {
      store:
        env.EVIDENCE_STORE === 's3'
          ? { kind: 's3', bucket: env.S3_BUCKET!, region: env.S3_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: env.S3_FORCE_PATH_STYLE ?? Boolean(env.S3_ENDPOINT), serverSideEncryption: env.S3_SERVER_SIDE_ENCRYPTION ?? !env.S3_ENDPOINT }
          : { kind: 'local', directory: path.resolve(env.EVIDENCE_DIR ?? path.join(env.DATA_DIR, 'evidence')) },
      scanner: env.CLAMD_HOST || env.CLAMD_SOCKET ? { host: env.CLAMD_HOST, port: env.CLAMD_PORT, socket: env.CLAMD_SOCKET, maxBytes: env.CLAMD_MAX_MB * MB } : null,
      maxBytes: { image: env.EVIDENCE_MAX_IMAGE_MB * MB, video: env.EVIDENCE_MAX_VIDEO_MB * MB, document: env.EVIDENCE_MAX_DOCUMENT_MB * MB },
    },
    identity: {
      devProvider: { enabled: env.DEV_IDP ?? !production, host: env.API_HOST, port: idpPort, url: idpUrl },
      defaultIssuerBase: `${idpUrl}/realms`,
      national: { issuer: env.NATIONAL_ISSUER ?? `${idpUrl}/realms/national`, audience: env.NATIONAL_AUDIENCE },
      staffSession: { idleMinutes: env.STAFF_IDLE_MINUTES, absoluteHours: env.STAFF_SESSION_HOURS },
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
