import { isDeepStrictEqual } from 'node:util';

export interface LeafDifference {
  /** Dotted path of the leaf, e.g. `branding.brandColour` or `pages.where.questions.incidentLocation.hint.en`. */
  path: string;
  before: unknown;
  after: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Leaf-by-leaf differences between two JSON values, sorted by path: objects are compared key by key,
 * anything else (numbers, strings, arrays) as a whole. Both sides should be plain JSON (parse a
 * stringified copy first so key order and undefined-versus-absent do not count).
 */
export function leafDifferences(before: unknown, after: unknown, path = ''): LeafDifference[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => leafDifferences(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return [{ path, before, after }];
}
