import type { Question, Text } from './question.js';

/** Error messages a question type gives unless its definition says otherwise; `{name}` is the question's short label. */
export const DEFAULT_MESSAGES = {
  required: { en: 'Enter {name}', cy: 'Rhowch {name}' },
  choose: { en: 'Select {name}', cy: 'Dewiswch {name}' },
  tooLong: { en: '{name} must be {max} characters or fewer', cy: 'Rhaid i {name} fod yn {max} o nodau neu lai' },
  number: { en: '{name} must be a number', cy: 'Rhaid i {name} fod yn rhif' },
  wholeNumber: { en: '{name} must be a whole number', cy: 'Rhaid i {name} fod yn rhif cyfan' },
  tooSmall: { en: '{name} must be {min} or more', cy: 'Rhaid i {name} fod yn {min} neu fwy' },
  tooLarge: { en: '{name} must be {max} or less', cy: 'Rhaid i {name} fod yn {max} neu lai' },
  option: { en: 'Select one of the options for {name}', cy: "Dewiswch un o'r opsiynau ar gyfer {name}" },
  exclusive: { en: 'Select "{option}" on its own, or other options without it', cy: 'Dewiswch "{option}" ar ei ben ei hun, neu opsiynau eraill hebddo' },
  date: { en: '{name} must be a real date', cy: 'Rhaid i {name} fod yn ddyddiad go iawn' },
  dateIncomplete: { en: '{name} must include a day, month and year', cy: 'Rhaid i {name} gynnwys diwrnod, mis a blwyddyn' },
  tooLate: { en: '{name} must be today or in the past', cy: "Rhaid i {name} fod heddiw neu yn y gorffennol" },
  tooEarly: { en: '{name} must be today or in the future', cy: "Rhaid i {name} fod heddiw neu yn y dyfodol" },
  time: { en: 'Enter {name} as a time, like 14:30 or 2:30pm', cy: 'Rhowch {name} fel amser, fel 14:30 neu 2:30pm' },
  range: { en: 'The end of the period must be the same as or after the start', cy: "Rhaid i ddiwedd y cyfnod fod yr un fath â'r dechrau neu ar ei ôl" },
  approximateKind: { en: 'Select whether you know exactly when it happened', cy: "Dewiswch a ydych chi'n gwybod yn union pryd y digwyddodd" },
  email: { en: 'Enter an email address in the correct format, like name@example.com', cy: 'Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com' },
  phone: { en: 'Enter a UK telephone number, like 01632 960 001 or 07700 900 982', cy: 'Rhowch rif ffôn yn y DU, fel 01632 960 001 neu 07700 900 982' },
  postcode: { en: 'Enter a real UK postcode, like AB1 2CD', cy: 'Rhowch god post go iawn yn y DU, fel AB1 2CD' },
  addressLine1: { en: 'Enter the first line of the address', cy: 'Rhowch linell gyntaf y cyfeiriad' },
  addressTown: { en: 'Enter the town or city', cy: "Rhowch y dref neu'r ddinas" },
  locationKind: { en: 'Select whether you know the address', cy: "Dewiswch a ydych chi'n gwybod y cyfeiriad" },
  locationDescription: { en: 'Describe where it happened', cy: 'Disgrifiwch ble digwyddodd' },
  locationPoint: { en: 'The map position for {name} was not recognised; try "Use my current location" again or leave it out', cy: "Ni chafodd safle'r map ar gyfer {name} ei adnabod; rhowch gynnig ar \"Defnyddio fy lleoliad presennol\" eto neu ei adael allan" },
  vehicleRegistration: { en: 'Enter a vehicle registration in the correct format, like AB12 CDE', cy: 'Rhowch rif cofrestru cerbyd yn y fformat cywir, fel AB12 CDE' },
  file: { en: 'Select a file to upload', cy: "Dewiswch ffeil i'w llwytho" },
  tooManyFiles: { en: 'You can upload up to {max} files', cy: 'Gallwch lwytho hyd at {max} ffeil' },
  fileType: { en: 'The selected file must be {formats}', cy: "Rhaid i'r ffeil a ddewiswyd fod yn {formats}" },
  fileTooBig: { en: 'The selected file must be smaller than {size}', cy: "Rhaid i'r ffeil a ddewiswyd fod yn llai na {size}" },
  fileEmpty: { en: 'The selected file is empty', cy: "Mae'r ffeil a ddewiswyd yn wag" },
  unknownField: { en: 'This form does not have a field called "{field}"', cy: 'Nid oes gan y ffurflen hon faes o\'r enw "{field}"' },
  tooMany: { en: 'You can add up to {max}', cy: 'Gallwch ychwanegu hyd at {max}' },
  tooFew: { en: 'Add at least {min} {item}', cy: 'Ychwanegwch o leiaf {min} {item}' },
} satisfies Record<string, Text>;

export type MessageKey = keyof typeof DEFAULT_MESSAGES;

export function fillText(text: Text, params: Record<string, string | number>): Text {
  const fill = (value: string) => value.replace(/\{(\w+)\}/g, (whole, key: string) => (params[key] === undefined ? whole : String(params[key])));
  return { en: fill(text.en), cy: fill(text.cy) };
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const lowerFirst = (text: string) => (/^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text);
function nameOf(question: Question): Text {
  const text = question.shortLabel ?? question.label;
  return { en: lowerFirst(text.en.replace(/\?$/, '')), cy: lowerFirst(text.cy.replace(/\?$/, '')) };
}

/** A message about this question: the definition's `override`, else the type's own, with `{name}` and `params` filled. */
export function questionMessage(question: Question, key: MessageKey, override?: Text, params: Record<string, string | number> = {}): Text {
  const name = nameOf(question);
  // The name is lower-cased mid-sentence; a message that starts with it starts with a capital.
  const fill = (language: 'en' | 'cy') => upperFirst(fillText(override ?? DEFAULT_MESSAGES[key], { ...params, name: name[language] })[language]);
  return { en: fill('en'), cy: fill('cy') };
}

/** Thrown by a type's `parse`: what is wrong, and the input it is about (else the question's first). */
export class InvalidAnswer {
  constructor(
    readonly message: Text,
    readonly field?: string,
  ) {}
}
