import { controlParams } from './components.js';
import { InvalidAnswer, questionMessage } from './messages.js';
import { many } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { FileQuestion } from './question.js';
import { isRecord } from './saved-answers.js';
import { QUESTION_TEXTS } from './texts/index.js';

const ACCEPT = { image: 'image/*', video: 'video/*', document: '.pdf,.doc,.docx,.txt' } as const;

/** Evidence files, uploaded one page at a time and stored by the evidence library. */
export const file = defineQuestionType<FileQuestion>({
  type: 'file',
  requiredMessage: 'file',
  // The api puts here the ids of the files stored for this question, never what a browser sent;
  // the journey then records the files themselves as the answer.
  parse(question, raw) {
    const ids = many(raw[question.id]);
    if (ids.length > question.maxFiles) throw new InvalidAnswer(questionMessage(question, 'tooManyFiles', undefined, { max: question.maxFiles }));
    return ids.length > 0 ? ids : undefined;
  },
  view: (question, context) => ({
    partial: 'govuk/file-upload',
    params: {
      ...controlParams(context),
      multiple: question.maxFiles > 1 || undefined,
      attributes: { accept: question.accept.map((kind) => ACCEPT[kind]).join(',') },
    },
  }),
  // A file is chosen afresh: the input never shows one already sent.
  values: () => ({}),
  summary(_question, answer, language) {
    const files = Array.isArray(answer) ? answer.filter((item): item is { name: string } => isRecord(item) && typeof item.name === 'string') : [];
    return files.length ? files.map((item) => item.name).join('\n') : QUESTION_TEXTS[language].notProvided;
  },
});
