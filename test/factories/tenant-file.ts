import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/** A valid tenant.yaml's content for `slug`, with any fields replaced. */
export function tenantFileContent(slug: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const name = `${slug[0].toUpperCase()}${slug.slice(1)} Police`;
  return {
    slug,
    name: { en: name },
    languages: ['en'],
    domains: [`report.${slug}.police.example`],
    branding: { brandColour: '#123456', secondaryColour: '#ffcc00', logo: { text: { en: name } } },
    contact: { nonEmergency: '101', textRelayEmergency: '18000' },
    promises: { triageWithinMinutes: 45, replyWithinHours: 48 },
    identity: { realm: slug },
    ...overrides,
  };
}

/** A temporary tenants/ folder: a copy of the repository's, or one built from the given contents. */
export function temporaryTenantsDirectory(contents?: Record<string, unknown>[]): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-tenants-'));
  if (!contents) {
    cpSync(path.resolve('tenants'), directory, { recursive: true });
    return directory;
  }
  for (const content of contents) {
    mkdirSync(path.join(directory, String(content.slug)));
    writeFileSync(path.join(directory, String(content.slug), 'tenant.yaml'), stringify(content));
  }
  return directory;
}
