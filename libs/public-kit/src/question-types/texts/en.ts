// The question components' own words in English (a question's texts come from its definition).
// Welsh is texts/cy.ts, with every key this has (the web's catalogue test checks them).
export const en = {
  error: 'Error',
  notProvided: 'Not provided',
  choice: {
    yes: 'Yes',
    no: 'No',
    or: 'or',
    selectOption: 'Select an option',
  },
  date: {
    day: 'Day',
    month: 'Month',
    year: 'Year',
    hint: 'For example, 27 3 2024',
    months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  },
  time: {
    hint: 'For example, 14:30',
  },
  when: {
    exact: 'I know exactly when',
    approximate: "I don't know exactly",
    exactDate: 'Date',
    exactTime: 'Time (optional)',
    from: 'Earliest date it could have been',
    to: 'Latest date it could have been',
    description: 'Anything else about when it happened (optional)',
    descriptionHint: 'For example, "after I left work on Friday"',
    between: 'Between {from} and {to}',
    at: '{date} at {time}',
  },
  address: {
    line1: 'Address line 1',
    line2: 'Address line 2 (optional)',
    town: 'Town or city',
    postcode: 'Postcode (optional)',
  },
  location: {
    knowAddress: 'I know the address',
    describePlace: 'Describe the place, for example a park or a stretch of road',
    useMyLocation: 'Use my current location',
    help: 'If you are there now, your device can tell us exactly where. We only use it for this report.',
    given: 'Map position given: {latitude}, {longitude}',
    placeDescription: 'Description of the place',
  },
  /**
   * The character count's messages (its JavaScript's, and the no-JavaScript limit sentence). These are
   * govuk-frontend's own English, so English pages leave them to it; Welsh pages pass cy.ts's.
   */
  characterCount: {
    textareaDescriptionText: 'You can enter up to %{count} characters',
    charactersUnderLimitText: {
      zero: 'You have %{count} characters remaining',
      one: 'You have %{count} character remaining',
      two: 'You have %{count} characters remaining',
      few: 'You have %{count} characters remaining',
      many: 'You have %{count} characters remaining',
      other: 'You have %{count} characters remaining',
    },
    charactersAtLimitText: 'You have 0 characters remaining',
    charactersOverLimitText: {
      zero: 'You have %{count} characters too many',
      one: 'You have %{count} character too many',
      two: 'You have %{count} characters too many',
      few: 'You have %{count} characters too many',
      many: 'You have %{count} characters too many',
      other: 'You have %{count} characters too many',
    },
  },
};

/** The shape every language's catalogue has. */
export type QuestionTexts = typeof en;
