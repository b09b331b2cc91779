import { leafDifferences, type LeafDifference } from '@front-counter/data-files';
import type { CompiledForm } from '@front-counter/forms';

type Json = unknown;

/** Arrays of things with ids (pages, questions, options) become records keyed by id, so a diff names them. */
function keyed(value: Json): Json {
  if (Array.isArray(value)) {
    const withIds = value.length > 0 && value.every((item) => item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string');
    if (withIds) return Object.fromEntries(value.map((item) => [(item as { id: string }).id, keyed(item)]));
    const withValues = value.length > 0 && value.every((item) => item && typeof item === 'object' && typeof (item as { value?: unknown }).value === 'string');
    if (withValues) return Object.fromEntries(value.map((item) => [(item as { value: string }).value, keyed(item)]));
    return value.map(keyed);
  }
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, keyed(child)]));
  return value;
}

/**
 * What differs between two effective forms, leaf by leaf, with pages and questions named by id:
 * e.g. `pages.incident-details.questions.incidentDescription.hint.en`. A page's order is not
 * compared as such (its routing, `next`, is).
 */
export function formDifferences(before: CompiledForm | null, after: CompiledForm): LeafDifference[] {
  const normalise = (form: CompiledForm | null) => (form ? (keyed(JSON.parse(JSON.stringify(form))) as Record<string, unknown>) : {});
  return leafDifferences(normalise(before), normalise(after));
}

/** The page ids a list of differences touches. */
export function pagesTouched(differences: LeafDifference[]): Set<string> {
  return new Set(differences.filter((difference) => difference.path.startsWith('pages.')).map((difference) => difference.path.split('.')[1]));
}
