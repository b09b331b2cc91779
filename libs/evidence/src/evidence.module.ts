import { Module } from '@nestjs/common';
import { AuditModule } from '@front-counter/audit';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { IdentityModule } from '@front-counter/identity';
import { EvidenceResolver } from './evidence.resolver.js';
import { EVIDENCE_SCANNER, EVIDENCE_STORE, EvidenceService } from './evidence.service.js';
import { ClamdScanner } from './scanning/clamd-scanner.js';
import { NoScanner, type Scanner } from './scanning/scanner.js';
import type { EvidenceStore } from './storage/evidence-store.js';
import { LocalDiskStore } from './storage/local-disk-store.js';

/**
 * The configured store: local disk under DATA_DIR/evidence, or S3 (credentials from the AWS SDK's
 * usual chain). The AWS SDK is loaded only for S3: a process on local disk never holds it in memory.
 */
export async function createEvidenceStore(config: AppConfig): Promise<EvidenceStore> {
  const store = config.evidence.store;
  if (store.kind !== 's3') return new LocalDiskStore(store.directory);
  const { S3Store } = await import('./storage/s3-store.js');
  return new S3Store({ bucket: store.bucket, region: store.region, endpoint: store.endpoint, forcePathStyle: store.forcePathStyle, serverSideEncryption: store.serverSideEncryption });
}

/** clamd when configured; otherwise every file is "not scanned". */
export function createScanner(config: AppConfig): Scanner {
  const scanner = config.evidence.scanner;
  return scanner ? new ClamdScanner({ host: scanner.host, port: scanner.port, socket: scanner.socket, maxBytes: scanner.maxBytes }) : new NoScanner();
}

/**
 * Evidence's providers. The application that loads it provides REPORTS_PORT (see reports-port.ts),
 * globally: casework's EvidenceReportsModule does.
 */
@Module({
  imports: [AuditModule, IdentityModule],
  providers: [
    EvidenceService,
    EvidenceResolver,
    { provide: EVIDENCE_STORE, inject: [APP_CONFIG], useFactory: createEvidenceStore },
    { provide: EVIDENCE_SCANNER, inject: [APP_CONFIG], useFactory: createScanner },
  ],
  exports: [EvidenceService],
})
export class EvidenceModule {}
