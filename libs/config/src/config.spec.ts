import { ConfigError, loadConfig } from './config.js';

const PRODUCTION_SECRETS = { SESSION_SECRET: 'x'.repeat(32), SMTP_URL: 'smtp://mail.example:25' };

describe('loadConfig', () => {
  it('gives working defaults on an empty environment', () => {
    const config = loadConfig({});
    expect(config.web.port).toBe(3000);
    expect(config.api.port).toBe(3001);
    expect(config.api.url).toBe('http://127.0.0.1:3001');
    expect(config.database.adminUrl).toBeUndefined();
    expect(config.tenants.allowLocalhostSlugs).toBe(true);
    expect(config.api.exposeSchema).toBe(true);
  });

  it('names the variable and the value when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a port number \(got "eighty"\)/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a postgres:\/\/ connection URL/);
  });

  it('refuses URLs that are not http(s) and lists that are not addresses', () => {
    expect(() => loadConfig({ QUICK_EXIT_URL: 'javascript:alert(1)' })).toThrow(/QUICK_EXIT_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ API_URL: 'ftp://x' })).toThrow(/API_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ TRUST_PROXY: 'nonsense' })).toThrow(/TRUST_PROXY must be a comma-separated list of IP addresses or CIDR ranges/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: 'lots' })).toThrow(/DATABASE_POOL_SIZE must be a number \(got "lots"\)/);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1' }).api.trustProxy).toBe('10.0.0.0/8, ::1');
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
    expect(loadConfig({ NODE_ENV: 'production', ...PRODUCTION_SECRETS }, { needsDatabase: false }).environment).toBe('production');
  });
});
