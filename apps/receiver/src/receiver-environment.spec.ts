import { DEFAULT_RECEIVER_PORT, parseSecretsVariable, parseTlsFiles, receiverPort } from './receiver-environment.js';

describe('the standalone receiver’s settings', () => {
  it('reads PORT, 3007 when unset, and names a bad one', () => {
    expect(receiverPort({})).toBe(DEFAULT_RECEIVER_PORT);
    expect(receiverPort({ PORT: '0' })).toBe(0);
    expect(receiverPort({ PORT: '4100' })).toBe(4100);
    expect(() => receiverPort({ PORT: 'eighty' })).toThrow(/PORT must be a port number/);
    expect(() => receiverPort({ PORT: '70000' })).toThrow(/PORT must be a port number/);
  });

  it('reads RECEIVER_SECRETS as force=secret pairs, a force named twice keeping both', () => {
    expect(parseSecretsVariable(undefined)).toEqual({});
    expect(parseSecretsVariable('northshire=whsec_a+b/c= eastmarch=whsec_d,\nnorthshire=whsec_e')).toEqual({ northshire: ['whsec_a+b/c=', 'whsec_e'], eastmarch: ['whsec_d'] });
    expect(() => parseSecretsVariable('whsec_abc')).toThrow(/force=secret pairs/);
    expect(() => parseSecretsVariable('northshire=')).toThrow(/force=secret pairs/);
  });

  it('serves HTTPS only with both a key and a certificate file, saying which cannot be read', () => {
    const files: Record<string, string> = { '/k.pem': 'KEY', '/c.pem': 'CERT' };
    const read = (file: string) => {
      if (!(file in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return Buffer.from(files[file]);
    };
    expect(parseTlsFiles({}, read)).toBeUndefined();
    expect(parseTlsFiles({ RECEIVER_TLS_KEY_FILE: '/k.pem', RECEIVER_TLS_CERT_FILE: '/c.pem' }, read)).toEqual({ key: Buffer.from('KEY'), cert: Buffer.from('CERT') });
    expect(() => parseTlsFiles({ RECEIVER_TLS_KEY_FILE: '/k.pem' }, read)).toThrow(/go together/);
    expect(() => parseTlsFiles({ RECEIVER_TLS_KEY_FILE: '/k.pem', RECEIVER_TLS_CERT_FILE: '/missing.pem' }, read)).toThrow('RECEIVER_TLS_CERT_FILE: cannot read /missing.pem (ENOENT)');
  });
});
