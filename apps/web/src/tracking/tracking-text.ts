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

/** The character count's own messages (its JavaScript's, and the no-JavaScript limit sentence) in Welsh. */
export const WELSH_CHARACTER_COUNT = {
  textareaDescriptionText: 'Gallwch roi hyd at %{count} o nodau',
  charactersUnderLimitText: { zero: 'Mae gennych %{count} nod ar ôl', one: 'Mae gennych %{count} nod ar ôl', two: 'Mae gennych %{count} nod ar ôl', few: 'Mae gennych %{count} nod ar ôl', many: 'Mae gennych %{count} nod ar ôl', other: 'Mae gennych %{count} o nodau ar ôl' },
  charactersAtLimitText: 'Mae gennych 0 nod ar ôl',
  charactersOverLimitText: { zero: 'Mae gennych %{count} nod yn ormod', one: 'Mae gennych %{count} nod yn ormod', two: 'Mae gennych %{count} nod yn ormod', few: 'Mae gennych %{count} nod yn ormod', many: 'Mae gennych %{count} nod yn ormod', other: 'Mae gennych %{count} o nodau yn ormod' },
};
