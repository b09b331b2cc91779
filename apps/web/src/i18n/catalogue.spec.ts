import { QUESTION_TEXTS } from '@front-counter/public-kit';
import { catalogueProblems, loadCatalogues, MESSAGE_CATALOGUES, translate } from './messages.js';

// The public pages are bilingual: wherever their texts are held, the Welsh has every key the English
// has, in the same shape, with the same placeholders. The staff pages' words (the staff and admin
// sections) are held in both languages too, though those pages show the English until they offer a
// choice of language.
describe('Welsh has every text English has', () => {
  it('in the message catalogues (i18n/en.json and cy.json)', () => {
    expect(catalogueProblems(MESSAGE_CATALOGUES.en, MESSAGE_CATALOGUES.cy)).toEqual([]);
  });

  it.each(['staff', 'admin'])("in the catalogues' %s section (the staff, administration and national pages)", (section) => {
    expect(Object.keys(MESSAGE_CATALOGUES.cy[section] ?? {}).length).toBeGreaterThan(0);
    expect(catalogueProblems(MESSAGE_CATALOGUES.en[section], MESSAGE_CATALOGUES.cy[section], section)).toEqual([]);
  });

  it("in the question types' catalogues (libs/public-kit/src/question-types/texts)", () => {
    expect(Object.keys(QUESTION_TEXTS.en).length).toBeGreaterThan(0);
    expect(catalogueProblems(QUESTION_TEXTS.en, QUESTION_TEXTS.cy)).toEqual([]);
  });

  it('a Welsh page shows the Welsh text, never the English', () => {
    expect(translate('cy', 'skipLink')).toBe(MESSAGE_CATALOGUES.cy.skipLink);
    expect(translate('cy', 'skipLink')).not.toBe(translate('en', 'skipLink'));
  });

  it('a key missing in Welsh fails loudly: no falling back to English', () => {
    expect(() => translate('cy', 'no.such.message')).toThrow('Missing message "no.such.message" (cy)');
    expect(() => translate('en', 'no.such.message')).toThrow('Missing message "no.such.message"');
  });
});

describe('catalogueProblems', () => {
  const english = { title: 'Report to {force}', body: ['One', 'Two'], footer: { privacy: 'Privacy' } };

  it('finds nothing wrong with a full translation', () => {
    expect(catalogueProblems(english, { title: 'Adrodd i {force}', body: ['Un', 'Dau'], footer: { privacy: 'Preifatrwydd' } })).toEqual([]);
  });

  it('names every key the translation lacks or holds wrongly', () => {
    expect(catalogueProblems(english, { title: 'Adrodd', body: ['Un'], footer: { extra: 'Ychwanegol' }, more: 'Mwy' })).toEqual([
      'title: placeholders {} where English has {force}',
      'body: 1 items where English has 2',
      'footer.privacy: missing',
      'footer.extra: not in English',
      'more: not in English',
    ]);
    expect(catalogueProblems(english, { title: { text: 'Adrodd i {force}' }, body: ['Un', ' '], footer: { privacy: 'Preifatrwydd' } })).toEqual([
      'title: a section where English has a text',
      'body[1]: empty',
    ]);
  });

  it('does not take a key from the prototype for a translation', () => {
    expect(catalogueProblems({ toString: 'Text' }, {})).toEqual(['toString: missing']);
  });

  it('stops the site at start-up when the Welsh lacks a key', () => {
    expect(() => loadCatalogues({ en: { skipLink: 'Skip to main content', home: { title: 'Home' } }, cy: { skipLink: "Neidio i'r prif gynnwys", home: {} } })).toThrow(
      /do not match the English.*home\.title: missing/,
    );
  });
});
