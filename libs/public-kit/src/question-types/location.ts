import { escapeHtml } from '../escape-html.js';
import { addressHtml, kindRadios } from './components.js';
import { InvalidAnswer, questionMessage } from './messages.js';
import { addressFields, ADDRESS_PARTS, parseAddress, parsePoint, single } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { LocationQuestion } from './question.js';
import { addressValues, fill, isRecord, lines, str } from './saved-answers.js';
import { QUESTION_TEXTS } from './texts/index.js';

/** Where something happened: an address, or a described place (a park, a stretch of road); either with the device's position. */
export const location = defineQuestionType<LocationQuestion>({
  type: 'location',
  // The point comes from the device ("Use my location", with JavaScript) and goes with either kind of answer.
  fieldNames: ({ id }) => [`${id}-kind`, ...addressFields(id), `${id}-description`, `${id}-latitude`, `${id}-longitude`],
  parse(question, raw) {
    const id = question.id;
    const kind = single(raw[`${id}-kind`]);
    if (!kind) return undefined;
    const point = parsePoint(question, raw, id);
    if (kind === 'address') {
      const address = parseAddress(question, raw, id);
      if (!address) throw new InvalidAnswer(questionMessage(question, 'addressLine1'), `${id}-line1`);
      return { kind, ...address, ...point };
    }
    if (kind === 'description') {
      const description = single(raw[`${id}-description`]);
      if (!description) throw new InvalidAnswer(questionMessage(question, 'locationDescription'), `${id}-description`);
      if (description.length > 1000) throw new InvalidAnswer(questionMessage(question, 'tooLong', undefined, { max: 1000 }), `${id}-description`);
      return { kind, description, ...point };
    }
    throw new InvalidAnswer(questionMessage(question, 'locationKind'), `${id}-kind`);
  },
  view(_question, context) {
    const { id, error, errorMessage, value, render, texts } = context;
    const addressError = error && ADDRESS_PARTS.some((part) => error.field === `${id}-${part}`) ? error : undefined;
    const descriptionError = error?.field === `${id}-description` ? error : undefined;
    const radiosError = error && !addressError && !descriptionError ? error : undefined;
    const descriptionHtml = render('govuk/textarea', {
      id: `${id}-description`,
      name: `${id}-description`,
      label: { text: texts.location.placeDescription },
      rows: 3,
      value: value(`${id}-description`),
      errorMessage: errorMessage(descriptionError),
    });
    const radios = kindRadios(
      context,
      [
        // Where something happened is seldom the reporter's own address: no autocomplete.
        { value: 'address', text: texts.location.knowAddress, conditional: { html: addressHtml(context, addressError, false) } },
        { value: 'description', text: texts.location.describePlace, conditional: { html: descriptionHtml } },
      ],
      radiosError,
    );
    // The device's position, offered only with JavaScript (app.js shows the button); kept as typed-in
    // values are, so a page shown again with an error does not lose it.
    const [latitude, longitude] = [value(`${id}-latitude`) ?? '', value(`${id}-longitude`) ?? ''];
    const given = latitude && longitude ? fill(texts.location.given, { latitude, longitude }) : '';
    const pointHtml = [
      `<div class="app-location-point" data-module="app-location-point" data-error-text="${escapeHtml(texts.location.help)}">`,
      `<input type="hidden" id="${id}-latitude" name="${id}-latitude" value="${escapeHtml(latitude)}" data-latitude>`,
      `<input type="hidden" id="${id}-longitude" name="${id}-longitude" value="${escapeHtml(longitude)}" data-longitude>`,
      `<p class="govuk-body" data-location-status aria-live="polite">${escapeHtml(given)}</p>`,
      `<div hidden data-location-offer><p class="govuk-hint">${escapeHtml(texts.location.help)}</p>`,
      `<button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-use-location>${escapeHtml(texts.location.useMyLocation)}</button></div>`,
      `</div>`,
    ].join('');
    return { ...radios, params: { ...radios.params, formGroup: { afterInputs: { html: pointHtml } } } };
  },
  values({ id }, answer) {
    if (!isRecord(answer)) return {};
    const point = str(answer.latitude) && str(answer.longitude) ? { [`${id}-latitude`]: str(answer.latitude)!, [`${id}-longitude`]: str(answer.longitude)! } : {};
    if (answer.kind === 'address') return { [`${id}-kind`]: 'address', ...addressValues(id, answer), ...point };
    if (answer.kind === 'description') return { [`${id}-kind`]: 'description', ...(str(answer.description) ? { [`${id}-description`]: str(answer.description)! } : {}), ...point };
    return {};
  },
  summary(_question, answer, language) {
    if (!isRecord(answer)) return String(answer);
    const point = typeof answer.latitude === 'number' ? fill(QUESTION_TEXTS[language].location.given, { latitude: String(answer.latitude), longitude: String(answer.longitude) }) : undefined;
    return answer.kind === 'description' ? lines(answer.description, point) : lines(...ADDRESS_PARTS.map((part) => answer[part]), point);
  },
});
