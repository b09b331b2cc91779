// The shapes the question types read, by shape alone: the form engine's definitions (libs/forms,
// checked there against these) fit them, so the kit needs nothing of the engine.

export type Language = 'en' | 'cy';
export interface Text {
  en: string;
  cy: string;
}

/** The messages a definition may put in place of a type's own. */
export interface QuestionErrors {
  required?: Text;
  invalid?: Text;
  tooLong?: Text;
  tooSmall?: Text;
  tooLarge?: Text;
  tooEarly?: Text;
  tooLate?: Text;
}

interface QuestionBase {
  id: string;
  label: Text;
  hint?: Text;
  shortLabel?: Text;
  required: boolean;
  errors: QuestionErrors;
}

export interface ChoiceOption {
  value: string;
  label: Text;
  hint?: Text;
  divider?: Text;
  exclusive?: boolean;
}

export type TextQuestion = QuestionBase & { type: 'text'; maxLength?: number; width?: string; autocomplete?: string };
export type TextareaQuestion = QuestionBase & { type: 'textarea'; maxLength?: number; rows?: number };
export type NumberQuestion = QuestionBase & { type: 'number'; min?: number; max?: number; integer: boolean; unit?: Text };
export type RadiosQuestion = QuestionBase & { type: 'radios'; options: ChoiceOption[]; inline?: boolean };
export type CheckboxesQuestion = QuestionBase & { type: 'checkboxes'; options: ChoiceOption[] };
export type SelectQuestion = QuestionBase & { type: 'select'; options: ChoiceOption[] };
export type YesNoQuestion = QuestionBase & { type: 'yes-no'; inline: boolean };
export type DateQuestion = QuestionBase & { type: 'date'; notInFuture: boolean; notInPast: boolean };
export type TimeQuestion = QuestionBase & { type: 'time' };
export type ApproximateDatetimeQuestion = QuestionBase & { type: 'approximate-datetime' };
export type EmailQuestion = QuestionBase & { type: 'email' };
export type PhoneQuestion = QuestionBase & { type: 'phone' };
export type PostcodeQuestion = QuestionBase & { type: 'postcode' };
export type AddressQuestion = QuestionBase & { type: 'address' };
export type LocationQuestion = QuestionBase & { type: 'location' };
export type VehicleRegistrationQuestion = QuestionBase & { type: 'vehicle-registration' };
export type FileQuestion = QuestionBase & { type: 'file'; accept: ('image' | 'video' | 'document')[]; maxFiles: number };

/** Any question a form may ask. */
export type Question =
  | TextQuestion
  | TextareaQuestion
  | NumberQuestion
  | RadiosQuestion
  | CheckboxesQuestion
  | SelectQuestion
  | YesNoQuestion
  | DateQuestion
  | TimeQuestion
  | ApproximateDatetimeQuestion
  | EmailQuestion
  | PhoneQuestion
  | PostcodeQuestion
  | AddressQuestion
  | LocationQuestion
  | VehicleRegistrationQuestion
  | FileQuestion;

/** What a form posts: field name to value (several values for checkboxes). */
export type RawValues = Record<string, string | string[] | undefined>;

/** An answer as a question type normalises it (a file question's ids become the files themselves later). */
export type ParsedAnswer = string | number | string[] | { [part: string]: string | number | undefined };

export interface FieldError {
  /** The input the error summary links to (`#field`). */
  field: string;
  questionId: string;
  message: Text;
}
