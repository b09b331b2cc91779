import type { Language } from '@front-counter/tenancy';
import type messages from '../i18n/en.json';
import { hasMessage, translate } from '../i18n/messages.js';

/** Every key of a catalogue section whose value is a text, as `a.b.c`. */
type TextKeys<Section> = { [Key in keyof Section & string]: Section[Key] extends string ? Key : `${Key}.${TextKeys<Section[Key]>}` }[keyof Section & string];

/**
 * The "Track your report" pages' words: the `tracking` section of the message catalogues
 * (i18n/en.json and cy.json), in English and Welsh. The messages about a wrong reference, address
 * or code come from the api (it validates them), in both languages too.
 */
export type TrackingTextKey = TextKeys<(typeof messages)['tracking']>;

export function isTrackingTextKey(key: string): key is TrackingTextKey {
  return hasMessage(`tracking.${key}`);
}

/** A text in `language` with its `{placeholders}` filled. */
export function trackingText(language: Language, key: TrackingTextKey, params: Record<string, string | number> = {}): string {
  return translate(language, `tracking.${key}`, params) as string;
}

/** The character count's own messages in Welsh: the question types' (one copy, in the public kit). */
export { WELSH_CHARACTER_COUNT } from '@front-counter/public-kit';
