import type messages from '../i18n/en.json';
import { translate } from '../i18n/messages.js';

/** The `admin` section of en.json, with the tables looked up by the api's values open to any key. */
type AdminText = (typeof messages)['admin'] & {
  simulator: { flagNames: Record<string, string> };
  // Looked up by values that come from the api (destination types, event types, delivery statuses): any key.
  backOffice: { types: Record<string, string> };
  deliveries: { events: Record<string, string>; statuses: Record<string, string> };
};

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
