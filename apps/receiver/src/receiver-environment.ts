// The standalone receiver's few settings, read once, each bad value named.

export const DEFAULT_RECEIVER_PORT = 3007;

type Environment = Record<string, string | undefined>;

export function receiverPort(env: Environment): number {
  const text = env.PORT;
  if (text === undefined || text === '') return DEFAULT_RECEIVER_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`PORT must be a port number, 0 to 65535 (got ${JSON.stringify(text)})`);
  return port;
}

/** `northshire=whsec_a eastmarch=whsec_b` (spaces, commas or new lines between); a force named twice keeps both secrets. */
export function parseSecretsVariable(text: string | undefined): Record<string, string[]> {
  const secrets: Record<string, string[]> = {};
  for (const pair of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new Error(`RECEIVER_SECRETS holds force=secret pairs, like northshire=whsec_...; "${pair.slice(0, 24)}..." is not one`);
    const force = pair.slice(0, at);
    (secrets[force] ??= []).push(pair.slice(at + 1));
  }
  return secrets;
}

export function parseTlsFiles(env: Environment, read: (file: string) => Buffer): { key: Buffer; cert: Buffer } | undefined {
  const keyFile = env.RECEIVER_TLS_KEY_FILE;
  const certFile = env.RECEIVER_TLS_CERT_FILE;
  if (!keyFile && !certFile) return undefined;
  if (!keyFile || !certFile) throw new Error('RECEIVER_TLS_KEY_FILE and RECEIVER_TLS_CERT_FILE go together: set both for HTTPS, or neither');
  const readFile = (variable: string, file: string) => {
    try {
      return read(file);
    } catch (error) {
      throw new Error(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  };
  return { key: readFile('RECEIVER_TLS_KEY_FILE', keyFile), cert: readFile('RECEIVER_TLS_CERT_FILE', certFile) };
}
