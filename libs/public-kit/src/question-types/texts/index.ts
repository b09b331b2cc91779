import type { Language } from '../question.js';
import { cy } from './cy.js';
import { en, type QuestionTexts } from './en.js';

/** The question components' own words, one catalogue per language. */
export const QUESTION_TEXTS: Readonly<Record<Language, QuestionTexts>> = { en, cy };

/** The character count's messages in Welsh (English pages use govuk-frontend's own), for any Welsh textarea with a limit. */
export const WELSH_CHARACTER_COUNT = cy.characterCount;

export type { QuestionTexts };
