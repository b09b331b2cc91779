import { serviceDefinitionSchema, type ServiceDefinition } from '@front-counter/forms';

const text = (en: string) => ({ en, cy: `${en} (cy)` });

/** A small valid service: emergency gate, a choice that branches, an optional page, a slot, check your answers and the declaration. */
export function serviceDefinition(overrides: Partial<Record<string, unknown>> = {}): ServiceDefinition {
  return serviceDefinitionSchema.parse({
    id: 'test-service',
    version: 1,
    title: text('Test service'),
    summary: text('A service for tests'),
    startPage: { body: [text('Start here')] },
    pages: [
      {
        id: 'emergency',
        type: 'question',
        questions: [{ id: 'emergency', type: 'yes-no', mandatory: true, label: text('Is anyone in danger?'), errors: { required: text('Select yes if anyone is in danger') } }],
        next: [{ when: { question: 'emergency', equals: 'yes' }, goto: 'call-999' }, { goto: 'kind' }],
      },
      { id: 'call-999', type: 'exit', exit: 'emergency', title: text('Call 999'), body: [text('Call 999 now')] },
      {
        id: 'kind',
        type: 'question',
        questions: [
          {
            id: 'kind',
            type: 'radios',
            label: text('What happened?'),
            options: [
              { value: 'theft', label: text('Theft') },
              { value: 'fraud', label: text('Fraud') },
              { value: 'damage', label: text('Damage'), flags: ['hate'] },
            ],
            errors: { required: text('Select what happened') },
          },
        ],
        next: [{ when: { question: 'kind', equals: 'fraud' }, goto: 'action-fraud' }, { when: { question: 'kind', equals: 'theft' }, goto: 'stolen' }, { goto: 'details' }],
      },
      { id: 'action-fraud', type: 'exit', exit: 'action-fraud', title: text('Report fraud to Action Fraud'), body: [text('Go to Action Fraud')], link: { url: 'https://www.actionfraud.police.uk/', text: text('Action Fraud') } },
      { id: 'stolen', type: 'repeat', title: text('What was stolen'), itemName: text('item'), max: 3, min: 1, questions: [{ id: 'itemDescription', type: 'text', label: text('Describe the item'), errors: { required: text('Describe the item') } }] },
      {
        id: 'details',
        type: 'question',
        slotAfter: 'after-details',
        questions: [{ id: 'details', type: 'textarea', maxLength: 100, label: text('What happened'), errors: { required: text('Enter what happened') } }],
      },
      { id: 'witnesses', type: 'question', optional: true, questions: [{ id: 'witnessNames', type: 'text', required: false, label: text('Witness names') }] },
      {
        id: 'contact',
        type: 'question',
        questions: [{ id: 'email', type: 'email', reporter: 'email', mandatory: true, label: text('Email address'), errors: { required: text('Enter your email address') } }],
      },
      { id: 'check', type: 'check-answers' },
      { id: 'declaration', type: 'declaration', title: text('Declaration'), body: [text('Be truthful')], confirm: text('I confirm'), errors: { required: text('Confirm') } },
    ],
    ...overrides,
  });
}
