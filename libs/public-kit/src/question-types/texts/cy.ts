import type { QuestionTexts } from './en.js';

// The question components' own words in Welsh: every key texts/en.ts has.
export const cy: QuestionTexts = {
  error: 'Gwall',
  notProvided: 'Heb ei ddarparu',
  choice: {
    yes: 'Ie',
    no: 'Na',
    or: 'neu',
    selectOption: 'Dewiswch opsiwn',
  },
  date: {
    day: 'Diwrnod',
    month: 'Mis',
    year: 'Blwyddyn',
    hint: 'Er enghraifft, 27 3 2024',
    months: ['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr'],
  },
  time: {
    hint: 'Er enghraifft, 14:30',
  },
  when: {
    exact: "Rwy'n gwybod yn union pryd",
    approximate: 'Dydw i ddim yn gwybod yn union',
    exactDate: 'Dyddiad',
    exactTime: 'Amser (dewisol)',
    from: 'Y dyddiad cynharaf y gallai fod wedi bod',
    to: 'Y dyddiad diweddaraf y gallai fod wedi bod',
    description: 'Unrhyw beth arall am yr adeg y digwyddodd (dewisol)',
    descriptionHint: 'Er enghraifft, "ar ôl i mi adael y gwaith ddydd Gwener"',
    between: 'Rhwng {from} a {to}',
    at: '{date} am {time}',
  },
  address: {
    line1: 'Llinell 1 y cyfeiriad',
    line2: 'Llinell 2 y cyfeiriad (dewisol)',
    town: 'Tref neu ddinas',
    postcode: 'Cod post (dewisol)',
  },
  location: {
    knowAddress: "Rwy'n gwybod y cyfeiriad",
    describePlace: 'Disgrifiwch y lle, er enghraifft parc neu ddarn o ffordd',
    useMyLocation: 'Defnyddio fy lleoliad presennol',
    help: "Os ydych chi yno nawr, gall eich dyfais ddweud wrthym yn union ble. Dim ond ar gyfer yr adroddiad hwn y byddwn ni'n ei ddefnyddio.",
    given: 'Safle ar y map wedi’i roi: {latitude}, {longitude}',
    placeDescription: "Disgrifiad o'r lle",
  },
  characterCount: {
    textareaDescriptionText: 'Gallwch roi hyd at %{count} o nodau',
    charactersUnderLimitText: {
      zero: 'Mae gennych %{count} nod ar ôl',
      one: 'Mae gennych %{count} nod ar ôl',
      two: 'Mae gennych %{count} nod ar ôl',
      few: 'Mae gennych %{count} nod ar ôl',
      many: 'Mae gennych %{count} nod ar ôl',
      other: 'Mae gennych %{count} o nodau ar ôl',
    },
    charactersAtLimitText: 'Mae gennych 0 nod ar ôl',
    charactersOverLimitText: {
      zero: 'Mae gennych %{count} nod yn ormod',
      one: 'Mae gennych %{count} nod yn ormod',
      two: 'Mae gennych %{count} nod yn ormod',
      few: 'Mae gennych %{count} nod yn ormod',
      many: 'Mae gennych %{count} nod yn ormod',
      other: 'Mae gennych %{count} o nodau yn ormod',
    },
  },
};
