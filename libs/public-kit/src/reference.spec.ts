import { checkCharacter, formatReference, newReference, parseReference, REFERENCE_ALPHABET } from './reference.js';

describe('references', () => {
  it('are 9 characters from an alphabet without look-alikes, and pass their own check', () => {
    for (let index = 0; index < 200; index++) {
      const reference = newReference();
      expect(reference).toMatch(new RegExp(`^[${REFERENCE_ALPHABET}]{9}$`));
      expect(parseReference(reference)).toEqual({ reference });
      expect(parseReference(formatReference(reference).toLowerCase())).toEqual({ reference });
    }
    expect(REFERENCE_ALPHABET).not.toMatch(/[01ILOU]/);
    expect(REFERENCE_ALPHABET).toHaveLength(30);
  });

  it('are not sequential: a thousand in a row are all different', () => {
    expect(new Set(Array.from({ length: 1000 }, newReference)).size).toBe(1000);
  });

  it('catch every single mistyped character and every swap of neighbours that differ', () => {
    const reference = newReference();
    for (let position = 0; position < reference.length; position++) {
      for (const character of REFERENCE_ALPHABET) {
        if (character === reference[position]) continue;
        const typo = reference.slice(0, position) + character + reference.slice(position + 1);
        expect(parseReference(typo)).toEqual({ problem: 'check' });
      }
    }
    const body = 'ABCDEFGH';
    const valid = body + checkCharacter(body);
    const swapped = valid[1] + valid[0] + valid.slice(2);
    expect(parseReference(swapped)).toEqual({ problem: 'check' });
  });

  it('say what is wrong with input that is not a reference', () => {
    expect(parseReference('  ')).toEqual({ problem: 'empty' });
    expect(parseReference('ABC-123')).toEqual({ problem: 'length' });
    expect(parseReference('ABCD-OI1L-0')).toEqual({ problem: 'characters' });
  });
});
