import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

export interface ParsedDataFile<T> {
  data?: T;
  problems: string[];
}

export const displayPath = (file: string) => path.relative(process.cwd(), file) || file;

/**
 * Parses YAML and validates it, each problem as `file:line: field.path: message`. `describePath` may
 * turn array indexes into names (e.g. `pages.3` into `pages.crime-type`) so messages name the page
 * and question rather than a position.
 */
export function parseYamlWithSchema<Schema extends z.ZodType>(
  file: string,
  text: string,
  schema: Schema,
  describePath: (path: PropertyKey[], raw: unknown) => string = (segments) => segments.map(String).join('.'),
): ParsedDataFile<z.infer<Schema>> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (offset: number | undefined) => (offset === undefined ? displayPath(file) : `${displayPath(file)}:${lineCounter.linePos(offset).line}`);
  if (document.errors.length > 0) {
    return { problems: document.errors.map((error) => `${where(error.pos[0])}: ${error.message.split('\n')[0]}`) };
  }
  const raw = document.toJS();
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { data: parsed.data, problems: [] };
  return {
    problems: parsed.error.issues.map((issue) => {
      // Point at the deepest node of the path that exists in the file.
      let node: unknown;
      for (let depth = issue.path.length; depth >= 0 && !isNode(node); depth--) node = document.getIn(issue.path.slice(0, depth) as (string | number)[], true);
      const offset = isNode(node) ? node.range?.[0] : undefined;
      return `${where(offset)}: ${describePath(issue.path, raw) || '(file)'}: ${issue.message}`;
    }),
  };
}
