import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertApplicationRole, createAppDataSource } from './data-source.js';
import type { DatabaseUrls } from './provision.js';
import { TenantTransactions } from './tenant-transactions.js';

export const DATABASE_URLS = Symbol('DATABASE_URLS');

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: { urls: DatabaseUrls; entities: Function[]; poolSize: number; applicationName: string }): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_URLS, useValue: options.urls },
        {
          provide: DataSource,
          useFactory: async () => {
            const dataSource = await createAppDataSource({ url: options.urls.app, entities: options.entities, poolSize: options.poolSize, applicationName: options.applicationName }).initialize();
            try {
              await assertApplicationRole(dataSource, options.urls.appSource ?? 'APP_DATABASE_URL');
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
            return dataSource;
          },
        },
        TenantTransactions,
      ],
      exports: [DataSource, TenantTransactions, DATABASE_URLS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
