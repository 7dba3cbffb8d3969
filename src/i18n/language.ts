import { registerEnumType } from '@nestjs/graphql';

/** The languages the service speaks to its readers in (docs/inbox.md, "Languages"). */
export enum Language {
  NL_BE = 'nl-BE',
  FR_BE = 'fr-BE',
  EN = 'en',
}
registerEnumType(Language, { name: 'Language', description: 'nl-BE (Dutch, the default), fr-BE (French) or en (English).' });

export const DEFAULT_LANGUAGE = Language.NL_BE;

/**
 * The language to speak to someone whose preferred language is the tag `tag` (a family member's
 * `preferredLanguage` is any language tag: "fr", "fr-FR", "en-GB"): ours of the same language, else Dutch.
 */
export function languageOf(tag: string | null | undefined): Language {
  const primary = tag?.toLowerCase().split('-')[0];
  if (primary === 'fr') return Language.FR_BE;
  if (primary === 'en') return Language.EN;
  return DEFAULT_LANGUAGE;
}
