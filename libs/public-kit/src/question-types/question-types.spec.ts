import { answerSummary, fieldNames, firstField, InvalidAnswer, parseAnswer, QUESTION_TYPES, questionTypeOf, questionView, valuesFromAnswer, type Question } from './index.js';

const base = { label: { en: 'When did you lose it?', cy: "Pryd gollsoch chi hi?" }, required: true, errors: {} };
const dateQuestion: Question = { ...base, id: 'lostOn', type: 'date', notInFuture: true, notInPast: false };
const textQuestion: Question = { ...base, id: 'name', type: 'text' };

describe('the question type registry', () => {
  it('files each module under the type it declares', () => {
    for (const [name, type] of Object.entries(QUESTION_TYPES)) expect(type.type).toBe(name);
  });

  it('refuses a type it does not have, rather than guessing', () => {
    expect(() => questionTypeOf({ ...textQuestion, type: 'colour' } as unknown as Question)).toThrow('Unknown question type "colour"');
    expect(() => questionTypeOf({ ...textQuestion, type: 'toString' } as unknown as Question)).toThrow('Unknown question type "toString"');
  });

  it("gives a single input's defaults unless the type says otherwise", () => {
    expect(fieldNames(textQuestion)).toEqual(['name']);
    expect(firstField(textQuestion)).toBe('name');
    expect(fieldNames(dateQuestion)).toEqual(['lostOn-day', 'lostOn-month', 'lostOn-year']);
    expect(firstField(dateQuestion)).toBe('lostOn-day');
  });

  it("goes to the question's own type for parsing, redisplay and summary", () => {
    expect(parseAnswer(dateQuestion, { 'lostOn-day': '3', 'lostOn-month': '2', 'lostOn-year': '2024' })).toBe('2024-02-03');
    expect(valuesFromAnswer(dateQuestion, '2024-02-03')).toEqual({ 'lostOn-day': '3', 'lostOn-month': '2', 'lostOn-year': '2024' });
    expect(answerSummary(dateQuestion, '2024-02-03', 'cy')).toBe('3 Chwefror 2024');
    expect(questionView(dateQuestion, { language: 'en', values: {}, errors: [], isPageHeading: false }).partial).toBe('govuk/date-input');
  });

  it('throws an InvalidAnswer naming the input at fault', () => {
    let thrown: unknown;
    try {
      parseAnswer(dateQuestion, { 'lostOn-day': '3', 'lostOn-month': '', 'lostOn-year': '2024' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidAnswer);
    expect(thrown).toMatchObject({ field: 'lostOn-month', message: { en: 'When did you lose it must include a day, month and year' } });
  });

  it('shows no answer as "Not provided", whatever the type', () => {
    for (const type of Object.keys(QUESTION_TYPES)) {
      expect(answerSummary({ ...textQuestion, type } as Question, undefined, 'en')).toBe('Not provided');
      expect(answerSummary({ ...textQuestion, type } as Question, [], 'cy')).toBe('Heb ei ddarparu');
    }
  });
});
