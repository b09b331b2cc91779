import { DataSource } from 'typeorm';

/** The application's connection pool, as the app role. Never synchronizes: migrations own the schema. */
export function createAppDataSource(options: { url: string; entities: Function[]; poolSize: number; applicationName: string }): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    synchronize: false,
    migrationsRun: false,
    poolSize: options.poolSize,
    extra: { application_name: options.applicationName, connectionTimeoutMillis: 10_000 },
  });
}
