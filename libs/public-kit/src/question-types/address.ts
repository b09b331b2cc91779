import { addressHtml } from './components.js';
import { addressFields, ADDRESS_PARTS, parseAddress } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { AddressQuestion } from './question.js';
import { addressValues, isRecord, lines } from './saved-answers.js';

/** A postal address: first line and town required, postcode checked when given. */
export const address = defineQuestionType<AddressQuestion>({
  type: 'address',
  fieldNames: (question) => addressFields(question.id),
  parse: (question, raw) => parseAddress(question, raw, question.id),
  view(_question, context) {
    const { id, hint, legend, error, render } = context;
    const hintHtml = hint ? render('govuk/hint', { id: `${id}-hint`, ...hint }) : '';
    return {
      partial: 'govuk/fieldset',
      params: { legend, describedBy: hint ? `${id}-hint` : undefined, html: [hintHtml, addressHtml(context, error, true)].filter(Boolean).join('\n') },
    };
  },
  values: (question, answer) => (isRecord(answer) ? addressValues(question.id, answer) : {}),
  summary: (_question, answer) => (isRecord(answer) ? lines(...ADDRESS_PARTS.map((part) => answer[part])) : String(answer)),
});
