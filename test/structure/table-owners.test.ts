import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { libraryCycles, libraryImports, migrationTables, misplacedSql, readSources, TABLE_OWNERS, type TableUse } from './table-owners.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const key = (use: TableUse) => `${use.path} ${use.table}`;

describe('who owns which table', () => {
  const files = readSources(root);

  it('declares an owner for every table the migrations create', () => {
    const created = migrationTables(root);
    expect(created.length).toBeGreaterThan(0);
    expect(created.filter((table) => !(table in TABLE_OWNERS))).toEqual([]);
  });

  it('keeps SQL in the owning library’s repository and queries files', () => {
    expect(misplacedSql(files).map(key)).toEqual([]);
  });

  it('writes SQL in one style: the entity API or parameterised SQL, never the query builder', () => {
    expect(files.filter((file) => !/\.spec\.ts$/.test(file.path) && /\.createQueryBuilder\(/.test(file.text)).map((file) => file.path)).toEqual([]);
  });

  it('keeps evidence below reports and casework: it owns its files and asks for reports through its port', () => {
    const reach = (graph: Map<string, Set<string>>, from: string): Set<string> => {
      const seen = new Set<string>();
      const visit = (library: string) => graph.get(library)?.forEach((next) => !seen.has(next) && (seen.add(next), visit(next)));
      visit(from);
      return seen;
    };
    const loaded = reach(libraryImports(files), 'evidence');
    expect(['reports', 'casework'].filter((library) => loaded.has(library))).toEqual([]);
  });

  it('has no cycle between libraries', () => {
    expect(libraryCycles(libraryImports(files))).toEqual([]);
  });
});
