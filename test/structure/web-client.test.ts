import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { apiSchema, checkOperations, generateOperations, GENERATED_FILE, OperationProblem, webOperationSources } from '../../scripts/web-operations.js';

// The web is a client of the api: it reaches data only through GraphQL operations checked against
// apps/api/schema.gql, and loads none of the api's code. These tests fail when that stops being true.

const root = path.resolve(import.meta.dirname, '../..');
const WEB = 'apps/web/src';

/** What the web may load at run time: infrastructure (no domain code, no database) and the public kit. */
const ALLOWED_IN_WEB = ['config', 'logging', 'metrics', 'rate-limits', 'caching', 'public-kit'];
/** What those libraries may load in turn: each other only; the public kit nothing of ours at all. */
const ALLOWED_IN_LIBRARY: Record<string, string[]> = {
  config: [],
  logging: ['config'],
  metrics: ['config', 'logging'],
  'rate-limits': ['config', 'logging', 'metrics'],
  caching: [],
  'public-kit': [],
};
/** Frameworks the public kit must not pull into whoever uses it. */
const NOT_IN_PUBLIC_KIT = /^(@nestjs\/|typeorm$|pg$|@front-counter\/)/;

interface ModuleImport {
  specifier: string;
  line: number;
  /** `import type` / `export type`, or a type position: erased from the JavaScript. */
  typeOnly: boolean;
}

/**
 * Every module a source names: import and export declarations, `import()` calls and `import('...')`
 * types. Only a declaration written `import type` (or `export type`) counts as erased: `import { type X }`
 * may still be kept as a bare import for its side effects.
 */
function importsOf(fileName: string, text: string): ModuleImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: ModuleImport[] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (specifier && ts.isStringLiteralLike(specifier)) found.push({ specifier: specifier.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node, node.moduleReference.expression, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The run-time imports of one source that break the rules: another library than those allowed, or a path out of its folder. */
function forbiddenImports(file: string, text: string, allowedLibraries: string[], folder: string, alsoForbidden?: RegExp): string[] {
  return importsOf(file, text)
    .filter((found) => !found.typeOnly)
    .flatMap((found) => {
      const at = `${path.relative(root, file)}:${found.line}: ${found.specifier}`;
      const library = /^@front-counter\/([^/]+)(\/.*)?$/.exec(found.specifier);
      if (library?.[2]) return [`${at} (a deep path into a library)`];
      if (library && !allowedLibraries.includes(library[1])) return [`${at} (a library the web may not load)`];
      if (found.specifier.startsWith('.') && !path.resolve(path.dirname(file), found.specifier).startsWith(path.resolve(folder) + path.sep)) return [`${at} (a path out of ${path.relative(root, folder)})`];
      if (alsoForbidden?.test(found.specifier)) return [`${at} (not for the public kit)`];
      return [];
    });
}

/** The TypeScript sources of a folder that ship (specs are test code). */
function sourcesOf(folder: string): { file: string; text: string }[] {
  return readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
    .sort()
    .map((name) => ({ file: path.join(folder, name), text: readFileSync(path.join(root, folder, name), 'utf8') }));
}

const inRoot = (file: string) => path.join(root, file);

describe('the web loads no domain library at run time', () => {
  it('imports at run time only the infrastructure libraries and the public kit, through their index', () => {
    const problems = sourcesOf(WEB).flatMap(({ file, text }) => forbiddenImports(inRoot(file), text, ALLOWED_IN_WEB, inRoot(WEB)));
    expect(problems).toEqual([]);
  });

  it('loads through those libraries nothing else of ours (and the public kit no framework or database)', () => {
    const problems = Object.entries(ALLOWED_IN_LIBRARY).flatMap(([library, allowed]) => {
      const folder = `libs/${library}/src`;
      return sourcesOf(folder).flatMap(({ file, text }) => forbiddenImports(inRoot(file), text, allowed, inRoot(folder), library === 'public-kit' ? NOT_IN_PUBLIC_KIT : undefined));
    });
    expect(problems).toEqual([]);
  });

  it('fails on a run-time import of a domain library, and lets a type-only one pass', () => {
    const file = inRoot(`${WEB}/tracking/fake.ts`);
    const text = [
      "import type { CompiledForm } from '@front-counter/forms';",
      "import { type Journey } from '@front-counter/reports';",
      "import { formatReference } from '@front-counter/reports';",
      "import { localText } from '@front-counter/public-kit';",
      "import { ApiClient } from '../api-client.js';",
      "import { Tenant } from '../../../../libs/tenancy/src/tenant.entity.js';",
      "import { helper } from '@front-counter/public-kit/src/reference.js';",
      "export { TenancyModule } from '@front-counter/tenancy';",
      "export type { Language } from '@front-counter/tenancy';",
      "const lazy = () => import('@front-counter/casework');",
      "let form: import('@front-counter/forms').CompiledForm;",
    ].join('\n');
    expect(forbiddenImports(file, text, ALLOWED_IN_WEB, inRoot(WEB)).map((problem) => problem.replace('apps/web/src/tracking/fake.ts:', ''))).toEqual([
      '2: @front-counter/reports (a library the web may not load)',
      '3: @front-counter/reports (a library the web may not load)',
      '6: ../../../../libs/tenancy/src/tenant.entity.js (a path out of apps/web/src)',
      '7: @front-counter/public-kit/src/reference.js (a deep path into a library)',
      '8: @front-counter/tenancy (a library the web may not load)',
      '10: @front-counter/casework (a library the web may not load)',
    ]);
  });
});

describe("the web's GraphQL operations", () => {
  it('are all in .graphql files: no operation is written in a TypeScript string', () => {
    const inline = sourcesOf(WEB)
      .filter(({ file }) => file !== GENERATED_FILE)
      .flatMap(({ file, text }) => [...text.matchAll(/['"`]\s*(query|mutation|subscription)\s+[A-Za-z_]\w*\s*[({]/g)].map((match) => `${file}: ${match[0]}`));
    expect(inline).toEqual([]);
  });

  it('validate against apps/api/schema.gql, and the generated file is what they generate', async () => {
    const generated = await generateOperations();
    expect(generated === readFileSync(inRoot(GENERATED_FILE), 'utf8')).toBe(true);
  });

  it('fail when an operation asks for what the schema does not have, or two share a name', () => {
    const schema = apiSchema();
    const sources = [
      { file: 'apps/web/src/fake/a.graphql', text: 'query Tracked($token: String!) { trackedReport(token: $token) { report { reference colour } } }' },
      { file: 'apps/web/src/fake/b.graphql', text: 'mutation Tracked { discardSiteDraft }' },
    ];
    expect(() => checkOperations(schema, sources)).toThrow(OperationProblem);
    expect(() => checkOperations(schema, sources)).toThrow(/a\.graphql:1:\d+: Cannot query field "colour" on type "TrackedReport"/);
    expect(() => checkOperations(schema, sources)).toThrow(/b\.graphql: Tracked is already defined in apps\/web\/src\/fake\/a\.graphql/);
  });

  it('fail when the schema no longer answers an operation the web sends', () => {
    const schema = apiSchema(readFileSync(inRoot('apps/api/schema.gql'), 'utf8').replace(/^\s*replyToReport\(/m, '  replyToTheReport('));
    expect(() => checkOperations(schema, webOperationSources())).toThrow(/tracking\.graphql:\d+:\d+: Cannot query field "replyToReport" on type "Mutation"/);
  });
});
