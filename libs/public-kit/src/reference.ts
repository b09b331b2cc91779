import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L or U/V look-alikes (V stays, U goes), and an even size, which Luhn mod N needs to catch every single error. */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const BODY_LENGTH = 8;

/** Luhn mod N over the alphabet: catches every single wrong character and most swapped neighbours. */
export function checkCharacter(body: string): string {
  const base = REFERENCE_ALPHABET.length;
  let sum = 0;
  let factor = 2;
  for (let index = body.length - 1; index >= 0; index--) {
    let addend = factor * REFERENCE_ALPHABET.indexOf(body[index]);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / base) + (addend % base);
    sum += addend;
  }
  return REFERENCE_ALPHABET[(base - (sum % base)) % base];
}

/** A new reference: 8 random characters (30^8, about 6.6 × 10^11, so not guessable in sequence) and a check character. */
export function newReference(): string {
  let body = '';
  for (let index = 0; index < BODY_LENGTH; index++) body += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return body + checkCharacter(body);
}

/** `7KQ2MX9P4` → `7KQ-2MX-9P4`, as shown to people. */
export function formatReference(reference: string): string {
  return reference.match(/.{1,3}/g)!.join('-');
}

export type ReferenceProblem = 'empty' | 'length' | 'characters' | 'check';

export const REFERENCE_MESSAGES: Record<ReferenceProblem, { en: string; cy: string }> = {
  empty: { en: 'Enter your reference number', cy: 'Rhowch eich cyfeirnod' },
  length: { en: 'Your reference number must be 9 letters and numbers, like 7KQ-2MX-9P4', cy: "Rhaid i'ch cyfeirnod fod yn 9 llythyren a rhif, fel 7KQ-2MX-9P4" },
  characters: { en: 'Your reference number can only include the letters and numbers on your confirmation, like 7KQ-2MX-9P4', cy: "Dim ond y llythrennau a'r rhifau ar eich cadarnhad all fod yn eich cyfeirnod, fel 7KQ-2MX-9P4" },
  check: { en: 'Check your reference number: one of its characters is wrong', cy: "Gwiriwch eich cyfeirnod: mae un o'i nodau'n anghywir" },
};

/** Reads a reference as typed (any case, spaces or hyphens); says exactly what is wrong with a bad one. */
export function parseReference(input: string): { reference: string } | { problem: ReferenceProblem } {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '');
  if (!cleaned) return { problem: 'empty' };
  if (cleaned.length !== BODY_LENGTH + 1) return { problem: 'length' };
  if ([...cleaned].some((character) => !REFERENCE_ALPHABET.includes(character))) return { problem: 'characters' };
  if (checkCharacter(cleaned.slice(0, BODY_LENGTH)) !== cleaned[BODY_LENGTH]) return { problem: 'check' };
  return { reference: cleaned };
}
