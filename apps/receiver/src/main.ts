import { readFileSync } from 'node:fs';
import { createDevReceiver } from './dev-receiver.js';
import { parseSecretsVariable, parseTlsFiles, receiverPort } from './receiver-environment.js';

// The development receiver on its own: `node dist/apps/receiver/src/main.js` with
//   PORT                     where to listen (default 3007: PORT + 7 of `npm start`'s layout)
//   RECEIVER_HOST            default 127.0.0.1
//   RECEIVER_SECRETS         each force's secret: `northshire=whsec_... eastmarch=whsec_...` (a force twice: both accepted)
//   RECEIVER_TLS_KEY_FILE, RECEIVER_TLS_CERT_FILE   serve HTTPS with this key and certificate (PEM)
// `npm start` runs it inside the launcher instead.
const say = (line: string) => process.stdout.write(`${line}\n`);

function exit(message: string): never {
  process.stderr.write(`The development receiver could not start: ${message}\n`);
  process.exit(1);
}

let options: Parameters<typeof createDevReceiver>[0];
try {
  options = {
    port: receiverPort(process.env),
    host: process.env.RECEIVER_HOST || '127.0.0.1',
    secrets: parseSecretsVariable(process.env.RECEIVER_SECRETS),
    tls: parseTlsFiles(process.env, (file) => readFileSync(file)),
    log: say,
  };
} catch (error) {
  exit((error as Error).message);
}
const receiver = await createDevReceiver(options).catch((error: NodeJS.ErrnoException) =>
  exit(error.code === 'EADDRINUSE' ? `port ${options.port} is in use; set PORT to another` : error.message),
);
say(`Development receiver (not for real use): ${receiver.url}/  (received: ${receiver.url}/received.json)`);
say(`Forces deliver to ${Object.keys(options.secrets).map((force) => `${receiver.url}/${force}`).join(', ') || '(no force has a secret: set RECEIVER_SECRETS)'}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void receiver.close().finally(() => process.exit(0));
  });
}
