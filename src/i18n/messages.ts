import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat';
import { DEFAULT_LEGAL_TIME_ZONE } from '../common/calendar.js';
import { en } from './en.js';
import { frBE } from './fr-BE.js';
import { Language } from './language.js';
import { type MessageKey, nlBE } from './nl-BE.js';

export type { MessageKey } from './nl-BE.js';

/** Every catalogue, by language (test/messages.spec.ts checks they have the same keys and arguments). */
export const CATALOGUES: Record<Language, Record<MessageKey, string>> = { [Language.NL_BE]: nlBE, [Language.FR_BE]: frBE, [Language.EN]: en };

export type MessageArgs = Record<string, PrimitiveType | Date>;

/** The locale whose conventions dates and numbers follow: English as written in Belgium (15 January, 22:30). */
const LOCALES: Record<Language, string> = { [Language.NL_BE]: 'nl-BE', [Language.FR_BE]: 'fr-BE', [Language.EN]: 'en-BE' };

const compiled = new Map<string, IntlMessageFormat>();

/**
 * The message `key` in `language`, with `args`. Dates and times are shown in `timeZone` (the legal time
 * zone: what the reader's calendar says). Compiled once per language, key and time zone.
 */
export function message(language: Language, key: MessageKey, args: MessageArgs = {}, timeZone = DEFAULT_LEGAL_TIME_ZONE): string {
  const cacheKey = `${language}\u0000${key}\u0000${timeZone}`;
  let format = compiled.get(cacheKey);
  if (!format) {
    format = new IntlMessageFormat(CATALOGUES[language][key], LOCALES[language], {
      date: { medium: { day: 'numeric', month: 'long', year: 'numeric', timeZone } },
      time: { short: { hour: '2-digit', minute: '2-digit', timeZone } },
    });
    compiled.set(cacheKey, format);
  }
  return String(format.format(args));
}

/** Whether `key` is in the catalogue (for keys made of parts, such as an action's phrase for a kind of record). */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(nlBE, key);
