// The journey wire: the api's plain JSON routes for the calls every reporter's journey makes (start
// it, read it, answer a page, send the report), typed here once for both ends. They answer exactly what
// the GraphQL operations of the same names answer, with the same envelope ({ data } or { errors }),
// the same force from the Host, the same rate limits and the same error codes; what they leave out is
// parsing, validating and executing a GraphQL document for each page.
import type { FieldError, RawValues } from './question-types/index.js';

/** Where the wire's calls go on the api: POST `${JOURNEY_WIRE_PATH}/${call}` with the variables as the JSON body. */
export const JOURNEY_WIRE_PATH = '/journey-wire';

/** A reporter's journey as the wire sends it: the GraphQL Journey type's fields, dates as ISO text. */
export interface WireJourney {
  serviceId: string;
  formVersionId: string;
  formVersion: number;
  language: string;
  current: string;
  path: string[];
  answers: unknown;
  reference: string | null;
  confirmationEmail: string | null;
  confirmationText: string | null;
  expiresAt: string;
  transferredTo: { en: string; cy: string | null } | null;
}

/** Each call's variables and the `data` it answers with. */
export interface JourneyWireCalls {
  startJourney: { variables: { serviceId: string; session: string; language: 'en' | 'cy' }; data: { startJourney: WireJourney } };
  journey: { variables: { serviceId: string; session: string }; data: { journey: WireJourney | null } };
  answerPage: {
    variables: { serviceId: string; session: string; pageId: string; values: RawValues; returnToCheck: boolean };
    data: { answerPage: { journey: WireJourney; errors: FieldError[]; nextPageId: string | null } };
  };
  submitReport: { variables: { serviceId: string; session: string; values: RawValues }; data: { submitReport: { reference: string | null; errors: FieldError[] } } };
}

export type JourneyWireCall = keyof JourneyWireCalls;
