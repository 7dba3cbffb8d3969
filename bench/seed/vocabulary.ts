/** What families, caseworkers and agencies write, in Dutch as in a Flemish network; and in what proportions. */
import { AgencyKind } from '../../src/agencies/agency-kind.js';
import { DataCategory } from '../../src/consents/data-category.js';
import { LifeDomain } from '../../src/goals/life-domain.js';
import type { Weights } from './sql.js';

export const REGIONS = [
  'Gent', 'Antwerpen', 'Brugge', 'Leuven', 'Mechelen', 'Hasselt', 'Kortrijk', 'Aalst', 'Sint-Niklaas', 'Genk',
  'Oostende', 'Roeselare', 'Turnhout', 'Brussel', 'Vilvoorde', 'Dendermonde', 'Beveren', 'Lokeren', 'Geel', 'Lier',
  'Ieper', 'Waregem', 'Herentals', 'Tienen', 'Tongeren', 'Ninove', 'Mol', 'Halle', 'Asse', 'Zottegem', 'Eeklo',
  'Deinze', 'Knokke-Heist', 'Wetteren', 'Maasmechelen', 'Lommel', 'Beringen', 'Sint-Truiden', 'Bilzen', 'Brasschaat',
  'Schoten', 'Mortsel', 'Kapellen', 'Zaventem', 'Diest', 'Aarschot', 'Izegem', 'Menen', 'Tielt', 'Diksmuide',
  'Anderlecht', 'Molenbeek', 'Schaerbeek', 'Oudenaarde', 'Torhout', 'Poperinge', 'Boom', 'Heist-op-den-Berg',
];
export const FEMALE_NAMES = [
  'Sara', 'An', 'Els', 'Katrien', 'Sofie', 'Nathalie', 'Fatima', 'Samira', 'Evi', 'Ines', 'Hanne', 'Nadia', 'Yasmina',
  'Ayse', 'Elif', 'Marie', 'Julie', 'Anouk', 'Charlotte', 'Leen', 'Veerle', 'Joke', 'Griet', 'Agnieszka', 'Ioana',
  'Amina', 'Khadija', 'Lotte', 'Tine', 'Nele',
];
export const MALE_NAMES = [
  'Jan', 'Tom', 'Pieter', 'Kevin', 'Bart', 'Koen', 'Wim', 'Mohamed', 'Youssef', 'Ahmed', 'Karim', 'Mehmet', 'Emre',
  'David', 'Thomas', 'Stijn', 'Jens', 'Dries', 'Jeroen', 'Nico', 'Pawel', 'Andrei', 'Omar', 'Bilal', 'Joris', 'Steven',
];
export const CHILD_NAMES = [
  'Lien', 'Mo', 'Noah', 'Emma', 'Louis', 'Olivia', 'Liam', 'Mila', 'Arthur', 'Nora', 'Jules', 'Lina', 'Adam', 'Louise',
  'Victor', 'Elena', 'Finn', 'Marie', 'Ilyas', 'Yara', 'Ayoub', 'Zeynep', 'Lars', 'Fien', 'Wout', 'Nina', 'Amir', 'Sam',
  'Lou', 'Rayan', 'Juna', 'Mats', 'Hiba', 'Kobe', 'Sien',
];
export const FAMILY_NAMES = [
  'Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet', 'Dubois',
  'Lambert', 'Dupont', 'Hermans', 'Aerts', 'Pauwels', 'Michiels', 'Van den Broeck', 'Vermeulen', 'De Backer',
  'Martens', 'Claeys', 'Desmet', 'Smets', 'El Amrani', 'Benali', 'Yilmaz', 'Kaya', 'Nowak', 'Popescu', 'Diallo',
  'Kabongo', 'Van Damme', 'De Vos', 'Segers', 'Lemmens', 'Verstraete', 'Coppens', 'Stevens', 'Hendrickx',
];
export const MAIL_DOMAINS = ['telenet.example', 'proximus.example', 'gmail.example', 'hotmail.example', 'outlook.example'];
/** Language tags as the API takes them, by share of the families. */
export const LANGUAGES: Weights = [['nl', 70], ['fr', 12], ['en', 4], ['ar', 5], ['tr', 3], ['pl', 2], ['ro', 2], ['so', 1], ['uk', 1]];

export const PLAN_SUMMARIES = [
  'We willen dat de kinderen graag naar school gaan en dat er thuis minder ruzie is.',
  'Sinds de scheiding lukt het niet goed om alles alleen te regelen. We willen terug wat rust.',
  'We zoeken een betere woning en hulp met de schulden, zodat we ons minder zorgen moeten maken.',
  'Mama wil terug aan het werk en zoekt daarvoor opvang voor de kleinste.',
  'We willen leren hoe we beter kunnen omgaan met de woedebuien van onze zoon.',
  'Na de geboorte van de tweeling is het thuis heel druk. We willen meer steun van familie en buren.',
  'We zijn pas in België en willen de weg vinden naar school, dokter en werk.',
  'Papa is ziek en we willen dat de kinderen daar goed mee leren omgaan.',
];
export const STRENGTHS = [
  'Een warme band tussen ouders en kinderen.',
  'Oma helpt elke woensdag met de kinderen.',
  'De ouders zijn heel gemotiveerd en komen hun afspraken na.',
  'Een sterk netwerk in de buurt en bij de voetbalclub.',
  'De oudste doet het goed op school en helpt thuis mee.',
];
export const CLOSE_REASONS = [
  'Doelen bereikt; het gezin heeft geen verdere ondersteuning nodig.',
  'Het gezin is verhuisd naar een andere regio.',
  'Het gezin wenst geen verdere begeleiding.',
  'Overgedragen aan gespecialiseerde jeugdhulp.',
];
/** The reason code of each of CLOSE_REASONS, in the same order (picked with the same draw). */
export const CLOSE_REASON_CODES = ['GOALS_ACHIEVED', 'MOVED_AWAY', 'FAMILY_ENDED_SUPPORT', 'TRANSFERRED_TO_OTHER_SERVICE'];

export const AGENCY_PREFIX: Record<AgencyKind, string> = {
  [AgencyKind.CHILD_AND_FAMILY]: 'Kind en Gezin',
  [AgencyKind.CHILD_WELFARE]: 'Jeugdhulp',
  [AgencyKind.SCHOOL_GUIDANCE]: 'CLB',
  [AgencyKind.PUBLIC_SOCIAL_SERVICE]: 'OCMW',
  [AgencyKind.GENERAL_WELFARE]: 'CAW',
  [AgencyKind.MENTAL_HEALTH]: 'CGG',
  [AgencyKind.CHILDCARE]: 'Kinderopvang',
  [AgencyKind.VOLUNTEER_ORGANISATION]: 'Home-Start',
  [AgencyKind.EDUCATION]: 'Basisschool',
  [AgencyKind.HEALTH]: 'Wijkgezondheidscentrum',
  // The network's own partnership (Huis van het Kind), where its coordinator works.
  [AgencyKind.OTHER]: 'Huis van het Kind',
};
/** Agencies beyond one of each kind, as they are spread over a Flemish region. */
export const AGENCY_KINDS: Weights<AgencyKind> = [
  [AgencyKind.CHILD_AND_FAMILY, 3], [AgencyKind.CHILD_WELFARE, 3], [AgencyKind.SCHOOL_GUIDANCE, 4],
  [AgencyKind.PUBLIC_SOCIAL_SERVICE, 2], [AgencyKind.GENERAL_WELFARE, 2], [AgencyKind.MENTAL_HEALTH, 3],
  [AgencyKind.CHILDCARE, 8], [AgencyKind.VOLUNTEER_ORGANISATION, 2], [AgencyKind.EDUCATION, 8], [AgencyKind.HEALTH, 4],
  [AgencyKind.OTHER, 1],
];
/** Who registers a family and usually becomes its trajectory supporter. */
export const REGISTRAR_KINDS: Weights<AgencyKind> = [
  [AgencyKind.CHILD_AND_FAMILY, 35], [AgencyKind.CHILD_WELFARE, 15], [AgencyKind.PUBLIC_SOCIAL_SERVICE, 15],
  [AgencyKind.GENERAL_WELFARE, 15], [AgencyKind.SCHOOL_GUIDANCE, 12], [AgencyKind.MENTAL_HEALTH, 8],
];
export const TEAM_KINDS: Weights<AgencyKind> = [
  [AgencyKind.SCHOOL_GUIDANCE, 20], [AgencyKind.CHILDCARE, 14], [AgencyKind.MENTAL_HEALTH, 12],
  [AgencyKind.GENERAL_WELFARE, 12], [AgencyKind.PUBLIC_SOCIAL_SERVICE, 12], [AgencyKind.HEALTH, 10],
  [AgencyKind.EDUCATION, 10], [AgencyKind.CHILD_WELFARE, 6], [AgencyKind.CHILD_AND_FAMILY, 4],
];
export const REFERRAL_KINDS: Weights<AgencyKind> = [
  [AgencyKind.MENTAL_HEALTH, 18], [AgencyKind.GENERAL_WELFARE, 14], [AgencyKind.CHILDCARE, 12],
  [AgencyKind.PUBLIC_SOCIAL_SERVICE, 10], [AgencyKind.SCHOOL_GUIDANCE, 10], [AgencyKind.VOLUNTEER_ORGANISATION, 10],
  [AgencyKind.CHILD_WELFARE, 10], [AgencyKind.HEALTH, 8], [AgencyKind.EDUCATION, 4], [AgencyKind.CHILD_AND_FAMILY, 4],
];
export const CONTRIBUTIONS: Record<AgencyKind, readonly string[]> = {
  [AgencyKind.CHILD_AND_FAMILY]: ['Opvolging van de ontwikkeling van de jongste', 'Opvoedingsondersteuning aan huis'],
  [AgencyKind.CHILD_WELFARE]: ['Contextbegeleiding', 'Intensieve gezinsbegeleiding'],
  [AgencyKind.SCHOOL_GUIDANCE]: ['Leerlingenbegeleiding en contact met de school'],
  [AgencyKind.PUBLIC_SOCIAL_SERVICE]: ['Budgetbegeleiding en financiële steun', 'Hulp bij huur en energie'],
  [AgencyKind.GENERAL_WELFARE]: ['Begeleiding bij huisvesting en schulden', 'Psychosociale begeleiding van de ouders'],
  [AgencyKind.MENTAL_HEALTH]: ['Therapeutische ondersteuning'],
  [AgencyKind.CHILDCARE]: ['Opvang van de jongste'],
  [AgencyKind.VOLUNTEER_ORGANISATION]: ['Wekelijks huisbezoek door een vrijwilliger'],
  [AgencyKind.EDUCATION]: ['Extra ondersteuning op school'],
  [AgencyKind.HEALTH]: ['Medische opvolging van het gezin'],
  [AgencyKind.OTHER]: ['Afstemming in het netwerk'],
};
export const REQUESTED_SERVICES: Record<AgencyKind, readonly string[]> = {
  [AgencyKind.MENTAL_HEALTH]: ['Psychologische begeleiding', 'Therapie voor de oudste'],
  [AgencyKind.CHILDCARE]: ['Plaats in de kinderopvang', 'Buitenschoolse opvang'],
  [AgencyKind.GENERAL_WELFARE]: ['Schuldhulpverlening', 'Begeleiding bij huisvesting'],
  [AgencyKind.PUBLIC_SOCIAL_SERVICE]: ['Budgetbeheer', 'Leefloon en huurpremie'],
  [AgencyKind.SCHOOL_GUIDANCE]: ['Onderzoek naar leerproblemen', 'Begeleiding bij schoolverzuim'],
  [AgencyKind.VOLUNTEER_ORGANISATION]: ['Gezinsondersteuning door een vrijwilliger'],
  [AgencyKind.CHILD_WELFARE]: ['Contextbegeleiding', 'Intensieve gezinsbegeleiding'],
  [AgencyKind.HEALTH]: ['Opvolging door een kinderarts', 'Logopedie'],
  [AgencyKind.EDUCATION]: ['Taalondersteuning op school'],
  [AgencyKind.CHILD_AND_FAMILY]: ['Prenatale opvolging en consultatiebureau'],
  [AgencyKind.OTHER]: ['Ondersteuning door het Huis van het Kind'],
};
export const REFERRAL_REASONS = [
  'Mama geeft aan dat ze het niet meer alleen redt.',
  'De school maakt zich zorgen over de afwezigheden.',
  'Er is nood aan gespecialiseerde hulp die wij niet kunnen bieden.',
  'Het gezin wil graag iemand die mee naar oplossingen zoekt.',
  'Sinds de verhuis is er veel onrust bij de kinderen.',
];
export const DECLINE_REASONS = [
  'Het gezin woont buiten ons werkgebied.',
  'De vraag valt niet binnen ons aanbod; advies: CAW.',
  'Geen capaciteit binnen een redelijke termijn.',
];
export const WITHDRAW_REASONS = [
  'Het gezin is verhuisd.',
  'Het gezin ziet de hulp niet meer zitten.',
  'Ondertussen elders hulp gevonden.',
  'De nood is weggevallen.',
];
export const WAITLIST_REASONS = ['Wachtlijst: verwachte start binnen zes weken.', 'Eerste vrije plaats na de zomer.'];
export const CANCEL_REASONS = ['Mama is ziek; een nieuwe datum volgt.', 'De begeleider is afwezig.'];
export const MISSED_NOTES = ['Het gezin was niet thuis.', 'Niemand kwam opdagen; het gezin wordt opnieuw gebeld.'];
export const HELD_NOTES = ['Fijne kennismaking; het gezin kent nu de nieuwe begeleider.', 'Overdracht samen met het gezin besproken.'];
export const OUTCOME_NOTES = ['Begeleiding gestart.', 'Het gezin is goed terechtgekomen.'];
export const MEETING_PLACES = ['Bij het gezin thuis', 'Huis van het Kind, spreekkamer 2', 'Lokaal van de ontvangende dienst'];
export const REVOCATION_REASONS = [
  'Het gezin wil niet langer dat deze dienst informatie ontvangt.',
  'De begeleiding door deze dienst is afgelopen.',
  'Mama trekt haar toestemming in na een conflict met de dienst.',
];
export const BREAK_GLASS_JUSTIFICATIONS = [
  'Acute zorg over de veiligheid van de kinderen na een melding van de school.',
  'De politie meldt een escalatie thuis; dringend zicht nodig op het veiligheidsplan.',
];

export const GOAL_DESCRIPTIONS: Record<LifeDomain, readonly string[]> = {
  [LifeDomain.PARENTING]: ['We willen rustiger reageren als de kinderen ruzie maken', 'Vaste routines voor het slapengaan', 'Samen leren grenzen stellen zonder te roepen'],
  [LifeDomain.HEALTH]: ['Mama gaat regelmatig naar de huisarts voor haar rugpijn', 'De kinderen krijgen hun vaccinaties op tijd', 'Papa vindt een psycholoog bij wie hij zich goed voelt'],
  [LifeDomain.EDUCATION]: ['Lien gaat elke dag naar school', 'Huiswerk maken lukt zonder ruzie', 'Een goede studiekeuze voor de oudste'],
  [LifeDomain.CHILDCARE]: ['Een plaats in de kinderopvang voor de jongste', 'Opvang na school op woensdagnamiddag'],
  [LifeDomain.HOUSING]: ['Een betaalbare woning met genoeg slaapkamers', 'Het vocht in de slaapkamer laten herstellen', 'Niet uit huis gezet worden'],
  [LifeDomain.INCOME]: ['Overzicht over de schulden en een afbetalingsplan', 'Het groeipakket en de studietoelage aanvragen', 'Elke maand genoeg geld voor eten'],
  [LifeDomain.WORK]: ['Mama vindt deeltijds werk', 'Papa volgt een opleiding Nederlands voor het werk'],
  [LifeDomain.LEISURE]: ['De kinderen gaan naar een sportclub', 'Samen één uitstap per maand'],
  [LifeDomain.SOCIAL_NETWORK]: ['Meer contact met andere ouders in de buurt', 'Iemand om op terug te vallen als het moeilijk gaat'],
  [LifeDomain.SAFETY]: ['Niemand in het gezin is bang thuis', 'Een veiligheidsplan voor als het thuis escaleert'],
  [LifeDomain.MOBILITY]: ['Met het openbaar vervoer naar school en werk', 'Mama haalt haar rijbewijs'],
  [LifeDomain.DIGITAL_INCLUSION]: ['Zelf de berichten van school lezen en beantwoorden', 'Online afspraken maken bij de dokter'],
};
export const ACTION_TITLES: Record<LifeDomain, readonly string[]> = {
  [LifeDomain.PARENTING]: ['Opvoedingsgesprek thuis plannen', 'Info over een oudercursus bezorgen'],
  [LifeDomain.HEALTH]: ['Afspraak maken bij de huisarts', 'Doorverwijzing naar het CGG bespreken'],
  [LifeDomain.EDUCATION]: ['Gesprek met de CLB-medewerker plannen', 'Contact opnemen met de klastitularis'],
  [LifeDomain.CHILDCARE]: ['Inschrijven op de wachtlijst van de kinderopvang', 'Inkomenstarief voor de opvang aanvragen'],
  [LifeDomain.HOUSING]: ['Inschrijven bij de sociale huisvestingsmaatschappij', 'Huurwaarborg aanvragen bij het OCMW'],
  [LifeDomain.INCOME]: ['Budgetoverzicht opmaken', 'Aanvraag groeipakket controleren'],
  [LifeDomain.WORK]: ['Afspraak bij VDAB maken', 'Samen een cv opstellen'],
  [LifeDomain.LEISURE]: ['Vrijetijdspas aanvragen', 'Sportclub in de buurt zoeken'],
  [LifeDomain.SOCIAL_NETWORK]: ['Kennismaken met een buddy', 'Ouderavond in het Huis van het Kind bezoeken'],
  [LifeDomain.SAFETY]: ['Veiligheidsplan opstellen', 'Contact opnemen met het vertrouwenscentrum'],
  [LifeDomain.MOBILITY]: ['Abonnement De Lijn aanvragen', 'Fiets lenen via de fietsbieb'],
  [LifeDomain.DIGITAL_INCLUSION]: ['Laptop aanvragen via een digitaal steunpunt', 'Samen itsme installeren'],
};
/** How often each life domain comes up in a family's plan. */
export const LIFE_DOMAINS: Weights<LifeDomain> = [
  [LifeDomain.PARENTING, 14], [LifeDomain.HEALTH, 9], [LifeDomain.EDUCATION, 12], [LifeDomain.CHILDCARE, 8],
  [LifeDomain.HOUSING, 10], [LifeDomain.INCOME, 10], [LifeDomain.WORK, 7], [LifeDomain.LEISURE, 6],
  [LifeDomain.SOCIAL_NETWORK, 7], [LifeDomain.SAFETY, 5], [LifeDomain.MOBILITY, 3], [LifeDomain.DIGITAL_INCLUSION, 3],
];
export const PROGRESS_NOTES = [
  'Goed gesprek gehad; het gezin zet zelf de volgende stap.',
  'Nog geen vooruitgang: de afspraak werd twee keer verzet.',
  'Mama geeft aan dat het beter gaat sinds de nieuwe routine.',
  'Samen met het gezin de aanpak bijgestuurd.',
];
export const NOTE_CATEGORIES: Weights<DataCategory> = [
  [DataCategory.NOTES, 35], [DataCategory.PLAN, 25], [DataCategory.HEALTH, 12], [DataCategory.SAFETY, 8],
  [DataCategory.CONTACT, 8], [DataCategory.IDENTITY, 4], [DataCategory.REFERRAL, 8],
];
export const NOTE_BODIES: Record<DataCategory, readonly string[]> = {
  [DataCategory.IDENTITY]: ['Verblijfsdocument van mama is in orde.', 'De naam van de baby is gekozen.'],
  [DataCategory.CONTACT]: ['Nieuw gsm-nummer van mama genoteerd.', 'Het gezin is bereikbaar na 16 uur.'],
  [DataCategory.PLAN]: ['Plan overlopen met het gezin; doelen herbekeken.', 'Teamoverleg: afspraken over wie wat opvolgt.'],
  [DataCategory.NOTES]: ['Huisbezoek: de sfeer was rustig, de kinderen speelden buiten.', 'Telefonisch contact met papa; hij bevestigt de afspraak.'],
  [DataCategory.HEALTH]: ['Mama wordt behandeld voor een depressie; medicatie gestart.', 'De jongste heeft astma; inhalator op school aanwezig.'],
  [DataCategory.SAFETY]: ['Melding van een escalatie thuis; veiligheidsafspraken herhaald.', 'Zorgen over de veiligheid besproken met het vertrouwenscentrum.'],
  [DataCategory.REFERRAL]: ['Doorverwijzing naar het CGG besproken; het gezin staat ervoor open.', 'Warme overdracht voorbereid met de nieuwe begeleider.'],
};
