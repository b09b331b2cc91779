import type messages from '../i18n/en.json';
import { translate } from '../i18n/messages.js';

/** A table looked up by a value that comes from the api (a role, a status, an event...): any key. */
type Lookup = Record<string, string>;

/** The `staff` section of en.json, with its tables open to any key as before. */
type StaffText = (typeof messages)['staff'] & {
  roles: Lookup;
  statuses: Lookup;
  reason: { audit: Lookup };
  report: { languages: Lookup; duplicateStatuses: Lookup; actors: Lookup; events: Lookup };
  evidence: { statuses: Lookup; kinds: Lookup };
  audit: { actions: Lookup };
  thrive: { levels: Lookup };
  decision: { options: Lookup; closeReasons: Lookup };
};

/**
 * Every word the staff pages show: the `staff` section of the message catalogues (i18n/en.json and
 * cy.json, where the catalogue's test checks the Welsh has every key). The staff pages have no
 * language choice yet, so they are shown in English: this is the English section.
 */
export const STAFF_TEXT = translate('en', 'staff') as StaffText;

// The placeholder filler the staff, admin and national pages use with these texts.
export { fill } from '../i18n/messages.js';
