import type messages from '../i18n/en.json';
import { translate } from '../i18n/messages.js';

/** The `admin` section of en.json, with the flag names open to any key (flags come from the api). */
type AdminText = (typeof messages)['admin'] & { simulator: { flagNames: Record<string, string> } };

const english = translate('en', 'admin') as AdminText;

/**
 * The administration pages' words: the `admin` section of the message catalogues (i18n/en.json and
 * cy.json). The staff pages have no language choice yet, so they are shown in English.
 */
export const ADMIN_TEXT = {
  ...english,
  // The periods the figures can cover are choices, not words: they stay here.
  figures: { ...english.figures, periods: [7, 30, 90, 365] as const },
};
