import { QUESTION_TYPES } from '@front-counter/public-kit';
import { questionSchema } from './definition.schema.js';

describe('question types', () => {
  it('has a module for every type a definition may name, and none besides', () => {
    const defined = questionSchema.options.map((option) => option.shape.type.value).sort();
    expect(Object.keys(QUESTION_TYPES).sort()).toEqual(defined);
  });
});
