import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../api/src/create-api-app.js';
import { createWebApp } from '../../web/src/create-web-app.js';
import { createWorker } from '../../worker/src/create-worker.js';
import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@front-counter/config';
import type { DatabaseUrls } from '@front-counter/database';
import type { Logger } from '@front-counter/logging';

export interface RunningStack {
  api: NestFastifyApplication;
  web: NestFastifyApplication;
  worker: INestApplicationContext;
  apiUrl: string;
  webPort: number;
  close(): Promise<void>;
}

/** The api, the force sites and the worker in one process, the web talking to the api over HTTP as in production. */
export async function startStack(config: AppConfig, urls: DatabaseUrls, logger: Logger): Promise<RunningStack> {
  const api = await createApiApp(config, urls, logger.child({ app: 'api' }));
  await api.listen({ port: config.api.port, host: config.api.host });
  const apiPort = (api.getHttpServer().address() as AddressInfo).port;
  // With API_PORT=0 (tests) the api's real port is known only now; API_URL, when set, still wins.
  const apiUrl = config.api.port === 0 ? `http://127.0.0.1:${apiPort}` : config.api.url;
  let web: NestFastifyApplication;
  try {
    web = await createWebApp({ ...config, api: { ...config.api, url: apiUrl } }, logger.child({ app: 'web' }));
    await web.listen({ port: config.web.port, host: config.web.host });
  } catch (error) {
    await api.close();
    throw error;
  }
  const webPort = (web.getHttpServer().address() as AddressInfo).port;
  const worker = await createWorker(config, urls, logger.child({ app: 'worker' }));
  return {
    api,
    web,
    worker,
    apiUrl,
    webPort,
    close: async () => {
      await web.close();
      await api.close();
      await worker.close();
    },
  };
}
