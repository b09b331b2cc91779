import { ConfigError, loadConfig } from './config.js';

const PRODUCTION_SECRETS = { SESSION_SECRET: 'q3T9xVb2LmN8rW4kZp7sY1dF6hJ0cGaE5uQ', SMTP_URL: 'smtp://mail.example:25' };

const DEVELOPMENT = { defaultEnvironment: 'development' } as const;

describe('loadConfig', () => {
  it('gives working defaults on an empty environment for a development tool', () => {
    const config = loadConfig({}, DEVELOPMENT);
    expect(config.environment).toBe('development');
    expect(config.web.port).toBe(3000);
    expect(config.api.port).toBe(3001);
    expect(config.api.url).toBe('http://127.0.0.1:3001');
    expect(config.database.adminUrl).toBeUndefined();
    expect(config.tenants.allowLocalhostSlugs).toBe(true);
    expect(config.api.exposeSchema).toBe(true);
    expect(config.web.host).toBe('127.0.0.1');
    expect(config.database.embedded.port).toBe(3003);
    expect(config.metrics).toMatchObject({ enabled: true, web: { port: 3004 }, api: { port: 3005 }, worker: { port: 3006 } });
  });

  it('is production when NODE_ENV is unset and nobody asks for development', () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL must be set in production/);
    const web = loadConfig({ SESSION_SECRET: 'q3T9xVb2LmN8rW4kZp7sY1dF6hJ0cGaE5uQ', API_URL: 'http://front-counter-api:3001' }, { role: 'web' });
    expect(web.environment).toBe('production');
    expect(web.identity.devProvider.enabled).toBe(false);
    expect(web.api.exposeSchema).toBe(false);
    expect(web.web.host).toBe('0.0.0.0');
    expect(web.metrics).toMatchObject({ enabled: true, web: { host: '0.0.0.0', port: 9464 } });
  });

  it('moves every port of a development stack with PORT, so two stacks can run side by side', () => {
    const config = loadConfig({ PORT: '3100' }, DEVELOPMENT);
    expect([config.web.port, config.api.port, config.identity.devProvider.port, config.database.embedded.port, config.metrics.web.port, config.metrics.api.port, config.metrics.worker.port]).toEqual([3100, 3101, 3102, 3103, 3104, 3105, 3106]);
    expect(loadConfig({ PORT: '0' }, DEVELOPMENT).database.embedded.port).toBe(0);
  });

  it('asks each production process for what it uses, and no more', () => {
    const secret = { SESSION_SECRET: 'q3T9xVb2LmN8rW4kZp7sY1dF6hJ0cGaE5uQ' };
    expect(() => loadConfig({}, { role: 'web' })).toThrow(/SESSION_SECRET must be set in production[\s\S]*API_URL must be set in production/);
    expect(() => loadConfig({}, { role: 'api' })).toThrow(/APP_DATABASE_URL must be set in production[\s\S]*SESSION_SECRET must be set/);
    expect(() => loadConfig({ APP_DATABASE_URL: 'postgres://app:kP9vR2xT7mQ4wZ8b@db/x' }, { role: 'worker' })).toThrow(/SMTP_URL must be set in production/);
    expect(() => loadConfig({ APP_DATABASE_URL: 'postgres://app:kP9vR2xT7mQ4wZ8b@db/x' }, { role: 'worker' })).not.toThrow(/SESSION_SECRET/);
    expect(() => loadConfig({}, { role: 'migrate' })).toThrow(/^(?![\s\S]*SESSION_SECRET)[\s\S]*DATABASE_URL must be set in production/);
    const worker = loadConfig({ APP_DATABASE_URL: 'postgres://app:kP9vR2xT7mQ4wZ8b@db/x', SMTP_URL: 'smtp://relay:25' }, { role: 'worker' });
    // A process that signs nothing gets a random secret, never the development one.
    expect(worker.session.secret).not.toMatch(/development/);
    expect(worker.session.secret).not.toBe(loadConfig({ APP_DATABASE_URL: 'postgres://app:kP9vR2xT7mQ4wZ8b@db/x', SMTP_URL: 'smtp://relay:25' }, { role: 'worker' }).session.secret);
    expect(loadConfig({ ...secret, APP_DATABASE_URL: 'postgres://app:kP9vR2xT7mQ4wZ8b@db/x' }, { role: 'api' }).environment).toBe('production');
  });

  it('refuses a default, placeholder, short or repetitive secret in production, naming it', () => {
    const web = (SESSION_SECRET: string) => () => loadConfig({ SESSION_SECRET, API_URL: 'http://api:3001' }, { role: 'web' });
    expect(web('front-counter-development-session-secret-not-for-production')).toThrow(/SESSION_SECRET is the development default/);
    expect(web('CHANGE-ME-generate-with-openssl-rand-base64-48')).toThrow(/SESSION_SECRET is still a placeholder/);
    expect(web('tooShort1')).toThrow(/SESSION_SECRET must be at least 32 characters/);
    expect(web('x'.repeat(40))).toThrow(/SESSION_SECRET is too repetitive to be random/);
    const migrate = (password: string, url = 'postgres://migrator:kP9vR2xT7mQ4wZ8b@db/x') => () => loadConfig({ DATABASE_URL: url, DATABASE_APP_PASSWORD: password }, { role: 'migrate' });
    expect(migrate('front-counter-development')).toThrow(/DATABASE_APP_PASSWORD is the development default/);
    expect(migrate('a-short-one-12')).toThrow(/DATABASE_APP_PASSWORD is too short \(14 characters; at least 16\)/);
    expect(migrate('kP9vR2xT7mQ4wZ8bY5nL', 'postgres://migrator:CHANGE-ME-migrator-password@db/x')).toThrow(/DATABASE_URL's password is still a placeholder/);
    expect(migrate('kP9vR2xT7mQ4wZ8bY5nL')).not.toThrow();
    // Development keeps its known defaults: nothing is at stake there.
    expect(loadConfig({}, DEVELOPMENT).session.secret).toMatch(/development/);
  });

  it('names the variable and the value when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty' }, DEVELOPMENT)).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a port number \(got "eighty"\)/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a postgres:\/\/ connection URL/);
  });

  it('refuses URLs that are not http(s) and lists that are not addresses', () => {
    expect(() => loadConfig({ QUICK_EXIT_URL: 'javascript:alert(1)' })).toThrow(/QUICK_EXIT_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ API_URL: 'ftp://x' })).toThrow(/API_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ TRUST_PROXY: 'nonsense' })).toThrow(/TRUST_PROXY must be a comma-separated list of IP addresses or CIDR ranges/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: 'lots' })).toThrow(/DATABASE_POOL_SIZE must be a number \(got "lots"\)/);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1' }, DEVELOPMENT).api.trustProxy).toBe('10.0.0.0/8, ::1');
  });

  it('never echoes a password or connection URL in its message', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:secret@host/db' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret') }),
    );
  });

  it('refuses the embedded database and default password in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL must be set in production/);
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', DATABASE_APP_PASSWORD: 'a-long-secret-value', ...PRODUCTION_SECRETS });
    expect(config.api.exposeSchema).toBe(false);
    expect(config.tenants.allowLocalhostSlugs).toBe(false);
  });

  it('never gives the app role a known password in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', ...PRODUCTION_SECRETS })).toThrow(/DATABASE_APP_PASSWORD must be set in production/);
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', APP_DATABASE_URL: 'postgres://app@db/x', ...PRODUCTION_SECRETS });
    expect(config.database.appPassword).toBeUndefined();
  });

  it('asks nothing of the database for a process that does not use one', () => {
    expect(loadConfig({ NODE_ENV: 'production', API_URL: 'http://api:3001', ...PRODUCTION_SECRETS }, { role: 'web' }).environment).toBe('production');
  });
});
