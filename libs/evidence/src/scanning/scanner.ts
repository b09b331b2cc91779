import type { Readable } from 'node:stream';

/** What a malware scan found. `not-scanned` is never `clean`: the file was too big for the scanner, or no scanner is configured. */
export type ScanResult = { status: 'clean' } | { status: 'infected'; signature: string } | { status: 'not-scanned'; reason: string };

/** A malware scanner. Errors that say nothing about the file (connection refused, timeout) reject, so the scan is retried later. */
export interface Scanner {
  readonly name: string;
  scan(body: Readable, sizeBytes: number): Promise<ScanResult>;
}

/** Used when no scanner is configured: every file is marked "not scanned", and staff are told so. */
export class NoScanner implements Scanner {
  readonly name = 'none';
  async scan(body: Readable): Promise<ScanResult> {
    body.destroy();
    return { status: 'not-scanned', reason: 'No malware scanner is configured' };
  }
}
