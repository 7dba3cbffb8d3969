import { IntlMessageFormat } from 'intl-messageformat';
import { Language, languageOf } from '../src/i18n/language.js';
import { CATALOGUES, message, type MessageKey } from '../src/i18n/messages.js';
import { InboxItemKind, inboxText } from '../src/inbox/inbox-kind.js';
import { lookedUp } from '../src/portal/access-log-wording.js';

/** An ICU element as the parser gives it (intl-messageformat's AST): what a test compares across languages. */
interface Element {
  type: number;
  value?: unknown;
  options?: Record<string, { value: Element[] }>;
  children?: Element[];
}
/** The parser's element types that name an argument: argument, number, date, time, select, plural, tag. */
const ARGUMENT_TYPES: Record<number, string> = { 1: 'text', 2: 'number', 3: 'date', 4: 'time', 5: 'select', 6: 'plural', 8: 'tag' };

/** Every argument a message takes, with its kind and, for select and plural, its cases: "to:text", "status:select(DRAFT|…)". */
function argumentsOf(elements: Element[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    const kind = ARGUMENT_TYPES[element.type];
    if (kind) {
      const cases = element.options ? `(${Object.keys(element.options).sort().join('|')})` : '';
      into.add(`${String(element.value)}:${kind}${cases}`);
    }
    for (const option of Object.values(element.options ?? {})) argumentsOf(option.value, into);
    if (element.children) argumentsOf(element.children, into);
  }
  return into;
}

const languages = Object.values(Language);
const keys = Object.keys(CATALOGUES[Language.NL_BE]) as MessageKey[];

describe('the message catalogue', () => {
  it.each(languages)('%s has every key of the others, and no other', (language) => {
    for (const other of languages) expect(Object.keys(CATALOGUES[language]).sort()).toEqual(Object.keys(CATALOGUES[other]).sort());
  });

  it.each(languages)('every message in %s parses, with the same arguments (and cases) as in Dutch', (language) => {
    for (const key of keys) {
      const parse = (lang: Language) => argumentsOf(new IntlMessageFormat(CATALOGUES[lang][key], lang).getAst() as Element[]);
      let args: Set<string>;
      try {
        args = parse(language);
      } catch (error) {
        throw new Error(`${language} ${key} does not parse: ${String(error)}`, { cause: error });
      }
      expect({ key, args: [...args].sort() }).toEqual({ key, args: [...parse(Language.NL_BE)].sort() });
    }
  });

  it('no message is left empty or the same as in another language where it has words', () => {
    for (const key of keys) {
      for (const language of languages) expect({ key, language, empty: CATALOGUES[language][key].trim() === '' }).toEqual({ key, language, empty: false });
    }
    const untranslated = keys.filter((key) => /[a-z]{4}/.test(CATALOGUES[Language.NL_BE][key].replace(/\{[^{}]*\}/g, '')) && CATALOGUES[Language.FR_BE][key] === CATALOGUES[Language.NL_BE][key]);
    expect(untranslated).toEqual([]);
  });

  it('says plurals per language: one and many', () => {
    expect(message(Language.NL_BE, 'log.kind.note', { records: 1 })).toBe('een notitie');
    expect(message(Language.NL_BE, 'log.kind.note', { records: 3 })).toBe('3 notities');
    expect(message(Language.FR_BE, 'log.kind.goal', { records: 2 })).toBe('2 objectifs');
    expect(message(Language.EN, 'log.kind.goal', { records: 1 })).toBe('a goal');
    expect(message(Language.EN, 'log.kind.goal', { records: 4 })).toBe('4 goals');
  });

  it('shows times in the legal time zone, in the language’s own way', () => {
    // 21:30 UTC in winter is 22:30 in Brussels.
    const until = new Date('2026-01-15T21:30:00Z');
    expect(message(Language.NL_BE, 'inbox.breakGlassUsed', { until })).toContain('15 januari 2026 om 22:30');
    expect(message(Language.FR_BE, 'inbox.breakGlassUsed', { until })).toContain('15 janvier 2026 à 22:30');
    expect(message(Language.EN, 'inbox.breakGlassUsed', { until }, 'Europe/London')).toContain('15 January 2026 at 21:30');
  });
});

describe('texts made of parts', () => {
  it('shows a calendar day as that day in any legal time zone, and counts working days', () => {
    for (const zone of ['Europe/Brussels', 'America/New_York', 'Pacific/Auckland']) {
      expect(inboxText(InboxItemKind.ACTION_DUE, { on: '2026-12-31' }, Language.NL_BE, zone)).toBe('Een actie in het plan moet klaar zijn op 31 december 2026.');
    }
    expect(inboxText(InboxItemKind.CONSENT_EXPIRING, { on: '2027-01-05' }, Language.FR_BE, 'Europe/Brussels')).toBe('Un consentement de la famille prend fin le 5 janvier 2027.');
    expect(inboxText(InboxItemKind.REFERRAL_ESCALATED, { to: 'SENT', workingDays: 1 }, Language.NL_BE, 'Europe/Brussels')).toBe(
      'Een doorverwijzing naar deze organisatie staat nog altijd te lang op "verstuurd": 1 werkdag na de termijn.',
    );
    expect(inboxText(InboxItemKind.REFERRAL_ESCALATED, { to: 'SENT', workingDays: 3 }, Language.EN, 'Europe/Brussels')).toContain('"sent", 3 working days on');
  });

  it('names no employee who asked whether a family is known, and her agency if there is one', () => {
    expect(lookedUp(Language.FR_BE, null, 'REGISTRATION')).toEqual({
      actor: 'Un membre du personnel d’un service',
      description: 'Un membre du personnel d’un service a demandé si votre famille est connue, avant d’inscrire une famille.',
    });
    expect(lookedUp(Language.NL_BE, 'CAW Oost', 'SOMETHING_NEW').description).toBe('Een medewerker van CAW Oost vroeg of uw gezin gekend is, voor het werk.');
  });
});

describe('languageOf', () => {
  it.each([
    ['fr', Language.FR_BE],
    ['fr-BE', Language.FR_BE],
    ['FR-fr', Language.FR_BE],
    ['en-GB', Language.EN],
    ['nl', Language.NL_BE],
    ['de', Language.NL_BE],
    [null, Language.NL_BE],
    [undefined, Language.NL_BE],
  ])('speaks to a preferred language %s in %s', (tag, language) => {
    expect(languageOf(tag)).toBe(language);
  });
});
