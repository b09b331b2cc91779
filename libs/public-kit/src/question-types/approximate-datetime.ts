import { dateInput, kindRadios } from './components.js';
import { InvalidAnswer, questionMessage } from './messages.js';
import { DATE_PARTS, dateFields, parseDate, parseTime, single } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { ApproximateDatetimeQuestion } from './question.js';
import { dateValues, fill, formatDate, isRecord, lines, str } from './saved-answers.js';
import { QUESTION_TEXTS } from './texts/index.js';

/** When something happened: an exact date (and time), or "I don't know exactly" with a range and a description. */
export const approximateDatetime = defineQuestionType<ApproximateDatetimeQuestion>({
  type: 'approximate-datetime',
  fieldNames: ({ id }) => [`${id}-kind`, ...dateFields(id), `${id}-time`, ...dateFields(`${id}-from`), ...dateFields(`${id}-to`), `${id}-description`],
  parse(question, raw) {
    const id = question.id;
    const kind = single(raw[`${id}-kind`]);
    if (!kind) return undefined;
    if (kind === 'exact') {
      const date = parseDate(question, raw, id, { notInFuture: true });
      if (!date) throw new InvalidAnswer(questionMessage(question, 'dateIncomplete'), `${id}-day`);
      return { kind, date, time: parseTime(question, single(raw[`${id}-time`]), `${id}-time`) };
    }
    if (kind === 'approximate') {
      const from = parseDate(question, raw, `${id}-from`, { notInFuture: true });
      const to = parseDate(question, raw, `${id}-to`, { notInFuture: true });
      if (!from) throw new InvalidAnswer(questionMessage(question, 'dateIncomplete'), `${id}-from-day`);
      if (!to) throw new InvalidAnswer(questionMessage(question, 'dateIncomplete'), `${id}-to-day`);
      if (to < from) throw new InvalidAnswer(questionMessage(question, 'range'), `${id}-to-day`);
      const description = single(raw[`${id}-description`]);
      if (description.length > 500) throw new InvalidAnswer(questionMessage(question, 'tooLong', undefined, { max: 500 }), `${id}-description`);
      return { kind, from, to, description: description || undefined };
    }
    throw new InvalidAnswer(questionMessage(question, 'approximateKind'), `${id}-kind`);
  },
  view(_question, context) {
    const { id, error, errorMessage, value, render, texts } = context;
    const on = (prefix: string) => (error && DATE_PARTS.some((part) => error.field === `${prefix}-${part}`) ? error : undefined);
    const [exactError, fromError, toError] = [on(id), on(`${id}-from`), on(`${id}-to`)];
    const timeError = error?.field === `${id}-time` ? error : undefined;
    const descriptionError = error?.field === `${id}-description` ? error : undefined;
    const radiosError = error && !exactError && !fromError && !toError && !timeError && !descriptionError ? error : undefined;
    const dateHint = { text: texts.date.hint };
    const exactHtml = [
      render('govuk/date-input', dateInput(context, id, exactError, { text: texts.when.exactDate }, dateHint)),
      render('govuk/input', {
        id: `${id}-time`,
        name: `${id}-time`,
        label: { text: texts.when.exactTime },
        hint: { text: texts.time.hint },
        value: value(`${id}-time`),
        classes: 'govuk-input--width-5',
        spellcheck: false,
        errorMessage: errorMessage(timeError),
      }),
    ].join('\n');
    const approximateHtml = [
      render('govuk/date-input', dateInput(context, `${id}-from`, fromError, { text: texts.when.from }, dateHint)),
      render('govuk/date-input', dateInput(context, `${id}-to`, toError, { text: texts.when.to }, dateHint)),
      render('govuk/input', {
        id: `${id}-description`,
        name: `${id}-description`,
        label: { text: texts.when.description },
        hint: { text: texts.when.descriptionHint },
        value: value(`${id}-description`),
        errorMessage: errorMessage(descriptionError),
      }),
    ].join('\n');
    return kindRadios(
      context,
      [
        { value: 'exact', text: texts.when.exact, conditional: { html: exactHtml } },
        { value: 'approximate', text: texts.when.approximate, conditional: { html: approximateHtml } },
      ],
      radiosError,
    );
  },
  values({ id }, answer) {
    if (!isRecord(answer)) return {};
    if (answer.kind === 'exact') {
      return { [`${id}-kind`]: 'exact', ...dateValues(id, answer.date), ...(str(answer.time) ? { [`${id}-time`]: str(answer.time)! } : {}) };
    }
    if (answer.kind === 'approximate') {
      return {
        [`${id}-kind`]: 'approximate',
        ...dateValues(`${id}-from`, answer.from),
        ...dateValues(`${id}-to`, answer.to),
        ...(str(answer.description) ? { [`${id}-description`]: str(answer.description)! } : {}),
      };
    }
    return {};
  },
  summary(_question, answer, language) {
    if (!isRecord(answer)) return String(answer);
    const texts = QUESTION_TEXTS[language];
    if (answer.kind === 'exact') {
      const date = formatDate(answer.date, language);
      return str(answer.time) ? fill(texts.when.at, { date, time: str(answer.time)! }) : date;
    }
    return lines(fill(texts.when.between, { from: formatDate(answer.from, language), to: formatDate(answer.to, language) }), answer.description);
  },
});
