import { IdentityHasher, nameKey, parseNationalNumber } from '../src/families/national-number.js';

/**
 * National register numbers (docs/family-identity.md): the modulo-97 check for births before and from 2000,
 * BIS numbers, separators; and the keys compared by the lookup.
 */
describe('national register numbers', () => {
  it.each([
    ['85073003328', 'INSZ', 'born 1985: 97 − 850730033 mod 97'],
    ['85.07.30-033.28', 'INSZ', 'with the usual separators'],
    ['850730 033 28', 'INSZ', 'with spaces'],
    ['01031512380', 'INSZ', 'born 2001: the nine digits prefixed with 2'],
    ['17010100171', 'INSZ', 'born 2017'],
    ['85273004559', 'BIS', 'month + 20: sex unknown'],
    ['85473003317', 'BIS', 'month + 40: sex known'],
  ])('accepts %s (%s, %s)', (written, kind) => {
    expect(parseNationalNumber(written)).toEqual({ digits: written.replace(/\D/g, ''), kind });
  });

  it.each([
    ['85073003329', 'a wrong check digit'],
    ['01031512381', 'a wrong check digit from 2000'],
    ['8507300332', 'ten digits'],
    ['850730033280', 'twelve digits'],
    ['85O73003328', 'a letter'],
    ['85/07/30-033-28', 'other separators'],
    ['85133003370', 'month 13 (check digits right)'],
    ['85073203365', 'day 32 (check digits right)'],
    ['', 'nothing'],
  ])('refuses %s (%s)', (written) => {
    expect(parseNationalNumber(written)).toBeNull();
  });

  it('folds case, accents and spaces in the name key, and keeps the birth date', () => {
    expect(nameKey('  Sára ', 'De   Smet', '1986-05-04')).toBe(nameKey('sara', 'de smet', '1986-05-04'));
    expect(nameKey('Sara', 'De Smet', '1986-05-04')).not.toBe(nameKey('Sara', 'De Smet', '1986-05-05'));
    expect(nameKey('Sara', 'De Smet', '1986-05-04')).not.toBe(nameKey('Sara De', 'Smet', '1986-05-04'));
  });

  it('hashes under the key: another key, another hash; a number never as a name', () => {
    const number = parseNationalNumber('85073003328')!;
    const one = new IdentityHasher(new TextEncoder().encode('k'.repeat(32)));
    const other = new IdentityHasher(new TextEncoder().encode('x'.repeat(32)));
    expect(one.nationalNumber(number).equals(one.nationalNumber(parseNationalNumber('85.07.30-033.28')!))).toBe(true);
    expect(one.nationalNumber(number).equals(other.nationalNumber(number))).toBe(false);
    expect(one.nationalNumber(number).toString('hex')).not.toContain('85073003328');
  });
});
