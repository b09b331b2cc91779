// Who owns which table, and the checks that keep it so: SQL about a table lives only in its owning
// library's `*.repository.ts` (writes, reads by id) or `*.queries.ts` (screen read-models), and no
// library imports another in a cycle. Plain file reading: no database, no compiler.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every table in migrations/, with the one library that owns it. */
export const TABLE_OWNERS: Record<string, string> = {
  tenants: 'tenancy',
  tenant_domains: 'tenancy',
  tenant_areas: 'tenancy',
  drafts: 'reports',
  reports: 'reports',
  report_events: 'reports',
  report_duplicates: 'reports',
  evidence_files: 'evidence',
  tracking_codes: 'casework',
  tracking_sessions: 'casework',
  form_versions: 'forms',
  national_services: 'forms',
  routing_rule_sets: 'triage',
  admin_drafts: 'admin',
  audit_events: 'audit',
  outbox_events: 'outbox',
  destinations: 'deliveries',
  deliveries: 'deliveries',
  delivery_attempts: 'deliveries',
};

export interface SourceFile {
  /** Relative to the repository, with forward slashes. */
  path: string;
  text: string;
}

export interface TableUse {
  path: string;
  table: string;
}

/** Migrations, tests and scripts may touch any table; so may the test-only support code. */
export function isExempt(file: string): boolean {
  return /^(migrations|test|scripts)\//.test(file) || /\.(spec|test)\.ts$/.test(file);
}

const stripComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

/** Entity classes and their tables, read from `@Entity({ name })` declarations. */
export function entityTables(files: SourceFile[]): Map<string, string> {
  const entities = new Map<string, string>();
  for (const file of files) {
    for (const match of file.text.matchAll(/@Entity\(\{\s*name:\s*'([a-z_]+)'\s*\}\)\s*export class (\w+)/g)) entities.set(match[2], match[1]);
  }
  return entities;
}

const ENTITY_READ = /\b(?:find|findOne|findOneBy|findBy|findAndCount|count|exists|exist|getRepository|createQueryBuilder|InjectRepository)\(\s*([A-Z]\w*)\b/g;
const ENTITY_WRITE = /\b(?:update|insert|delete|upsert|save|remove|increment|decrement)\(\s*([A-Z]\w*)\b/g;
const REPOSITORY_TYPE = /\bRepository<\s*([A-Z]\w*)\s*>/g;
const SQL_READ = /\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)\b(?![/-])/gi;
const SQL_WRITE = /\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|ALTER\s+TABLE)\s+([a-z_][a-z0-9_]*)\b(?![/-])/gi;

export type Use = 'read' | 'write';

/**
 * The tables a file's SQL names, each with whether it writes them: in raw SQL text, or through an
 * entity's repository, query builder or manager method (a repository of unknown use counts as a write).
 */
export function tablesTouched(text: string, entities: Map<string, string>): Map<string, Use> {
  const code = stripComments(text);
  const tables = new Map<string, Use>();
  const note = (table: string | undefined, use: Use) => {
    if (!table || !(table in TABLE_OWNERS)) return;
    if (use === 'write' || !tables.has(table)) tables.set(table, use);
  };
  for (const match of code.matchAll(SQL_READ)) note(match[1], 'read');
  for (const match of code.matchAll(SQL_WRITE)) note(match[1], 'write');
  for (const match of code.matchAll(ENTITY_READ)) note(entities.get(match[1]), 'read');
  for (const match of code.matchAll(ENTITY_WRITE)) note(entities.get(match[1]), 'write');
  for (const match of code.matchAll(REPOSITORY_TYPE)) note(entities.get(match[1]), 'write');
  return tables;
}

/**
 * May this file hold this SQL? Writes and reads by id: only the owner's `*.repository.ts`. A screen's
 * read-model (`*.queries.ts`, in any library) may read, and join, any table; it writes none but its own.
 */
export function mayHoldSql(file: string, table: string, use: Use): boolean {
  const owner = TABLE_OWNERS[table];
  if (new RegExp(`^libs/${owner}/src/(.+/)?[a-z0-9-]+\\.(repository|queries)\\.ts$`).test(file)) return true;
  return use === 'read' && /^libs\/[a-z0-9-]+\/src\/(.+\/)?[a-z0-9-]+\.queries\.ts$/.test(file);
}

/** SQL about a table outside the places it may be. */
export function misplacedSql(files: SourceFile[]): TableUse[] {
  const entities = entityTables(files);
  const found: TableUse[] = [];
  for (const file of files) {
    if (isExempt(file.path)) continue;
    for (const [table, use] of [...tablesTouched(file.text, entities)].sort(([a], [b]) => a.localeCompare(b))) {
      if (!mayHoldSql(file.path, table, use)) found.push({ path: file.path, table });
    }
  }
  return found;
}

/** The libraries each library imports (through `@front-counter/<name>`), tests left out. */
export function libraryImports(files: SourceFile[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const library = /^libs\/([a-z0-9-]+)\/src\//.exec(file.path)?.[1];
    if (!library || isExempt(file.path)) continue;
    const imports = graph.get(library) ?? new Set<string>();
    graph.set(library, imports);
    for (const match of stripComments(file.text).matchAll(/from\s+'@front-counter\/([a-z0-9-]+)'|import\(\s*'@front-counter\/([a-z0-9-]+)'\s*\)/g)) {
      const imported = match[1] ?? match[2];
      if (imported !== library) imports.add(imported);
    }
  }
  return graph;
}

/** Each cycle in the library graph, as the path that closes it (a -> b -> a). */
export function libraryCycles(graph: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (library: string, trail: string[]) => {
    const start = trail.indexOf(library);
    if (start >= 0) {
      cycles.push([...trail.slice(start), library]);
      return;
    }
    if (seen.has(library)) return;
    trail.push(library);
    for (const imported of [...(graph.get(library) ?? [])].sort()) visit(imported, trail);
    trail.pop();
    seen.add(library);
  };
  for (const library of [...graph.keys()].sort()) visit(library, []);
  return cycles;
}

/** The TypeScript sources of libs/ and apps/, relative to `root`. */
export function readSources(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
      const relative = `${folder}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(relative);
      else if (entry.isFile() && entry.name.endsWith('.ts')) files.push({ path: relative, text: readFileSync(path.join(root, relative), 'utf8') });
    }
  };
  for (const top of ['libs', 'apps']) walk(top);
  return files;
}

/** The tables migrations/ creates. */
export function migrationTables(root: string): string[] {
  const tables = new Set<string>();
  for (const name of readdirSync(path.join(root, 'migrations'))) {
    if (!name.endsWith('.ts')) continue;
    for (const match of readFileSync(path.join(root, 'migrations', name), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?([a-z_][a-z0-9_]*)"?/gi)) tables.add(match[1]);
  }
  return [...tables].sort();
}
