import { questionSchema, type CompiledForm, type PageDefinition, type QuestionDefinition } from '@front-counter/forms';
import { createViewEngine } from '../rendering/handlebars.js';
import { pageView } from './journey-view.js';
import { partialRenderer, questionView, renderQuestion } from './question-view.js';

const engine = createViewEngine('apps/web/views');
const question = (definition: Record<string, unknown>): QuestionDefinition => questionSchema.parse(definition);

describe('a question page', () => {
  const questions = [
    question({ id: 'emergency', type: 'radios', label: { en: 'Is anyone in danger now?', cy: 'A oes unrhyw un mewn perygl nawr?' }, options: [{ value: 'yes', label: { en: 'Yes', cy: 'Oes' } }, { value: 'no', label: { en: 'No', cy: 'Nac oes' } }] }),
    question({ id: 'details', type: 'textarea', label: { en: 'What happened?', cy: 'Beth ddigwyddodd?' }, required: false }),
  ];
  const page = { id: 'first', type: 'question', title: { en: 'First', cy: 'Cyntaf' }, questions } as unknown as PageDefinition;
  const form = { pages: [page] } as unknown as CompiledForm;
  const view = (state: { values?: Record<string, string>; errors?: { field: string; questionId: string; message: { en: string; cy: string } }[]; language?: 'en' | 'cy' } = {}) =>
    pageView(engine, form, page, { answers: {}, path: ['first'], values: state.values, errors: state.errors ?? [], language: state.language ?? 'en', serviceUrl: '/report' }).questions as string[];
  const fresh = (language: 'en' | 'cy', values: Record<string, string> = {}) =>
    questions.map((each) => renderQuestion(engine, questionView(each, { language, values, errors: [], isPageHeading: false, render: partialRenderer(engine) })));

  it('shows each question as first seen (nothing entered, no error) as it renders afresh, in each language, however often it is shown', () => {
    for (const language of ['en', 'cy'] as const) {
      expect(view({ language })).toEqual(fresh(language));
      expect(view({ language })).toEqual(fresh(language));
    }
    expect(view({ language: 'cy' })[0]).toContain('Nac oes');
    expect(view()[0]).not.toContain('checked');
  });

  it('never shows one reporter\'s answer or error to the next: answered and refused pages are rendered for their reporter', () => {
    view();
    const answered = view({ values: { emergency: 'no', details: 'My bicycle was taken.' } });
    expect(answered).toEqual(fresh('en', { emergency: 'no', details: 'My bicycle was taken.' }));
    expect(answered[0]).toMatch(/value="no" checked/);
    expect(answered[1]).toContain('My bicycle was taken.');
    const refused = view({ errors: [{ field: 'emergency', questionId: 'emergency', message: { en: 'Select yes if anyone is in danger now', cy: 'Dewiswch' } }] });
    expect(refused[0]).toContain('Select yes if anyone is in danger now');
    const next = view();
    expect(next).toEqual(fresh('en'));
    expect(next.join('')).not.toMatch(/bicycle|Select yes|checked/);
  });
});
