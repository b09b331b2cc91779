import { input } from './components.js';
import { InvalidAnswer, questionMessage } from './messages.js';
import { single } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { VehicleRegistrationQuestion } from './question.js';

/** A vehicle registration, kept in capitals without spaces. */
export const vehicleRegistration = defineQuestionType<VehicleRegistrationQuestion>({
  type: 'vehicle-registration',
  parse(question, raw) {
    const value = single(raw[question.id]);
    if (!value) return undefined;
    const registration = value.toUpperCase().replace(/[\s-]/g, '');
    if (!/^(?=.*[A-Z])(?=.*\d)[A-Z0-9]{2,8}$/.test(registration)) throw new InvalidAnswer(questionMessage(question, 'vehicleRegistration', question.errors.invalid));
    return registration;
  },
  view: (_question, context) => input(context, { classes: 'govuk-input--width-10 govuk-input--extra-letter-spacing', spellcheck: false }),
});
