import { libraryCycles, libraryImports, misplacedSql, type SourceFile } from './table-owners.js';

// The checks themselves, fed files made up for the purpose: each must catch what it is for.

const entity = (table: string, name: string): SourceFile => ({ path: `libs/reports/src/${table}.entity.ts`, text: `@Entity({ name: '${table}' })\nexport class ${name} {}` });

describe('the table-owner check', () => {
  it('finds raw SQL about another library’s table', () => {
    const file = { path: 'libs/casework/src/casework.service.ts', text: 'await manager.query(`SELECT name FROM tenants WHERE id = $1`, [id]);' };
    expect(misplacedSql([file])).toEqual([{ path: file.path, table: 'tenants' }]);
  });

  it('finds SQL about the library’s own table outside its repository or queries files', () => {
    const file = { path: 'libs/reports/src/report-life.ts', text: "await manager.query(`UPDATE reports SET status = 'closed' WHERE id = $1`, [id]);" };
    expect(misplacedSql([file])).toEqual([{ path: file.path, table: 'reports' }]);
  });

  it('finds an entity written through the manager, a repository or a query builder', () => {
    const files = [
      entity('reports', 'Report'),
      { path: 'libs/casework/src/a.ts', text: 'await manager.update(Report, { id }, { status });' },
      { path: 'libs/casework/src/b.ts', text: 'const reports = dataSource.getRepository(Report);' },
      { path: 'libs/casework/src/c.ts', text: "manager.createQueryBuilder(Report, 'r').where('r.id = :id', { id })" },
      { path: 'libs/casework/src/d.ts', text: 'constructor(private readonly reports: Repository<Report>) {}' },
    ];
    expect(misplacedSql(files).map((use) => use.path)).toEqual(['libs/casework/src/a.ts', 'libs/casework/src/b.ts', 'libs/casework/src/c.ts', 'libs/casework/src/d.ts']);
  });

  it('lets the owner’s repository and queries files hold its SQL', () => {
    const files = [
      { path: 'libs/reports/src/reports.repository.ts', text: 'await manager.query(`UPDATE reports SET status = $2 WHERE id = $1`, [id, status]);' },
      { path: 'libs/tenancy/src/tenants.repository.ts', text: 'await db.query(`SELECT id FROM tenants`);' },
      { path: 'libs/reports/src/report-search.queries.ts', text: 'await manager.query(`SELECT id FROM reports WHERE reference = $1`, [reference]);' },
    ];
    expect(misplacedSql(files)).toEqual([]);
  });

  it('lets a read-model in any library read and join others’ tables, but not write them', () => {
    const reading = { path: 'libs/casework/src/queue.queries.ts', text: 'manager.query(`SELECT r.id, t.slug FROM reports r JOIN tenants t ON t.id = r.tenant_id`)' };
    const writing = { path: 'libs/casework/src/queue.queries.ts', text: 'manager.query(`DELETE FROM reports WHERE id = $1`, [id])' };
    expect(misplacedSql([reading])).toEqual([]);
    expect(misplacedSql([writing])).toEqual([{ path: writing.path, table: 'reports' }]);
  });

  it('does not read prose or comments as SQL, and exempts migrations, tests and scripts', () => {
    const files = [
      { path: 'libs/admin/src/a.ts', text: "// the reports FROM reports come here\nconst hint = 'made from tenants/_template';" },
      { path: 'migrations/1-start.ts', text: 'await queryRunner.query(`UPDATE reports SET status = 1`);' },
      { path: 'libs/reports/src/x.spec.ts', text: 'await sql(`DELETE FROM tenants`);' },
      { path: 'scripts/bench.ts', text: 'await sql(`SELECT id FROM reports`);' },
    ];
    expect(misplacedSql(files)).toEqual([]);
  });
});

describe('the library cycle check', () => {
  const lib = (name: string, imports: string[]): SourceFile => ({ path: `libs/${name}/src/index.ts`, text: imports.map((other) => `import { x } from '@front-counter/${other}';`).join('\n') });

  it('finds a cycle, however long', () => {
    expect(libraryCycles(libraryImports([lib('evidence', ['reports']), lib('reports', ['tenancy']), lib('tenancy', ['evidence'])]))).toEqual([['evidence', 'reports', 'tenancy', 'evidence']]);
  });

  it('finds none in a graph without one, and ignores imports in tests', () => {
    const test = { path: 'libs/tenancy/src/tenancy.spec.ts', text: "import { x } from '@front-counter/evidence';" };
    expect(libraryCycles(libraryImports([lib('evidence', ['reports']), lib('reports', ['tenancy']), lib('tenancy', []), test]))).toEqual([]);
  });
});
