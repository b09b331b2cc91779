import { parseOneOf, radiosParams } from './choices.js';
import { defineQuestionType } from './question-type.js';
import type { YesNoQuestion } from './question.js';
import { QUESTION_TEXTS } from './texts/index.js';

const CHOICES = ['yes', 'no'];

/** Yes or no, as two radio buttons (side by side unless `inline: false`). */
export const yesNo = defineQuestionType<YesNoQuestion>({
  type: 'yes-no',
  requiredMessage: 'choose',
  choices: () => [...CHOICES],
  parse: (question, raw) => parseOneOf(question, raw, CHOICES),
  view: (question, context) => ({
    partial: 'govuk/radios',
    params: radiosParams(context, [{ value: 'yes', text: context.texts.choice.yes }, { value: 'no', text: context.texts.choice.no }], question.inline),
  }),
  summary: (_question, answer, language) => (answer === 'yes' ? QUESTION_TEXTS[language].choice.yes : answer === 'no' ? QUESTION_TEXTS[language].choice.no : String(answer)),
});
