/**
 * `node dist/src/cli/seed.js --families N [--seed S] [--as-of YYYY-MM-DD] [--append]`: fills the configured
 * database (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR) with realistic, internally consistent
 * data at any scale, for benchmarks and demos: networks, agencies of every kind, staff, families with their
 * one plan, team, goals, actions, notes and plan history, consents (refused, expired, renewed, revoked),
 * referrals in every status with their transitions, meetings and outbox events, and audit entries.
 *
 * Every row is generated inside PostgreSQL (`INSERT … SELECT` over `generate_series`), by batches of
 * families: one transaction writes a batch's families with all but their consents, another session then
 * writes their consents (whose grants the triggers derive) while the first goes on with the next batch. Ids
 * and choices are hashes of (seed, kind, row number) and times count back from a fixed anchor (`asOf`), so
 * the same seed on an empty database always yields the same rows.
 *
 * OFFLINE ONLY: each transaction disables the per-row audit triggers of the tables it writes, inside itself
 * (one audit entry per seeded row would take longer than the seeding), and a few audit entries per family are
 * written through the hash chain instead. The tables stay locked meanwhile, and the triggers are enabled
 * again before it commits; a transaction that fails rolls back, triggers included. Do not run it beside live
 * traffic.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { DataSource, QueryRunner } from 'typeorm';
import { AgencyKind } from '../agencies/agency-kind.js';
import { chainPendingAuditEntries } from '../audit/audit-chain.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { DataCategory } from '../consents/data-category.js';
import { withConfiguredDatabase } from '../database/configured-database.js';
import { EmbeddedDatabaseError } from '../database/embedded-postgres.js';
import { LifeDomain } from '../goals/life-domain.js';
import { GRANT_IN_FORCE } from '../policy/subjects.js';
import { ReferralStatus, TERMINAL_STATUSES } from '../referrals/referral-status.js';
import { REFERRAL_STEPS, type ReferralStepName } from '../referrals/referral-steps.js';
import { belgianPublicHolidays } from '../referrals/working-days.js';

export interface SeedOptions {
  families: number;
  /** Same seed, same rows (on a database that held the same rows before). */
  seed: number;
  /** The moment the data describes: every generated time lies before it. Default 2026-11-01T00:00Z. */
  asOf?: Date;
  /** Add new networks beside existing data instead of refusing a database that already holds families. */
  append?: boolean;
  /** Referral deadlines skip these days besides weekends and Belgian public holidays (EXTRA_HOLIDAYS). */
  extraHolidays?: readonly string[];
  /** Families per transaction. */
  batchSize?: number;
  /** Called after each committed batch. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What a run wrote, and principals that can exercise the service on it (`npm run token -- <subject>`).
 * Access samples are checked against the clock at the end of the run (consents in force, overdue deadlines).
 */
export interface SeedSummary {
  seed: number;
  asOf: Date;
  families: number;
  networkIds: string[];
  elapsedSeconds: number;
  /** Rows written per table by this run (consent_grant rows are derived by its triggers). */
  counts: Record<string, number>;
  /**
   * Caseworkers with a single membership (no X-Acting-Agency needed), assigned to families whose members
   * consented to their agency for plan data: each can list `families` and read `plan(id)` of the families
   * named, whose open plans have goals of plan data with actions.
   */
  caseworkers: CaseworkerSample[];
  /** Caseworkers of receiving agencies with overdue incoming referrals: `referrals(direction: INCOMING, overdue: true)`. */
  incoming: IncomingSample[];
  /** Family members logged in to the portal: `accessLog(familyId)`, `myFamily`. */
  portalMembers: PortalSample[];
}

export interface CaseworkerSample {
  subject: string;
  userId: string;
  agencyId: string;
  familyIds: string[];
  planIds: string[];
}

export interface IncomingSample {
  subject: string;
  agencyId: string;
  /** How many incoming referrals of the agency are overdue; the ids of (at most) five of them. */
  overdue: number;
  overdueReferralIds: string[];
}

export interface PortalSample {
  subject: string;
  memberId: string;
  familyId: string;
}

/** The database already holds families and no append was asked for. */
export class SeedRefusedError extends Error {}

export const DEFAULT_AS_OF = new Date('2026-11-01T00:00:00.000Z');
const DEFAULT_BATCH_SIZE = 5000;
/** Reference ratios (DOMAIN.md, "Reference scale"): per family plan, agencies and users of a network. */
const FAMILIES_PER_NETWORK = 2000;
const FAMILIES_PER_AGENCY = 50;
const FAMILIES_PER_USER = 4;

// ---------------------------------------------------------------------------------------------------------
// Vocabulary: what families, caseworkers and agencies write, in Dutch as in a Flemish network.

const REGIONS = [
  'Gent', 'Antwerpen', 'Brugge', 'Leuven', 'Mechelen', 'Hasselt', 'Kortrijk', 'Aalst', 'Sint-Niklaas', 'Genk',
  'Oostende', 'Roeselare', 'Turnhout', 'Brussel', 'Vilvoorde', 'Dendermonde', 'Beveren', 'Lokeren', 'Geel', 'Lier',
  'Ieper', 'Waregem', 'Herentals', 'Tienen', 'Tongeren', 'Ninove', 'Mol', 'Halle', 'Asse', 'Zottegem', 'Eeklo',
  'Deinze', 'Knokke-Heist', 'Wetteren', 'Maasmechelen', 'Lommel', 'Beringen', 'Sint-Truiden', 'Bilzen', 'Brasschaat',
  'Schoten', 'Mortsel', 'Kapellen', 'Zaventem', 'Diest', 'Aarschot', 'Izegem', 'Menen', 'Tielt', 'Diksmuide',
  'Anderlecht', 'Molenbeek', 'Schaerbeek', 'Oudenaarde', 'Torhout', 'Poperinge', 'Boom', 'Heist-op-den-Berg',
];
const FEMALE_NAMES = [
  'Sara', 'An', 'Els', 'Katrien', 'Sofie', 'Nathalie', 'Fatima', 'Samira', 'Evi', 'Ines', 'Hanne', 'Nadia', 'Yasmina',
  'Ayse', 'Elif', 'Marie', 'Julie', 'Anouk', 'Charlotte', 'Leen', 'Veerle', 'Joke', 'Griet', 'Agnieszka', 'Ioana',
  'Amina', 'Khadija', 'Lotte', 'Tine', 'Nele',
];
const MALE_NAMES = [
  'Jan', 'Tom', 'Pieter', 'Kevin', 'Bart', 'Koen', 'Wim', 'Mohamed', 'Youssef', 'Ahmed', 'Karim', 'Mehmet', 'Emre',
  'David', 'Thomas', 'Stijn', 'Jens', 'Dries', 'Jeroen', 'Nico', 'Pawel', 'Andrei', 'Omar', 'Bilal', 'Joris', 'Steven',
];
const CHILD_NAMES = [
  'Lien', 'Mo', 'Noah', 'Emma', 'Louis', 'Olivia', 'Liam', 'Mila', 'Arthur', 'Nora', 'Jules', 'Lina', 'Adam', 'Louise',
  'Victor', 'Elena', 'Finn', 'Marie', 'Ilyas', 'Yara', 'Ayoub', 'Zeynep', 'Lars', 'Fien', 'Wout', 'Nina', 'Amir', 'Sam',
  'Lou', 'Rayan', 'Juna', 'Mats', 'Hiba', 'Kobe', 'Sien',
];
const FAMILY_NAMES = [
  'Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet', 'Dubois',
  'Lambert', 'Dupont', 'Hermans', 'Aerts', 'Pauwels', 'Michiels', 'Van den Broeck', 'Vermeulen', 'De Backer',
  'Martens', 'Claeys', 'Desmet', 'Smets', 'El Amrani', 'Benali', 'Yilmaz', 'Kaya', 'Nowak', 'Popescu', 'Diallo',
  'Kabongo', 'Van Damme', 'De Vos', 'Segers', 'Lemmens', 'Verstraete', 'Coppens', 'Stevens', 'Hendrickx',
];
const MAIL_DOMAINS = ['telenet.example', 'proximus.example', 'gmail.example', 'hotmail.example', 'outlook.example'];
/** Language tags as the API takes them, by share of the families. */
const LANGUAGES: Weights = [['nl', 70], ['fr', 12], ['en', 4], ['ar', 5], ['tr', 3], ['pl', 2], ['ro', 2], ['so', 1], ['uk', 1]];

const PLAN_SUMMARIES = [
  'We willen dat de kinderen graag naar school gaan en dat er thuis minder ruzie is.',
  'Sinds de scheiding lukt het niet goed om alles alleen te regelen. We willen terug wat rust.',
  'We zoeken een betere woning en hulp met de schulden, zodat we ons minder zorgen moeten maken.',
  'Mama wil terug aan het werk en zoekt daarvoor opvang voor de kleinste.',
  'We willen leren hoe we beter kunnen omgaan met de woedebuien van onze zoon.',
  'Na de geboorte van de tweeling is het thuis heel druk. We willen meer steun van familie en buren.',
  'We zijn pas in België en willen de weg vinden naar school, dokter en werk.',
  'Papa is ziek en we willen dat de kinderen daar goed mee leren omgaan.',
];
const STRENGTHS = [
  'Een warme band tussen ouders en kinderen.',
  'Oma helpt elke woensdag met de kinderen.',
  'De ouders zijn heel gemotiveerd en komen hun afspraken na.',
  'Een sterk netwerk in de buurt en bij de voetbalclub.',
  'De oudste doet het goed op school en helpt thuis mee.',
];
const CLOSE_REASONS = [
  'Doelen bereikt; het gezin heeft geen verdere ondersteuning nodig.',
  'Het gezin is verhuisd naar een andere regio.',
  'Het gezin wenst geen verdere begeleiding.',
  'Overgedragen aan gespecialiseerde jeugdhulp.',
];
/** The reason code of each of CLOSE_REASONS, in the same order (picked with the same draw). */
const CLOSE_REASON_CODES = ['GOALS_ACHIEVED', 'MOVED_AWAY', 'FAMILY_ENDED_SUPPORT', 'TRANSFERRED_TO_OTHER_SERVICE'];

const AGENCY_PREFIX: Record<AgencyKind, string> = {
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
const AGENCY_KINDS: Weights<AgencyKind> = [
  [AgencyKind.CHILD_AND_FAMILY, 3], [AgencyKind.CHILD_WELFARE, 3], [AgencyKind.SCHOOL_GUIDANCE, 4],
  [AgencyKind.PUBLIC_SOCIAL_SERVICE, 2], [AgencyKind.GENERAL_WELFARE, 2], [AgencyKind.MENTAL_HEALTH, 3],
  [AgencyKind.CHILDCARE, 8], [AgencyKind.VOLUNTEER_ORGANISATION, 2], [AgencyKind.EDUCATION, 8], [AgencyKind.HEALTH, 4],
  [AgencyKind.OTHER, 1],
];
/** Who registers a family and usually becomes its trajectory supporter. */
const REGISTRAR_KINDS: Weights<AgencyKind> = [
  [AgencyKind.CHILD_AND_FAMILY, 35], [AgencyKind.CHILD_WELFARE, 15], [AgencyKind.PUBLIC_SOCIAL_SERVICE, 15],
  [AgencyKind.GENERAL_WELFARE, 15], [AgencyKind.SCHOOL_GUIDANCE, 12], [AgencyKind.MENTAL_HEALTH, 8],
];
const TEAM_KINDS: Weights<AgencyKind> = [
  [AgencyKind.SCHOOL_GUIDANCE, 20], [AgencyKind.CHILDCARE, 14], [AgencyKind.MENTAL_HEALTH, 12],
  [AgencyKind.GENERAL_WELFARE, 12], [AgencyKind.PUBLIC_SOCIAL_SERVICE, 12], [AgencyKind.HEALTH, 10],
  [AgencyKind.EDUCATION, 10], [AgencyKind.CHILD_WELFARE, 6], [AgencyKind.CHILD_AND_FAMILY, 4],
];
const REFERRAL_KINDS: Weights<AgencyKind> = [
  [AgencyKind.MENTAL_HEALTH, 18], [AgencyKind.GENERAL_WELFARE, 14], [AgencyKind.CHILDCARE, 12],
  [AgencyKind.PUBLIC_SOCIAL_SERVICE, 10], [AgencyKind.SCHOOL_GUIDANCE, 10], [AgencyKind.VOLUNTEER_ORGANISATION, 10],
  [AgencyKind.CHILD_WELFARE, 10], [AgencyKind.HEALTH, 8], [AgencyKind.EDUCATION, 4], [AgencyKind.CHILD_AND_FAMILY, 4],
];
const CONTRIBUTIONS: Record<AgencyKind, readonly string[]> = {
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
const REQUESTED_SERVICES: Record<AgencyKind, readonly string[]> = {
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
const REFERRAL_REASONS = [
  'Mama geeft aan dat ze het niet meer alleen redt.',
  'De school maakt zich zorgen over de afwezigheden.',
  'Er is nood aan gespecialiseerde hulp die wij niet kunnen bieden.',
  'Het gezin wil graag iemand die mee naar oplossingen zoekt.',
  'Sinds de verhuis is er veel onrust bij de kinderen.',
];
const DECLINE_REASONS = [
  'Het gezin woont buiten ons werkgebied.',
  'De vraag valt niet binnen ons aanbod; advies: CAW.',
  'Geen capaciteit binnen een redelijke termijn.',
];
const WITHDRAW_REASONS = [
  'Het gezin is verhuisd.',
  'Het gezin ziet de hulp niet meer zitten.',
  'Ondertussen elders hulp gevonden.',
  'De nood is weggevallen.',
];
const WAITLIST_REASONS = ['Wachtlijst: verwachte start binnen zes weken.', 'Eerste vrije plaats na de zomer.'];
const CANCEL_REASONS = ['Mama is ziek; een nieuwe datum volgt.', 'De begeleider is afwezig.'];
const MISSED_NOTES = ['Het gezin was niet thuis.', 'Niemand kwam opdagen; het gezin wordt opnieuw gebeld.'];
const HELD_NOTES = ['Fijne kennismaking; het gezin kent nu de nieuwe begeleider.', 'Overdracht samen met het gezin besproken.'];
const OUTCOME_NOTES = ['Begeleiding gestart.', 'Het gezin is goed terechtgekomen.'];
const MEETING_PLACES = ['Bij het gezin thuis', 'Huis van het Kind, spreekkamer 2', 'Lokaal van de ontvangende dienst'];
const REVOCATION_REASONS = [
  'Het gezin wil niet langer dat deze dienst informatie ontvangt.',
  'De begeleiding door deze dienst is afgelopen.',
  'Mama trekt haar toestemming in na een conflict met de dienst.',
];
const BREAK_GLASS_JUSTIFICATIONS = [
  'Acute zorg over de veiligheid van de kinderen na een melding van de school.',
  'De politie meldt een escalatie thuis; dringend zicht nodig op het veiligheidsplan.',
];

const GOAL_DESCRIPTIONS: Record<LifeDomain, readonly string[]> = {
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
const ACTION_TITLES: Record<LifeDomain, readonly string[]> = {
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
const LIFE_DOMAINS: Weights<LifeDomain> = [
  [LifeDomain.PARENTING, 14], [LifeDomain.HEALTH, 9], [LifeDomain.EDUCATION, 12], [LifeDomain.CHILDCARE, 8],
  [LifeDomain.HOUSING, 10], [LifeDomain.INCOME, 10], [LifeDomain.WORK, 7], [LifeDomain.LEISURE, 6],
  [LifeDomain.SOCIAL_NETWORK, 7], [LifeDomain.SAFETY, 5], [LifeDomain.MOBILITY, 3], [LifeDomain.DIGITAL_INCLUSION, 3],
];
const PROGRESS_NOTES = [
  'Goed gesprek gehad; het gezin zet zelf de volgende stap.',
  'Nog geen vooruitgang: de afspraak werd twee keer verzet.',
  'Mama geeft aan dat het beter gaat sinds de nieuwe routine.',
  'Samen met het gezin de aanpak bijgestuurd.',
];
const NOTE_CATEGORIES: Weights<DataCategory> = [
  [DataCategory.NOTES, 35], [DataCategory.PLAN, 25], [DataCategory.HEALTH, 12], [DataCategory.SAFETY, 8],
  [DataCategory.CONTACT, 8], [DataCategory.IDENTITY, 4], [DataCategory.REFERRAL, 8],
];
const NOTE_BODIES: Record<DataCategory, readonly string[]> = {
  [DataCategory.IDENTITY]: ['Verblijfsdocument van mama is in orde.', 'De naam van de baby is gekozen.'],
  [DataCategory.CONTACT]: ['Nieuw gsm-nummer van mama genoteerd.', 'Het gezin is bereikbaar na 16 uur.'],
  [DataCategory.PLAN]: ['Plan overlopen met het gezin; doelen herbekeken.', 'Teamoverleg: afspraken over wie wat opvolgt.'],
  [DataCategory.NOTES]: ['Huisbezoek: de sfeer was rustig, de kinderen speelden buiten.', 'Telefonisch contact met papa; hij bevestigt de afspraak.'],
  [DataCategory.HEALTH]: ['Mama wordt behandeld voor een depressie; medicatie gestart.', 'De jongste heeft astma; inhalator op school aanwezig.'],
  [DataCategory.SAFETY]: ['Melding van een escalatie thuis; veiligheidsafspraken herhaald.', 'Zorgen over de veiligheid besproken met het vertrouwenscentrum.'],
  [DataCategory.REFERRAL]: ['Doorverwijzing naar het CGG besproken; het gezin staat ervoor open.', 'Warme overdracht voorbereid met de nieuwe begeleider.'],
};

// ---------------------------------------------------------------------------------------------------------
// Referral histories: whole paths through the state machine, replayed through REFERRAL_STEPS when this
// module loads, so that a path the service would refuse cannot be seeded.

interface ReferralPath {
  steps: ReferralStepName[];
  /** Relative frequency. */
  weight: number;
}

const REFERRAL_PATHS: ReferralPath[] = [
  { steps: [], weight: 6 },
  { steps: ['send'], weight: 6 },
  { steps: ['send', 'receive'], weight: 7 },
  { steps: ['send', 'receive', 'waitlist'], weight: 5 },
  { steps: ['send', 'receive', 'accept'], weight: 5 },
  { steps: ['send', 'receive', 'waitlist', 'accept'], weight: 1.5 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'recordHandoverMissed'], weight: 1.5 },
  { steps: ['send', 'receive', 'decline'], weight: 6 },
  { steps: ['send', 'receive', 'waitlist', 'decline'], weight: 2 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover'], weight: 5 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'rescheduleHandover'], weight: 1.5 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'recordHandoverMissed', 'scheduleHandover'], weight: 0.5 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'recordHandoverHeld'], weight: 6 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'recordHandoverHeld', 'complete'], weight: 24 },
  { steps: ['send', 'receive', 'waitlist', 'accept', 'scheduleHandover', 'recordHandoverHeld', 'complete'], weight: 4 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'rescheduleHandover', 'recordHandoverHeld', 'complete'], weight: 3 },
  {
    steps: ['send', 'receive', 'accept', 'scheduleHandover', 'cancelHandover', 'scheduleHandover', 'recordHandoverHeld', 'complete'],
    weight: 1,
  },
  // Completed without a meeting: the family declined it (before or after one was planned).
  { steps: ['send', 'receive', 'accept', 'complete'], weight: 2 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'complete'], weight: 1 },
  { steps: ['withdraw'], weight: 2 },
  { steps: ['send', 'withdraw'], weight: 2 },
  { steps: ['send', 'receive', 'withdraw'], weight: 3 },
  { steps: ['send', 'receive', 'waitlist', 'withdraw'], weight: 2 },
  { steps: ['send', 'receive', 'accept', 'withdraw'], weight: 2 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'withdraw'], weight: 1 },
];

interface ReplayedStep {
  name: ReferralStepName | 'create';
  from: ReferralStatus | null;
  to: ReferralStatus;
  /** Who takes the step: the referring side, the receiving agency, or either (REFERRAL_STEPS.by). */
  side: 'REFERRER' | 'RECEIVER' | 'EITHER';
}

function replay(path: ReferralPath): ReplayedStep[] {
  const replayed: ReplayedStep[] = [{ name: 'create', from: null, to: ReferralStatus.DRAFT, side: 'REFERRER' }];
  for (const name of path.steps) {
    const step = REFERRAL_STEPS[name];
    const from = replayed.at(-1)!.to;
    if (!(step.from as readonly ReferralStatus[]).includes(from)) throw new Error(`Seed referral path ${path.steps.join(' → ')}: ${name} from ${from}`);
    const by = step.by as readonly string[];
    const side = by.includes('refer') ? (by.length > 1 ? 'EITHER' : 'REFERRER') : 'RECEIVER';
    replayed.push({ name, from, to: step.to, side });
  }
  return replayed;
}

const REPLAYED_PATHS = REFERRAL_PATHS.map((path) => ({ ...path, replayed: replay(path) }));

// ---------------------------------------------------------------------------------------------------------
// SQL building blocks. Everything interpolated is a number, a date or a constant of this file.

type Weights<T extends string | number = string> = readonly (readonly [T, number])[];

const literal = (value: string | number): string => (typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`);
const textArray = (values: readonly string[]) => `ARRAY[${values.map(literal).join(',')}]::text[]`;
const timestamp = (date: Date) => `timestamptz '${date.toISOString()}'`;

/**
 * The id of a row of a family, created at `at`: time-ordered within the family, with the family's span of
 * years compressed to hours after its registration. A batch of families registered in a few weeks so
 * writes to a narrow range of every index (instead of all over each index, page by page).
 */
const familyRowId = (kind: string, key: string, at: string, registered = 'registered_at') =>
  `pg_temp.uid(${literal(kind)}, ${key}, ${registered} + ((${at}) - ${registered}) / 1000)`;

/** A pseudo-random number in [0, 1) for (seed, salt, n): the same every run. */
const rnd = (salt: string, n: string) => `pg_temp.r(${literal(salt)}, ${n})`;

/** One of `values`, chosen by the random number `r` in [0, 1). */
const pick = (values: readonly string[], r: string) => `(${textArray(values)})[1 + floor(${r} * ${values.length})::int]`;

/** A value chosen by `r` in proportion to its weight. */
function weighted<T extends string | number>(r: string, weights: Weights<T>): string {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let cumulative = 0;
  const branches = weights.slice(0, -1).map(([value, w]) => {
    cumulative += w;
    return `WHEN ${r} < ${cumulative / total} THEN ${literal(value)}`;
  });
  return `(CASE ${branches.join(' ')} ELSE ${literal(weights.at(-1)![0])} END)`;
}

/** One of the texts listed for the value of `key` (an enum column), chosen by `r`. */
const pickBy = (key: string, lists: Record<string, readonly string[]>, r: string) =>
  `(CASE ${key} ${Object.entries(lists).map(([value, texts]) => `WHEN ${literal(value)} THEN ${pick(texts, r)}`).join(' ')} END)`;

/** A moment at `fraction` of the way from `start` to two hours before `end`. */
const within = (start: string, end: string, fraction: string) => `(${start} + ((${end}) - (${start}) - interval '2 hours') * (${fraction}))`;

/** Whether a member decides for itself at `at`: a recorded assessment, else from the 12th birthday (as member_is_capable). */
const capableAt = (m: string, at: string) =>
  `coalesce(${m}.assessed, ${m}.role <> 'UNBORN' AND ${m}.birth_date <= ((${at}) AT TIME ZONE 'UTC')::date - interval '12 years')`;

/** The session's generator functions, with the seed built in. */
function generatorFunctions(seed: number): string[] {
  return [
    `CREATE FUNCTION pg_temp.r(salt text, n bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
       SELECT (hashint8extended(n, ${seed}::bigint * 1000003 + hashtext(salt)) & 4503599627370495)::float8 / 4503599627370496 $$`,
    // A UUIDv7 as the service makes them (time-ordered, version 7, RFC variant), with the hash bits of
    // (seed, kind, n) where the service has random ones. STABLE, not IMMUTABLE: so that it is inlined.
    `CREATE FUNCTION pg_temp.uid(kind text, n bigint, at timestamptz) RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS $$
       SELECT (lpad(to_hex(floor(date_part('epoch', at) * 1000)::bigint), 12, '0')
         || to_hex(28672 | (hashint8extended(n, ${seed}::bigint * 1000003 + hashtext(kind)) & 4095))
         || to_hex((hashint8extended(n, ${seed}::bigint * 1000033 + hashtext(kind)) & 4611686018427387903) | -9223372036854775808))::uuid $$`,
  ];
}

/** `(CASE key WHEN k1 THEN v1 … END)` for a fixed mapping. */
const mapBy = (key: string, values: Record<string, string>) =>
  `(CASE ${key} ${Object.entries(values).map(([k, v]) => `WHEN ${literal(k)} THEN ${literal(v)}`).join(' ')} END)`;

/** The caseworker of the family's team at index `i` (1-based) if assigned by `at`, else the registrar, and its agency. */
const teamCaseworker = (i: string, at: string) => ({
  user: `(CASE WHEN cr.caseworker_assigned[${i}] <= ${at} THEN cr.caseworkers[${i}] ELSE cr.caseworkers[1] END)`,
  agency: `(CASE WHEN cr.caseworker_assigned[${i}] <= ${at} THEN cr.caseworker_agencies[${i}] ELSE cr.caseworker_agencies[1] END)`,
});
/** A 1-based index into the crew array `array` (of the family's team), drawn by `r`. */
const crewIndex = (r: string, array: string) => `1 + floor(${r} * cardinality(cr.${array}))::int`;

/** A statement, and the table whose rows it inserts (counted in the summary). */
interface Statement {
  sql: string;
  counts?: string | string[];
}

/** How many of everything one run creates, and where its numbering continues (after earlier runs). */
interface RunPlan {
  seed: number;
  asOf: Date;
  families: number;
  networks: number;
  agenciesPerNetwork: number;
  usersPerNetwork: number;
  networkBase: number;
  familyBase: number;
  userBase: number;
  /** Days that are not working days besides weekends, for referral deadlines ('YYYY-MM-DD'). */
  holidays: string[];
}

/**
 * ReferralDeadlines: not received within 2 working days of sending, not decided within 5 of receipt, no
 * meeting within 10 of acceptance (running on through scheduling); URGENT in hours.
 */
const REFERRAL_DEADLINES = [
  { status: ReferralStatus.SENT, startedAt: 'sent_at', workingDays: 2, urgentHours: 4 },
  { status: ReferralStatus.RECEIVED, startedAt: 'received_at', workingDays: 5, urgentHours: 24 },
  { status: ReferralStatus.ACCEPTED, startedAt: 'accepted_at', workingDays: 10, urgentHours: 72 },
  { status: ReferralStatus.HANDOVER_SCHEDULED, startedAt: 'accepted_at', workingDays: 10, urgentHours: 72 },
] as const;

const KIND_COUNT = Object.keys(AgencyKind).length;
/** One agency of each kind in every network comes first, the network's own partnership (OTHER) at 0. */
const KINDS_IN_ORDER = [AgencyKind.OTHER, ...Object.values(AgencyKind).filter((k) => k !== AgencyKind.OTHER)];
const ROLE_WORDS = { NETWORK_COORDINATOR: 'coordinator', AGENCY_ADMIN: 'admin', VOLUNTEER: 'volunteer', CASEWORKER: 'caseworker' };

/** Networks, agencies, users and memberships; and the session tables the family batches draw from. */
function organisation(p: RunPlan): Statement[] {
  const networkStart = `(${timestamp(p.asOf)} - interval '6 years')`;
  const R = REGIONS.length;
  const A = p.agenciesPerNetwork;
  const U = p.usersPerNetwork;
  const s = (value: string) => literal(value);
  return [
    {
      sql: `CREATE TEMP TABLE seed_network AS
        SELECT w AS no, key, created_at, region, pg_temp.uid('network', key, created_at) AS id,
               'Huis van het Kind ' || region || CASE WHEN key >= ${R} THEN ' ' || (key / ${R} + 1) ELSE '' END AS name
          FROM (SELECT w, ${p.networkBase} + w AS key, ${networkStart} + w * interval '1 hour' AS created_at,
                       (${textArray(REGIONS)})[1 + (${p.networkBase} + w) % ${R}] AS region
                  FROM generate_series(0, ${p.networks - 1}) w) n`,
    },
    { sql: `INSERT INTO network (id, name, created_at) SELECT id, name, created_at FROM seed_network ORDER BY no`, counts: 'network' },
    {
      sql: `CREATE TEMP TABLE seed_agency AS
        SELECT a.*, pg_temp.uid('agency', key, created_at) AS id,
               ${mapBy('kind', AGENCY_PREFIX)} || ' ' || region || CASE WHEN kind_rank > 0 THEN ' ' || (kind_rank + 1) ELSE '' END AS name
          FROM (SELECT k.*, (row_number() OVER (PARTITION BY network_no, kind ORDER BY j) - 1)::int AS kind_rank
                  FROM (SELECT n.no AS network_no, n.id AS network_id, n.region, j, d.key,
                               n.created_at + interval '1 day' + j * interval '10 minutes' AS created_at,
                               CASE WHEN j < ${KIND_COUNT} THEN (${textArray(KINDS_IN_ORDER)})[j + 1] ELSE ${weighted('d.r_kind', AGENCY_KINDS)} END AS kind
                          FROM seed_network n CROSS JOIN generate_series(0, ${A - 1}) j
                          CROSS JOIN LATERAL (SELECT n.key * 1000 + j AS key, ${rnd('agency-kind', 'n.key * 1000 + j')} AS r_kind) d) k) a`,
    },
    { sql: `CREATE TEMP TABLE seed_kind_agencies AS SELECT network_no, kind, array_agg(id ORDER BY j) AS agencies FROM seed_agency GROUP BY network_no, kind` },
    {
      sql: `INSERT INTO agency (id, network_id, name, kind, created_at)
        SELECT id, network_id, name, kind, created_at FROM seed_agency ORDER BY network_no, j`,
      counts: 'agency',
    },
    // The k-th person of each agency: its admin first, then caseworkers (a volunteer organisation: one
    // caseworker who coordinates, then volunteers); the last of each network is its coordinator.
    {
      sql: `CREATE TEMP TABLE seed_user AS
        SELECT v.*, pg_temp.uid('user', key, created_at) AS id,
               ${mapBy('role', ROLE_WORDS)} || '-' || ordinal || '@seed${p.seed}.1g1p.example' AS subject,
               CASE WHEN r_female < 0.6 THEN ${pick(FEMALE_NAMES, 'r_given')} ELSE ${pick(MALE_NAMES, 'r_given')} END
                 || ' ' || ${pick(FAMILY_NAMES, 'r_family')} AS display_name,
               role = 'AGENCY_ADMIN' AND r_also < 0.3 AS also_caseworker,
               CASE WHEN role = 'CASEWORKER' AND k >= 1 AND r_second < 0.04
                    THEN (SELECT id FROM seed_agency sa WHERE sa.network_no = v.network_no AND sa.j = (v.j + 1 + floor(r_second_j * ${A - 1})::int) % ${A})
               END AS second_agency_id
          FROM (SELECT u.*, a.id AS agency_id,
                       CASE WHEN k = -1 THEN 'NETWORK_COORDINATOR' WHEN k = 0 THEN 'AGENCY_ADMIN'
                            WHEN a.kind = ${s(AgencyKind.VOLUNTEER_ORGANISATION)} AND k >= 2 THEN 'VOLUNTEER' ELSE 'CASEWORKER' END AS role
                  FROM (SELECT n.no AS network_no, n.key * 100000 + u AS key, ${p.userBase} + n.no * ${U + 1} + u AS ordinal,
                               n.created_at + interval '2 days' + u * interval '1 minute' AS created_at,
                               CASE WHEN u = ${U} THEN 0 ELSE u % ${A} END AS j, CASE WHEN u = ${U} THEN -1 ELSE u / ${A} END AS k, d.*
                          FROM seed_network n CROSS JOIN generate_series(0, ${U}) u
                          CROSS JOIN LATERAL (SELECT ${rnd('user-female', 'n.key * 100000 + u')} AS r_female, ${rnd('user-given', 'n.key * 100000 + u')} AS r_given,
                                                     ${rnd('user-family', 'n.key * 100000 + u')} AS r_family, ${rnd('user-also', 'n.key * 100000 + u')} AS r_also,
                                                     ${rnd('user-second', 'n.key * 100000 + u')} AS r_second, ${rnd('user-second-j', 'n.key * 100000 + u')} AS r_second_j) d) u
                  JOIN seed_agency a ON a.network_no = u.network_no AND a.j = u.j) v`,
    },
    { sql: `CREATE INDEX ON seed_user (id)` },
    {
      sql: `INSERT INTO app_user (id, subject, display_name, created_at)
        SELECT id, subject, display_name, created_at FROM seed_user ORDER BY key`,
      counts: 'app_user',
    },
    {
      sql: `CREATE TEMP TABLE seed_membership AS
        SELECT pg_temp.uid('membership', user_key * 4 + slot, created_at) AS id, m.* FROM (
          SELECT id AS user_id, key AS user_key, created_at, agency_id, role, 0 AS slot FROM seed_user
          UNION ALL SELECT id, key, created_at, agency_id, 'CASEWORKER', 1 FROM seed_user WHERE also_caseworker
          UNION ALL SELECT id, key, created_at + interval '1 day', second_agency_id, 'CASEWORKER', 2 FROM seed_user WHERE second_agency_id IS NOT NULL) m`,
    },
    {
      sql: `INSERT INTO membership (id, user_id, agency_id, role, created_at)
        SELECT id, user_id, agency_id, role, created_at FROM seed_membership ORDER BY user_key, slot`,
      counts: 'membership',
    },
    {
      sql: `CREATE TEMP TABLE seed_agency_staff AS
        SELECT agency_id, role, array_agg(user_id ORDER BY user_key, slot) AS users FROM seed_membership WHERE role <> 'NETWORK_COORDINATOR' GROUP BY agency_id, role`,
    },
    ...referralPaths(),
    ...deadlines(p),
    { sql: `ANALYZE seed_deadline, seed_network, seed_agency, seed_kind_agencies, seed_user, seed_agency_staff, seed_path, seed_path_step` },
  ];
}

/**
 * As WorkingCalendar.addWorkingDays, for every day the data spans: the end (local midnight) of the n-th
 * working day after a day in Brussels, for the deadlines of REFERRAL_DEADLINES.
 */
function deadlines(p: RunPlan): Statement[] {
  const first = `((${timestamp(p.asOf)} - interval '7 years') AT TIME ZONE 'Europe/Brussels')::date`;
  const last = `((${timestamp(p.asOf)} + interval '1 year') AT TIME ZONE 'Europe/Brussels')::date`;
  const counts = [...new Set(REFERRAL_DEADLINES.map((d) => d.workingDays))];
  return [
    {
      sql: `CREATE TEMP TABLE seed_working_day AS
        SELECT d::date AS day, row_number() OVER (ORDER BY d)::int AS n
          FROM generate_series(${first}::timestamp, (${last} + 60)::timestamp, interval '1 day') d
         WHERE extract(isodow FROM d) < 6 AND d::date <> ALL (${textArray(p.holidays)}::date[])`,
    },
    { sql: `CREATE INDEX ON seed_working_day (day)` },
    {
      sql: `CREATE TEMP TABLE seed_deadline AS
        SELECT c.day, k.days, (w.day + 1)::timestamp AT TIME ZONE 'Europe/Brussels' AS due
          FROM generate_series(${first}::timestamp, ${last}::timestamp, interval '1 day') c(day)
          CROSS JOIN (VALUES ${counts.map((n) => `(${n})`).join(', ')}) k(days)
          CROSS JOIN LATERAL (SELECT min(n) AS n FROM seed_working_day w WHERE w.day > c.day::date) next
          JOIN seed_working_day w ON w.n = next.n + k.days - 1`,
    },
    { sql: `CREATE INDEX ON seed_deadline (day, days)` },
  ];
}

/** The referral paths as tables: which path a random number picks (terminal ones alone for closed plans), and its steps. */
function referralPaths(): Statement[] {
  const total = REPLAYED_PATHS.reduce((sum, p) => sum + p.weight, 0);
  const terminal = (p: (typeof REPLAYED_PATHS)[number]) => TERMINAL_STATUSES.includes(p.replayed.at(-1)!.to);
  const terminalTotal = REPLAYED_PATHS.filter(terminal).reduce((sum, p) => sum + p.weight, 0);
  let lo = 0;
  let terminalLo = 0;
  const rows = REPLAYED_PATHS.map((path, i) => {
    const hi = lo + path.weight / total;
    const terminalHi = terminal(path) ? terminalLo + path.weight / terminalTotal : terminalLo;
    // The last range ends at 1 exactly, whatever the rounding.
    const row = `(${i}, ${literal(path.replayed.at(-1)!.to)}, ${terminal(path)}, ${lo}, ${i === REPLAYED_PATHS.length - 1 ? 1 : hi},
      ${terminal(path) ? terminalLo : 0}, ${terminal(path) ? (terminalHi > 1 - 1e-9 ? 1 : terminalHi) : 0},
      ${path.replayed.some((s) => s.name === 'complete' && s.from !== ReferralStatus.HANDOVER_HELD)})`;
    lo = hi;
    terminalLo = terminalHi;
    return row;
  });
  const steps = REPLAYED_PATHS.flatMap((path, i) =>
    path.replayed.map((s, k) => `(${i}, ${k}, ${literal(s.name)}, ${s.from ? literal(s.from) : 'NULL'}::text, ${literal(s.to)}, ${literal(s.side)})`),
  );
  return [
    {
      sql: `CREATE TEMP TABLE seed_path AS SELECT * FROM (VALUES ${rows.join(',')})
        t(path, final_status, terminal, lo, hi, lo_terminal, hi_terminal, family_declined_meeting)`,
    },
    { sql: `CREATE TEMP TABLE seed_path_step AS SELECT * FROM (VALUES ${steps.join(',')}) t(path, k, name, from_status, to_status, side)` },
  ];
}

/**
 * Families `from` … `to - 1` of the run, in two parts: the families with everything that hangs off them
 * but their consents; then the consents (with the grants their triggers derive, the costliest part) and
 * the audit entries, which a second session writes while the first goes on with the next batch. Both
 * parts stage the rows they need the same way: staging is deterministic.
 */
function familyBatch(p: RunPlan, from: number, to: number): { families: Statement[]; consents: Statement[] } {
  const asOf = timestamp(p.asOf);
  const ms = (expression: string) => `date_trunc('milliseconds', ${expression})`;
  const hours = (n: string) => `(${n}) * interval '1 hour'`;
  const days = (n: string) => `(${n}) * interval '1 day'`;
  /** The random draws of a row, named r_<salt>: pure functions of (seed, entity, salt, key), the same wherever used. */
  const draws = (entity: string, key: string, salts: string[]) =>
    `CROSS JOIN LATERAL (SELECT ${salts.map((salt) => `${rnd(`${entity}:${salt}`, key)} AS r_${salt.replace(/-/g, '_')}`).join(', ')}) d`;
  const consentStaging = [...familyAndTeam(), ...members(), ...consents(), ...referrals(), ...breakGlass()];
  return {
    families: [...consentStaging, ...referralSteps(), ...goalsActionsNotes(), ...history(), ...familyInserts()],
    consents: [...consentStaging, ...audit(), ...consentInserts()],
  };

  function familyAndTeam(): Statement[] {
    return [
      // A family: its make-up, its plan (drafts are recent, closed plans old), the size of its team, and how
      // many goals, notes and referrals it has. Families are numbered in order of registration (over three
      // years, most of them recent), so that a batch covers a few weeks of registrations.
      {
        sql: `CREATE TEMP TABLE s_family ON COMMIT DROP AS
          SELECT y.*, coalesce(closed_at, ${asOf}) AS end_at, pg_temp.uid('family', f, registered_at) AS id,
                 n_parents + caregiver::int + n_children + unborn::int AS size,
                 ${familyRowId('plan', 'f', 'plan_created_at')} AS plan_id,
                 CASE WHEN plan_status <> 'DRAFT' THEN ${ms(within('first_supporter_at', `coalesce(closed_at, ${asOf})`, '0.02 + 0.1 * r_activate'))} END AS activated_at,
                 CASE WHEN coalesce(closed_at, ${asOf}) - plan_created_at < interval '100 days' THEN 0
                      ELSE ${weighted('r_referrals', [[0, 18], [1, 27], [2, 30], [3, 17], [4, 8]])} END AS n_referrals
            FROM (SELECT x.*, ${ms(`registered_at + ${hours('1 / 6.0 + r_open * 47')}`)} AS plan_created_at,
                         CASE WHEN plan_status = 'CLOSED' THEN ${ms(`registered_at + ${days('150 + r_close * (age_days - 200)')}`)} END AS closed_at,
                         CASE WHEN has_supporter THEN ${ms(`registered_at + ${hours('1 / 6.0 + r_open * 47 + 20 + r_supporter_at * 8')}`)} END AS first_supporter_at,
                         CASE WHEN children = 0 AND NOT unborn THEN 1 ELSE least(children, 6 - n_parents - caregiver::int - unborn::int) END AS n_children
                    FROM (SELECT d.*, n.id AS network_id, ${ms(`${asOf} - ${days('age_days')} - ${hours('6 + r_hour * 10')}`)} AS registered_at,
                                 CASE WHEN age_days < 45 AND r_status < 0.55 THEN 'DRAFT' WHEN age_days > 240 AND r_status < 0.16 THEN 'CLOSED' ELSE 'ACTIVE' END AS plan_status,
                                 (age_days >= 45 OR r_status >= 0.55) OR r_supporter < 0.6 AS has_supporter,
                                 CASE WHEN r_parents < 0.38 THEN 1 ELSE 2 END AS n_parents,
                                 r_parents < 0.38 AND r_caregiver < 0.15 AS caregiver,
                                 ${weighted('r_children', [[0, 6], [1, 34], [2, 33], [3, 18], [4, 9]])} AS children,
                                 age_days < 200 AND (r_children < 0.06 OR r_unborn < 0.12) AS unborn,
                                 21 + power(r_parent_age, 1.3) * 30 AS parent_age,
                                 ${weighted('r_team', [[0, 25], [1, 45], [2, 30]])} AS n_extra_agencies,
                                 r_volunteer < 0.12 AS volunteer,
                                 2 + floor(power(r_goals, 1.5) * 7)::int AS n_goals,
                                 floor(power(r_notes, 1.3) * 7)::int AS n_notes,
                                 CASE WHEN r_handover < 0.05 THEN 'DONE' WHEN r_handover < 0.07 THEN 'PENDING' END AS handover,
                                 r_break_glass < 0.006 AS break_glass,
                                 ${pick(FAMILY_NAMES, 'r_name')} AS family_name,
                                 ${weighted('r_language', LANGUAGES)} AS language,
                                 ${pick(PLAN_SUMMARIES, 'r_summary')} AS summary,
                                 CASE WHEN r_strengths < 0.8 THEN ${pick(STRENGTHS, 'r_strengths / 0.8')} END AS strengths,
                                 ${pick(CLOSE_REASONS, 'r_close_reason')} AS close_reason,
                                 ${pick(CLOSE_REASON_CODES, 'r_close_reason')} AS close_reason_code
                            FROM (SELECT i, ${p.familyBase} + i AS f, i % ${p.networks} AS network_no,
                                         7 + floor(power(1 - (i + 0.5)::float8 / ${p.families}, 1.35) * 1100)::int AS age_days, d.*
                                    FROM generate_series(${from}, ${to - 1}) i
                                    ${draws('family', `${p.familyBase} + i`, [
                                      'hour', 'status', 'open', 'close', 'supporter', 'supporter-at', 'activate', 'parents', 'caregiver',
                                      'children', 'unborn', 'parent-age', 'team', 'volunteer', 'goals', 'notes', 'referrals', 'handover',
                                      'break-glass', 'name', 'language', 'summary', 'strengths', 'close-reason',
                                    ])}) d
                            JOIN seed_network n ON n.no = d.network_no) x) y`,
      },
      // The registering agency (slot 0) and up to two more, and a volunteer organisation (slot 3): each
      // with the worker assigned to the family, and a consent policy of the family towards it. Staged in
      // two steps: joins on a computed agency id get poor estimates, on a staged column good ones.
      {
        sql: `CREATE TEMP TABLE s_slot ON COMMIT DROP AS
          SELECT t.*, ka.agencies[1 + floor(t.r_rank * cardinality(ka.agencies))::int] AS agency_id
            FROM (SELECT fam.f, fam.network_no, fam.registered_at, fam.end_at, s, fam.f * 4 + s AS key, d.*,
                         CASE s WHEN 0 THEN ${weighted('d.r_kind', REGISTRAR_KINDS)} WHEN 3 THEN ${literal(AgencyKind.VOLUNTEER_ORGANISATION)}
                                ELSE ${weighted('d.r_kind', TEAM_KINDS)} END AS kind,
                         CASE WHEN s = 3 THEN 'VOLUNTEER' ELSE 'CASEWORKER' END AS worker_role,
                         CASE WHEN s = 0 THEN fam.registered_at
                              ELSE ${ms(within(`coalesce(fam.first_supporter_at, fam.plan_created_at) + interval '1 hour'`, 'fam.end_at', '0.02 + 0.5 * d.r_join'))} END AS joined_at,
                         CASE WHEN s = 0 THEN coalesce(fam.first_supporter_at, fam.plan_created_at) + interval '30 minutes'
                              ELSE ${ms(within(`coalesce(fam.first_supporter_at, fam.plan_created_at) + interval '1 hour'`, 'fam.end_at', '0.02 + 0.5 * d.r_join'))} END AS added_at
                    FROM s_family fam CROSS JOIN generate_series(0, 3) s
                    ${draws('team', 'fam.f * 4 + s', [
                      'kind', 'rank', 'worker', 'join', 'assign', 'predecessor', 'consent-at', 'valid', 'renew', 'renew-at',
                      'contact', 'notes-consent', 'health', 'safety', 'referral-consent', 'contribution',
                    ])}
                   WHERE s = 0 OR (s <= fam.n_extra_agencies AND s < 3) OR (s = 3 AND fam.volunteer)) t
            JOIN seed_kind_agencies ka ON ka.network_no = t.network_no AND ka.kind = t.kind`,
      },
      {
        sql: `CREATE TEMP TABLE s_team ON COMMIT DROP AS
          SELECT z.*, ${familyRowId('participant', 'key', 'added_at')} AS participant_id, ${familyRowId('assignment', 'key', 'assigned_at')} AS assignment_id,
                 ${pickBy('kind', CONTRIBUTIONS, 'r_contribution')} AS contribution,
                 CASE WHEN r_renew < 0.6 AND valid_until < end_at THEN ${ms(`valid_until - ${days('r_renew_at * 14')}`)} END AS renewed_at
            FROM (SELECT y.*,
                         CASE WHEN r_valid < 0.55 THEN NULL WHEN r_valid < 0.9 THEN consent_at + interval '2 years' ELSE consent_at + interval '1 year' END AS valid_until
                    FROM (SELECT x.*,
                                 CASE WHEN s = 0 THEN ${ms(`registered_at + ${hours('2 + r_consent_at * 4')}`)}
                                      ELSE ${ms(`least(assigned_at + ${hours('1 + r_consent_at * 70')}, ${within('assigned_at', 'end_at', '0.5')})`)} END AS consent_at
                            FROM (SELECT w.*,
                                         CASE WHEN s = 0 THEN registered_at
                                              WHEN predecessor_id IS NOT NULL THEN ${ms(within('joined_at', 'end_at', '0.3 + 0.3 * r_assign'))}
                                              ELSE ${ms(`least(joined_at + ${hours('1 + r_assign * 47')}, ${within('joined_at', 'end_at', '0.5')})`)} END AS assigned_at
                                    FROM (SELECT DISTINCT ON (t.f, t.agency_id) t.*, ws.users[1 + k] AS worker_id, adm.users[1] AS admin_id,
                                                 CASE WHEN t.s > 0 AND t.worker_role = 'CASEWORKER' AND t.r_predecessor < 0.06 AND cardinality(ws.users) > 1
                                                      THEN ws.users[1 + (k + 1) % cardinality(ws.users)] END AS predecessor_id
                                            FROM s_slot t
                                            JOIN seed_agency_staff ws ON ws.agency_id = t.agency_id AND ws.role = t.worker_role
                                            JOIN seed_agency_staff adm ON adm.agency_id = t.agency_id AND adm.role = 'AGENCY_ADMIN'
                                            CROSS JOIN LATERAL (SELECT floor(t.r_worker * cardinality(ws.users))::int AS k) i
                                           ORDER BY t.f, t.agency_id, t.s) w) x) y) z`,
      },
      {
        sql: `CREATE TEMP TABLE s_crew ON COMMIT DROP AS
          SELECT f,
                 array_agg(worker_id ORDER BY s) AS workers, array_agg(assigned_at ORDER BY s) AS worker_assigned,
                 array_agg(worker_id ORDER BY s) FILTER (WHERE worker_role = 'CASEWORKER') AS caseworkers,
                 array_agg(agency_id ORDER BY s) FILTER (WHERE worker_role = 'CASEWORKER') AS caseworker_agencies,
                 array_agg(kind ORDER BY s) FILTER (WHERE worker_role = 'CASEWORKER') AS caseworker_kinds,
                 array_agg(assigned_at ORDER BY s) FILTER (WHERE worker_role = 'CASEWORKER') AS caseworker_assigned,
                 array_agg(agency_id ORDER BY s) AS agencies,
                 (array_agg(worker_id) FILTER (WHERE worker_role = 'VOLUNTEER'))[1] AS volunteer,
                 (array_agg(agency_id) FILTER (WHERE worker_role = 'VOLUNTEER'))[1] AS volunteer_agency,
                 (array_agg(assigned_at) FILTER (WHERE worker_role = 'VOLUNTEER'))[1] AS volunteer_assigned
            FROM s_team GROUP BY f`,
      },
      // The registrar supports the plan from the start; a few hand the role over to the team's second
      // caseworker (DONE: the family confirmed; PENDING: waiting for it).
      {
        sql: `CREATE TEMP TABLE s_plan ON COMMIT DROP AS
          SELECT x.*, CASE WHEN handover = 'DONE' THEN ${ms(within('handover_at', 'end_at', '0.05 + 0.2 * r_confirm'))} END AS confirmed_at
            FROM (SELECT fam.f, fam.plan_id, fam.end_at, fam.registered_at, cr.caseworkers[1] AS registrar, cr.caseworker_agencies[1] AS registrar_agency,
                         CASE WHEN fam.plan_status = 'ACTIVE' AND cardinality(cr.caseworkers) >= 2 THEN fam.handover END AS handover,
                         cr.caseworkers[2] AS successor, cr.caseworker_agencies[2] AS successor_agency, d.r_confirm,
                         ${ms(within('greatest(cr.caseworker_assigned[2], fam.activated_at)', 'fam.end_at',
                           `CASE fam.handover WHEN 'DONE' THEN 0.1 + 0.5 * d.r_handover_at ELSE 0.92 + 0.07 * d.r_handover_at END`))} AS handover_at
                    FROM s_family fam JOIN s_crew cr USING (f) ${draws('plan', 'fam.f', ['handover-at', 'confirm'])}) x`,
      },
    ];
  }

  function members(): Statement[] {
    const adult = `role IN ('PARENT', 'OTHER_CAREGIVER')`;
    return [
      // The parents first (the first one consents for the children who cannot decide yet), a grandparent
      // beside some single parents, the children (born before the registration, minors still) and an
      // expected child in recently registered families. A few children have a recorded capacity assessment.
      {
        sql: `CREATE TEMP TABLE s_member ON COMMIT DROP AS
          SELECT z.*, pg_temp.uid('member', key, registered_at) AS id,
                 CASE WHEN ${adult} AND r_email < 0.85
                      THEN lower(replace(replace(given_name || '.' || own_family_name, ' ', ''), '-', '')) || '.' || key || '@' || ${pick(MAIL_DOMAINS, 'r_mail_domain')}
                 END AS email
            FROM (
            SELECT y.*,
                   CASE WHEN role = 'UNBORN' THEN 'Baby' WHEN role = 'CHILD' THEN ${pick(CHILD_NAMES, 'r_given')}
                        WHEN female THEN ${pick(FEMALE_NAMES, 'r_given')} ELSE ${pick(MALE_NAMES, 'r_given')} END AS given_name,
                   CASE WHEN role = 'OTHER_CAREGIVER' OR (m = 1 AND r_own_name < 0.45) THEN ${pick(FAMILY_NAMES, 'r_family_name')} ELSE family_name END AS own_family_name,
                   (registered_at AT TIME ZONE 'UTC')::date - floor(age_years * 365.25)::int AS birth_date,
                   CASE WHEN role = 'UNBORN' THEN (registered_at AT TIME ZONE 'UTC')::date + (30 + floor(r_age * 220))::int END AS expected_date,
                   CASE WHEN ${adult} THEN language WHEN role = 'CHILD' AND r_language < 0.5 THEN language END AS preferred_language,
                   CASE WHEN (role = 'PARENT' AND r_portal < 0.3) OR (role = 'CHILD' AND age_years + age_days / 365.25::float8 >= 15 AND r_portal < 0.1)
                        THEN 'portal-' || key || '@seed${p.seed}.1g1p.example' END AS portal_subject,
                   CASE WHEN role = 'CHILD' AND age_years >= 9 AND age_years < 12 AND r_assess < 0.03 THEN true
                        WHEN role = 'CHILD' AND age_years >= 12 AND r_assess < 0.01 THEN false END AS assessed,
                   CASE WHEN (${adult} AND r_phone < 0.9) OR (role = 'CHILD' AND age_years + age_days / 365.25::float8 >= 14 AND r_phone < 0.5)
                        THEN '+32 4' || (70 + floor(r_phone_digits * 30))::int || ' ' ||
                             regexp_replace(lpad((floor(r_phone_digits * 30000000)::int % 1000000)::text, 6, '0'), '(..)(..)(..)', '\\1 \\2 \\3') END AS phone
              FROM (SELECT x.*,
                           CASE WHEN role = 'PARENT' AND m = 0 THEN parent_age
                                WHEN role = 'PARENT' THEN least(57, greatest(20, parent_age - 4 + r_age * 10))
                                WHEN role = 'OTHER_CAREGIVER' THEN 50 + r_age * 22
                                WHEN role = 'CHILD' THEN 0.02 + r_age * greatest(0, least(17.9 - age_days / 365.25::float8, parent_age - 18) - 0.02) END AS age_years,
                           CASE WHEN m = 0 THEN r_female < 0.8 WHEN role = 'PARENT' THEN r_female < 0.12 ELSE r_female < 0.6 END AS female
                      FROM (SELECT fam.f, m, fam.f * 8 + m AS key, fam.registered_at, fam.age_days, fam.parent_age, fam.family_name, fam.language,
                                   CASE WHEN m < fam.n_parents THEN 'PARENT' WHEN m = fam.n_parents AND fam.caregiver THEN 'OTHER_CAREGIVER'
                                        WHEN m < fam.n_parents + fam.caregiver::int + fam.n_children THEN 'CHILD' ELSE 'UNBORN' END AS role, d.*
                              FROM s_family fam
                              CROSS JOIN generate_series(0, fam.n_parents + fam.caregiver::int + fam.n_children + fam.unborn::int - 1) m
                              ${draws('member', 'fam.f * 8 + m', ['female', 'given', 'age', 'own-name', 'family-name', 'language', 'portal', 'assess', 'phone', 'phone-digits', 'email', 'mail-domain'])}
                           ) x) y) z`,
      },
    ];
  }

  /**
   * Each team agency gets a consent from every member, given by the member itself when capable at that
   * moment, else by the first parent for it (one consent per grantor, naming its subjects). Capable
   * teenagers sometimes refuse; families often leave out health, safety or referral data; time-limited
   * consents expire, most are renewed; a few are revoked.
   */
  function consents(): Statement[] {
    const at = `CASE g WHEN 1 THEN t.consent_at ELSE t.renewed_at END`;
    const youngerThan = (years: number) => `(role = 'UNBORN' OR (role = 'CHILD' AND birth_date > (at AT TIME ZONE 'UTC')::date - interval '${years} years'))`;
    // Which members a team agency asks consent of besides the parents (the registering agency: everyone);
    // social services and general welfare work with the parents (income, housing, debts).
    const concerns = `(role = 'PARENT' OR CASE kind
      WHEN ${literal(AgencyKind.SCHOOL_GUIDANCE)} THEN role = 'CHILD' AND NOT ${youngerThan(3)}
      WHEN ${literal(AgencyKind.EDUCATION)} THEN role = 'CHILD' AND NOT ${youngerThan(3)}
      WHEN ${literal(AgencyKind.CHILDCARE)} THEN ${youngerThan(12)}
      WHEN ${literal(AgencyKind.CHILD_AND_FAMILY)} THEN ${youngerThan(6)}
      WHEN ${literal(AgencyKind.PUBLIC_SOCIAL_SERVICE)} THEN false
      WHEN ${literal(AgencyKind.GENERAL_WELFARE)} THEN false
      ELSE role IN ('CHILD', 'UNBORN') END)`;
    return [
      {
        sql: `CREATE TEMP TABLE s_consent_member ON COMMIT DROP AS
          SELECT c.*, CASE WHEN capable THEN c.m ELSE 0 END AS grantor_m
            FROM (SELECT t.f, t.s, t.kind, t.key AS team_key, g, m.m, m.id AS member_id, m.role, m.birth_date, ${at} AS at, ${capableAt('m', at)} AS capable,
                         ${rnd('teen-refusal', 'm.key * 4 + t.s')} AS r_refusal
                    FROM s_team t JOIN s_member m ON m.f = t.f
                    CROSS JOIN generate_series(1, CASE WHEN t.renewed_at IS NULL THEN 1 ELSE 2 END) g) c
           WHERE NOT (role = 'CHILD' AND capable AND r_refusal < 0.1) AND (s = 0 OR ${concerns})`,
      },
      {
        sql: `CREATE TEMP TABLE s_consent ON COMMIT DROP AS
          SELECT y.*, ${familyRowId('consent', 'key', 'valid_from')} AS id,
                 CASE WHEN r_revoke < 0.04 THEN ${ms(within('valid_from', 'least(coalesce(valid_until, end_at), end_at)', '0.2 + 0.7 * r_revoke_at'))} END AS revoked_at
            FROM (SELECT x.*, fam.id AS family_id, fam.end_at, fam.registered_at, gm.id AS grantor_id, gm.role AS grantor_role, gm.portal_subject IS NOT NULL AS grantor_in_portal,
                         t.agency_id, t.kind, d.*,
                         CASE g WHEN 1 THEN t.valid_until END AS valid_until,
                         array_remove(ARRAY['IDENTITY', CASE WHEN t.r_contact < 0.95 THEN 'CONTACT' END, 'PLAN',
                           CASE WHEN t.r_notes_consent < 0.9 THEN 'NOTES' END,
                           CASE WHEN t.worker_role = 'CASEWORKER' AND t.r_health < 0.65 AND NOT (gm.role = 'CHILD' AND d.r_teen_health < 0.25) THEN 'HEALTH' END,
                           CASE WHEN t.worker_role = 'CASEWORKER' AND t.r_safety < 0.5 THEN 'SAFETY' END,
                           CASE WHEN t.r_referral_consent < 0.15 THEN 'REFERRAL' END], NULL) AS categories,
                         CASE WHEN t.worker_role = 'CASEWORKER' THEN t.worker_id ELSE cr.caseworkers[1] END AS caseworker_id,
                         CASE WHEN t.worker_role = 'CASEWORKER' THEN t.agency_id ELSE cr.caseworker_agencies[1] END AS caseworker_agency_id,
                         CASE WHEN gm.portal_subject IS NOT NULL AND d.r_method < 0.35 THEN 'FAMILY_PORTAL'
                              WHEN d.r_method < 0.75 THEN 'WRITTEN' ELSE 'VERBAL_WITH_WITNESS' END AS method,
                         CASE WHEN t.worker_role = 'CASEWORKER' THEN 'PLAN_COORDINATION' ELSE 'VOLUNTEER_SUPPORT' END AS purpose_code
                    FROM (SELECT f, s, g, grantor_m, (team_key * 2 + g - 1) * 8 + grantor_m AS key, min(at) AS valid_from,
                                 array_agg(member_id ORDER BY m) AS subjects
                            FROM s_consent_member GROUP BY f, s, g, grantor_m, team_key) x
                    JOIN s_team t ON t.f = x.f AND t.s = x.s
                    JOIN s_member gm ON gm.f = x.f AND gm.m = x.grantor_m
                    JOIN s_family fam ON fam.f = x.f
                    JOIN s_crew cr ON cr.f = x.f
                    ${draws('consent', 'x.key', ['teen-health', 'method', 'revoke', 'revoke-at', 'revoke-by', 'revoke-reason'])}) y`,
      },
    ];
  }

  function goalsActionsNotes(): Statement[] {
    const domains = LIFE_DOMAINS.map(([domain, weight], no) => `(${no}, ${literal(domain)}, ${weight})`).join(',');
    const updateAt = (g: string, u: string) =>
      ms(within(`${g}.created_at`, `${g}.end_at`, `0.9 * (${u} - 1 + ${rnd('goal-update', `${g}.key * 8 + ${u}`)}) / ${g}.n_updates`));
    const final = `('ACHIEVED', 'DISCONTINUED')`;
    const author = teamCaseworker('cw_i', 'created_at');
    return [
      // Domains drawn without replacement in proportion to their weight (the smallest exponential "arrival" first).
      {
        sql: `CREATE TEMP TABLE s_goal ON COMMIT DROP AS
          SELECT z.*, ${familyRowId('goal', 'key', 'created_at')} AS id,
                 CASE WHEN n_updates > 0 THEN ${updateAt('z', 'n_updates')} ELSE created_at END AS updated_at
            FROM (SELECT y.*, via_active::int + n_progress + (status IN ${final})::int AS n_updates
                    FROM (SELECT x.*, ${author.user} AS created_by, ${author.agency} AS created_by_agency,
                                 status IN ('ACTIVE', 'ACHIEVED') OR (status = 'DISCONTINUED' AND r_via_active < 0.6) AS via_active,
                                 CASE WHEN status IN ('ACTIVE', 'ACHIEVED') OR (status = 'DISCONTINUED' AND r_via_active < 0.6)
                                      THEN floor(r_progress * 3)::int ELSE 0 END AS n_progress,
                                 CASE WHEN r_owner < 0.6 THEN 'FAMILY' ELSE 'AGENCY' END AS owner_kind,
                                 CASE WHEN r_owner >= 0.6 THEN cr.agencies[${crewIndex('r_owner_agency', 'agencies')}] END AS owner_agency_id
                            FROM (SELECT ranked.f, ranked.f * 8 + ranked.g AS key, ranked.domain, fam.plan_id, fam.end_at, fam.registered_at, d.*,
                                         ${pickBy('ranked.domain', GOAL_DESCRIPTIONS, 'd.r_description')} AS description,
                                         CASE fam.plan_status
                                           WHEN 'DRAFT' THEN ${weighted('d.r_status', [['PROPOSED', 85], ['ACTIVE', 15]])}
                                           WHEN 'CLOSED' THEN ${weighted('d.r_status', [['ACHIEVED', 55], ['DISCONTINUED', 30], ['ACTIVE', 15]])}
                                           ELSE ${weighted('d.r_status', [['PROPOSED', 12], ['ACTIVE', 53], ['ACHIEVED', 23], ['DISCONTINUED', 12]])} END AS status,
                                         ${ms(within(`fam.plan_created_at + interval '2 hours'`, 'fam.end_at', '0.45 * d.r_created * d.r_created'))} AS created_at,
                                         ${crewIndex('d.r_author', 'caseworkers')} AS cw_i
                                    FROM (SELECT f, domain, (row_number() OVER (PARTITION BY f ORDER BY -ln(1 - r) / weight, no) - 1)::int AS g, n_goals
                                            FROM (SELECT fam.f, fam.n_goals, dm.no, dm.domain, dm.weight, ${rnd('goal-domain', 'fam.f * 16 + dm.no')} AS r
                                                    FROM s_family fam CROSS JOIN (VALUES ${domains}) dm(no, domain, weight)) w) ranked
                                    JOIN s_family fam ON fam.f = ranked.f
                                    JOIN s_crew cr ON cr.f = ranked.f
                                    ${draws('goal', 'ranked.f * 8 + ranked.g', ['description', 'owner', 'owner-agency', 'status', 'via-active', 'progress', 'created', 'author', 'actions'])}
                                   WHERE ranked.g < ranked.n_goals) x
                            JOIN s_crew cr ON cr.f = x.f) y) z`,
      },
      {
        sql: `CREATE TEMP TABLE s_goal_update ON COMMIT DROP AS
          SELECT y.*, ${teamCaseworker('cw_i', 'at').user} AS actor, ${teamCaseworker('cw_i', 'at').agency} AS actor_agency,
                 CASE WHEN kind = 'PROGRESS' THEN ${familyRowId('progress-note', 'key', 'at')} END AS progress_note_id
            FROM (SELECT go.f, go.id AS goal_id, go.plan_id, go.domain, go.registered_at, go.key * 8 + u AS key, u,
                         CASE WHEN go.via_active AND u = 1 THEN 'ACTIVATE' WHEN go.status IN ${final} AND u = go.n_updates THEN 'FINAL' ELSE 'PROGRESS' END AS kind,
                         CASE WHEN go.via_active AND u = 1 THEN 'PROPOSED' WHEN go.via_active THEN 'ACTIVE' ELSE 'PROPOSED' END AS before,
                         CASE WHEN go.via_active AND u = 1 THEN 'ACTIVE' ELSE go.status END AS after,
                         ${updateAt('go', 'u')} AS at, ${crewIndex(rnd('goal-update-actor', 'go.key * 8 + u'), 'caseworkers')} AS cw_i,
                         ${pick(PROGRESS_NOTES, rnd('progress-note', 'go.key * 8 + u'))} AS body
                    FROM s_goal go JOIN s_crew cr ON cr.f = go.f CROSS JOIN generate_series(1, go.n_updates) u) y
            JOIN s_crew cr ON cr.f = y.f`,
      },
      {
        sql: `CREATE TEMP TABLE s_action ON COMMIT DROP AS
          SELECT z.*, ${familyRowId('action', 'z.key', 'z.created_at', 'z.registered_at')} AS id, am.id AS assignee_member_id, CASE WHEN z.status = 'DONE' THEN z.closed_at END AS completed_at,
                 CASE WHEN assignee_user_id = cr.volunteer THEN cr.volunteer ELSE created_by END AS closed_by,
                 CASE WHEN assignee_user_id = cr.volunteer THEN cr.volunteer_agency ELSE created_by_agency END AS closed_by_agency
            FROM (SELECT y.*, ${author.user} AS created_by, ${author.agency} AS created_by_agency,
                         CASE WHEN r_assignee >= 0.35 THEN CASE WHEN cr.worker_assigned[w_i] <= created_at THEN cr.workers[w_i] ELSE cr.workers[1] END END AS assignee_user_id,
                         CASE WHEN status <> 'OPEN' THEN ${ms(within('created_at', 'end_at', '0.05 + 0.6 * r_closed'))} END AS closed_at,
                         (created_at AT TIME ZONE 'UTC')::date + (7 + floor(r_due * 68))::int AS due_date
                    FROM (SELECT x.*, ${crewIndex('r_author', 'caseworkers')} AS cw_i, ${crewIndex('r_worker', 'workers')} AS w_i,
                                 ${ms(within(`goal_created_at + interval '1 hour'`, 'coalesce(final_at, end_at)', '0.7 * r_created'))} AS created_at
                            FROM (SELECT go.f, go.id AS goal_id, go.plan_id, go.domain, go.created_at AS goal_created_at, go.end_at, go.registered_at,
                                         CASE WHEN go.status IN ${final} THEN go.updated_at END AS final_at, go.key * 4 + a AS key, d.*,
                                         ${pickBy('go.domain', ACTION_TITLES, 'd.r_title')} AS title,
                                         CASE go.status
                                           WHEN 'ACHIEVED' THEN ${weighted('d.r_status', [['DONE', 85], ['CANCELLED', 15]])}
                                           WHEN 'DISCONTINUED' THEN ${weighted('d.r_status', [['CANCELLED', 50], ['DONE', 30], ['OPEN', 20]])}
                                           WHEN 'ACTIVE' THEN ${weighted('d.r_status', [['OPEN', 55], ['DONE', 35], ['CANCELLED', 10]])}
                                           ELSE ${weighted('d.r_status', [['OPEN', 90], ['CANCELLED', 10]])} END AS status
                                    FROM s_goal go
                                    CROSS JOIN generate_series(0, (CASE WHEN go.status = 'PROPOSED' THEN floor(go.r_actions * 2)
                                                                        ELSE ${weighted('go.r_actions', [[0, 22], [1, 30], [2, 24], [3, 14], [4, 10]])} END)::int - 1) a
                                    ${draws('action', 'go.key * 4 + a', ['title', 'status', 'author', 'worker', 'assignee', 'member', 'created', 'closed', 'due'])}
                                   WHERE (CASE WHEN go.status IN ${final} THEN go.updated_at ELSE go.end_at END) - go.created_at > interval '1 day') x
                            JOIN s_crew cr ON cr.f = x.f) y
                    JOIN s_crew cr ON cr.f = y.f) z
            JOIN s_crew cr ON cr.f = z.f
            JOIN s_family fam ON fam.f = z.f
            LEFT JOIN s_member am ON z.r_assignee < 0.35 AND am.f = z.f AND am.m = floor(z.r_member * fam.n_parents)::int`,
      },
      {
        sql: `CREATE TEMP TABLE s_note ON COMMIT DROP AS
          SELECT y.*, ${familyRowId('note', 'key', 'created_at')} AS id,
                 CASE WHEN r_volunteer < 0.15 AND category NOT IN ('HEALTH', 'SAFETY') AND cr.volunteer_assigned <= created_at THEN cr.volunteer ELSE ${author.user} END AS author_id,
                 CASE WHEN r_volunteer < 0.15 AND category NOT IN ('HEALTH', 'SAFETY') AND cr.volunteer_assigned <= created_at THEN cr.volunteer_agency ELSE ${author.agency} END AS author_agency
            FROM (SELECT x.*, ${pickBy('category', NOTE_BODIES, 'r_body')} AS body FROM (
                    SELECT fam.f, fam.plan_id, fam.size, fam.registered_at, fam.f * 8 + k AS key, d.*, ${weighted('d.r_category', NOTE_CATEGORIES)} AS category,
                           ${ms(within(`fam.plan_created_at + interval '1 hour'`, 'fam.end_at', 'd.r_created'))} AS created_at,
                           CASE WHEN d.r_members < 0.3 THEN 0 WHEN d.r_members < 0.8 OR fam.size < 2 THEN 1 ELSE 2 END AS n_members,
                           floor(d.r_m1 * fam.size)::int AS m1,
                           (floor(d.r_m1 * fam.size)::int + 1 + floor(d.r_m2 * (fam.size - 1))::int) % fam.size AS m2
                      FROM s_family fam CROSS JOIN generate_series(0, fam.n_notes - 1) k
                      ${draws('note', 'fam.f * 8 + k', ['category', 'body', 'created', 'author', 'volunteer', 'members', 'm1', 'm2'])}) x) y
            JOIN s_crew cr ON cr.f = y.f
            CROSS JOIN LATERAL (SELECT ${crewIndex('y.r_author', 'caseworkers')} AS cw_i) i`,
      },
    ];
  }

  /**
   * Referrals follow one of REFERRAL_PATHS (closed plans: only finished ones). The gaps between steps
   * are drawn first; the referral is then placed so that its last step lies before the end of the
   * plan's window, open ones recently. A referral that does not fit in its plan's window is left out.
   */
  function referrals(): Statement[] {
    const pace = (interval: string) => `(${interval}) * pace`;
    const meetingBound = `previous_lead * (0.2 + 0.6 * r_gap)`;
    const stageOf = (field: (d: (typeof REFERRAL_DEADLINES)[number]) => string | number) =>
      `(CASE v.final_status ${REFERRAL_DEADLINES.map((d) => `WHEN ${literal(d.status)} THEN ${field(d)}`).join(' ')} END)`;
    const stageStart = stageOf((d) => `v.${d.startedAt}`);
    const offsetOf = (name: string) => `max(offset_at) FILTER (WHERE name = ${literal(name)})`;
    const ci = crewIndex('timing.r_from', 'caseworkers');
    return [
      {
        sql: `CREATE TEMP TABLE s_rchoice ON COMMIT DROP AS
          SELECT c.*, sp.path, sp.final_status, sp.terminal, sp.family_declined_meeting
            FROM (SELECT fam.f, q, fam.f * 4 + q AS key, fam.plan_status = 'CLOSED' AS closed, d.*,
                         ${weighted('d.r_urgency', [['ROUTINE', 75], ['PRIORITY', 18], ['URGENT', 7]])} AS urgency
                    FROM s_family fam CROSS JOIN generate_series(0, fam.n_referrals - 1) q
                    ${draws('referral', 'fam.f * 4 + q', [
                      'path', 'urgency', 'idle', 'from', 'to-kind', 'to-rank', 'receiver', 'service', 'reason', 'member', 'member2', 'external',
                      'outcome', 'outcome-reason', 'outcome-note', 'decline', 'withdraw', 'draft-consent', 'consent-at',
                    ])}) c
            JOIN seed_path sp ON CASE WHEN c.closed THEN c.r_path >= sp.lo_terminal AND c.r_path < sp.hi_terminal
                                      ELSE c.r_path >= sp.lo AND c.r_path < sp.hi END`,
      },
      {
        sql: `CREATE TEMP TABLE s_rstep0 ON COMMIT DROP AS
          SELECT z.*, sum(gap) OVER (PARTITION BY key ORDER BY k) AS offset_at
            FROM (SELECT y.*,
                         CASE name
                           WHEN 'create' THEN interval '0'
                           WHEN 'send' THEN ${pace(hours('2 + r_gap * 70'))}
                           WHEN 'receive' THEN ${pace(hours('1 + r_gap * 70'))}
                           WHEN 'accept' THEN ${pace(`CASE WHEN from_status = 'WAITLISTED' THEN ${days('5 + r_gap * 40')} ELSE ${days('1 + r_gap * 7')} END`)}
                           WHEN 'waitlist' THEN ${pace(days('1 + r_gap * 4'))}
                           WHEN 'decline' THEN ${pace(days('1 + r_gap * 6'))}
                           WHEN 'scheduleHandover' THEN ${pace(hours('6 + r_gap * 114'))}
                           WHEN 'recordHandoverMissed' THEN previous_lead + ${hours('1 + r_gap * 2')}
                           WHEN 'recordHandoverHeld' THEN previous_lead + ${hours('1 + r_gap * 2')}
                           WHEN 'complete' THEN CASE from_status WHEN 'HANDOVER_HELD' THEN ${pace(days('1 + r_gap * 13'))}
                                                                 WHEN 'ACCEPTED' THEN ${pace(days('2 + r_gap * 8'))} ELSE ${meetingBound} END
                           ELSE CASE WHEN from_status = 'HANDOVER_SCHEDULED' THEN ${meetingBound} ELSE ${pace(days('1 + r_gap * 9'))} END
                         END AS gap
                    FROM (SELECT x.*, lag(lead) OVER (PARTITION BY key ORDER BY k) AS previous_lead
                            FROM (SELECT c.key, st.k, st.name, st.from_status, st.to_status, st.side,
                                         CASE WHEN c.urgency = 'URGENT' THEN 0.25::float8 ELSE 1::float8 END AS pace, d.r_gap,
                                         CASE WHEN st.name IN ('scheduleHandover', 'rescheduleHandover')
                                              THEN ${days(`CASE WHEN c.urgency = 'URGENT' THEN 1 + 2 * d.r_lead ELSE 3 + 7 * d.r_lead END`)} END AS lead
                                    FROM s_rchoice c JOIN seed_path_step st ON st.path = c.path
                                    ${draws('referral-step', 'c.key * 16 + st.k', ['gap', 'lead'])}) x) y) z`,
      },
      // Placed in time, from a caseworker of the team (one assigned by then), to an agency of the network
      // (another than the referrer's).
      {
        sql: `CREATE TEMP TABLE s_rpick ON COMMIT DROP AS
          SELECT t.*, CASE WHEN t.agencies[1 + t.rank0] = t.from_agency_id THEN t.agencies[1 + (t.rank0 + 1) % cardinality(t.agencies)]
                           ELSE t.agencies[1 + t.rank0] END AS to_agency_id
            FROM (SELECT s.*, ka.agencies, floor(s.r_to_rank * cardinality(ka.agencies))::int AS rank0
                    FROM (SELECT r.*, CASE WHEN r.to_kind0 = r.from_kind AND cardinality(ka0.agencies) = 1
                                           THEN CASE WHEN r.from_kind = 'GENERAL_WELFARE' THEN 'MENTAL_HEALTH' ELSE 'GENERAL_WELFARE' END
                                           ELSE r.to_kind0 END AS to_kind
                            FROM (SELECT q.*, cr.caseworkers[q.from_i] AS creator_id, cr.caseworker_agencies[q.from_i] AS from_agency_id,
                                         cr.caseworker_kinds[q.from_i] AS from_kind, ${weighted('q.r_to_kind', REFERRAL_KINDS)} AS to_kind0
                                    FROM (SELECT timing.*, CASE WHEN cr.caseworker_assigned[${ci}] <= timing.created_at THEN ${ci} ELSE 1 END AS from_i
                                            FROM (SELECT c.*, sp.*, fam.id AS family_id, fam.plan_id, fam.network_no, fam.end_at, fam.registered_at,
                                                         fam.n_parents, fam.caregiver, fam.n_children,
                                                         ${ms(`fam.end_at - interval '1 hour' - sp.span - CASE WHEN c.terminal THEN av.avail * c.r_idle
                                                                ELSE least(av.avail, interval '25 days') * c.r_idle END`)} AS created_at
                                                    FROM s_rchoice c
                                                    JOIN (SELECT key AS step_key, max(offset_at) AS span, max(k) AS last_k,
                                                                 ${offsetOf('send')} AS sent_off, ${offsetOf('receive')} AS received_off,
                                                                 min(k) FILTER (WHERE name = 'receive') AS received_k,
                                                                 ${offsetOf('accept')} AS accepted_off, ${offsetOf('complete')} AS completed_off
                                                            FROM s_rstep0 GROUP BY key) sp ON sp.step_key = c.key
                                                    JOIN s_family fam ON fam.f = c.f
                                                    CROSS JOIN LATERAL (SELECT fam.end_at - interval '1 hour' - (fam.plan_created_at + interval '1 day') - sp.span AS avail) av
                                                   WHERE av.avail >= interval '0') timing
                                            JOIN s_crew cr ON cr.f = timing.f) q
                                    JOIN s_crew cr ON cr.f = q.f) r
                            JOIN seed_kind_agencies ka0 ON ka0.network_no = r.network_no AND ka0.kind = r.to_kind0) s
                    JOIN seed_kind_agencies ka ON ka.network_no = s.network_no AND ka.kind = s.to_kind) t`,
      },
      {
        sql: `CREATE TEMP TABLE s_referral ON COMMIT DROP AS
          SELECT v.*, ${familyRowId('referral', 'key', 'created_at')} AS id, final_status AS status, last_k + 1 AS version,
                 ${ms('created_at + span')} AS updated_at,
                 CASE WHEN final_status = 'COMPLETED' THEN CASE WHEN r_outcome < 0.75 THEN 'SUCCESSFUL' ELSE 'NOT_SUCCESSFUL' END END AS outcome,
                 CASE WHEN final_status = 'COMPLETED' AND r_outcome >= 0.75 THEN ${weighted('r_outcome_reason', [
                   ['FAMILY_DECLINED_SERVICE', 30], ['NO_CAPACITY', 15], ['NOT_ELIGIBLE', 10], ['UNABLE_TO_CONTACT_FAMILY', 15], ['NO_LONGER_NEEDED', 20], ['OTHER', 10],
                 ])} END AS outcome_reason,
                 CASE WHEN final_status = 'COMPLETED' AND r_outcome_note < 0.4 THEN ${pick(OUTCOME_NOTES, 'r_outcome_note / 0.4')} END AS outcome_note,
                 CASE WHEN final_status = 'DECLINED' THEN ${pick(DECLINE_REASONS, 'r_decline')} END AS decline_reason,
                 CASE WHEN final_status = 'WITHDRAWN' THEN ${pick(WITHDRAW_REASONS, 'r_withdraw')} END AS withdraw_reason,
                 CASE WHEN received_off IS NOT NULL AND r_external < 0.4
                      THEN 'DOS-' || to_char(created_at + received_off, 'YYYY') || '-' || lpad(key::text, 7, '0') END AS external_reference,
                 CASE WHEN urgency = 'URGENT' THEN ${stageStart} + ${stageOf((d) => d.urgentHours)} * interval '1 hour' ELSE dl.due END AS due_at
            FROM (SELECT u.*, ta.name AS to_agency_name, rs.users[1 + floor(u.r_receiver * cardinality(rs.users))::int] AS receiver_id,
                         ${pickBy('u.to_kind', REQUESTED_SERVICES, 'u.r_service')} AS requested_service,
                         ${pick(REFERRAL_REASONS, 'u.r_reason')} AS reason,
                         ${ms('u.created_at + u.sent_off')} AS sent_at, ${ms('u.created_at + u.received_off')} AS received_at,
                         ${ms('u.created_at + u.accepted_off')} AS accepted_at, ${ms('u.created_at + u.completed_off')} AS completed_at,
                         CASE WHEN u.n_children > 0 THEN u.n_parents + u.caregiver::int + floor(u.r_member * u.n_children)::int ELSE 0 END AS member_a,
                         CASE WHEN u.n_children > 0 AND u.r_member2 < 0.3 THEN 0 END AS member_b,
                         u.sent_off IS NOT NULL OR u.r_draft_consent < 0.3 AS has_consent,
                         ${ms(`u.created_at + coalesce(u.sent_off, interval '4 hours') * (0.1 + 0.5 * u.r_consent_at)`)} AS consent_at
                    FROM s_rpick u
                    JOIN seed_agency ta ON ta.id = u.to_agency_id
                    JOIN seed_agency_staff rs ON rs.agency_id = u.to_agency_id AND rs.role = 'CASEWORKER') v
            LEFT JOIN seed_deadline dl ON dl.day = (${stageStart} AT TIME ZONE 'Europe/Brussels')::date AND dl.days = ${stageOf((d) => d.workingDays)}`,
      },
      // The REFERRAL consent of every referred member for the receiver, given before sending (by the member
      // when capable, else by the first parent); withdrawn referrals sometimes lose it afterwards.
      {
        sql: `CREATE TEMP TABLE s_rconsent_member ON COMMIT DROP AS
          SELECT c.*, CASE WHEN capable THEN c.m ELSE 0 END AS grantor_m
            FROM (SELECT rf.key AS referral_key, rf.f, m.m, m.id AS member_id, ${capableAt('m', 'rf.consent_at')} AS capable
                    FROM s_referral rf JOIN s_member m ON m.f = rf.f AND (m.m = rf.member_a OR m.m = rf.member_b)
                   WHERE rf.has_consent) c`,
      },
      {
        sql: `CREATE TEMP TABLE s_rconsent ON COMMIT DROP AS
          SELECT y.*, ${familyRowId('referral-consent', 'key', 'valid_from')} AS id FROM (
            SELECT x.*, rf.family_id, rf.registered_at, rf.to_agency_id AS agency_id, rf.creator_id AS caseworker_id, rf.from_agency_id AS caseworker_agency_id,
                   rf.consent_at AS valid_from, gm.id AS grantor_id, gm.portal_subject IS NOT NULL AS grantor_in_portal, d.*,
                   'Doorverwijzing en warme overdracht naar ' || rf.to_agency_name AS purpose,
                   CASE WHEN d.r_categories < 0.7 THEN ARRAY['REFERRAL', 'IDENTITY', 'CONTACT'] ELSE ARRAY['REFERRAL'] END AS categories,
                   CASE WHEN d.r_valid >= 0.5 THEN rf.consent_at + interval '1 year' END AS valid_until,
                   CASE WHEN gm.portal_subject IS NOT NULL AND d.r_method < 0.2 THEN 'FAMILY_PORTAL'
                        WHEN d.r_method < 0.75 THEN 'WRITTEN' ELSE 'VERBAL_WITH_WITNESS' END AS method,
                   CASE WHEN rf.status = 'WITHDRAWN' AND rf.sent_at IS NOT NULL AND d.r_revoke < 0.3
                        THEN ${ms(`least(rf.updated_at + ${hours('1 + d.r_revoke_at * 47')}, rf.end_at)`)} END AS revoked_at
              FROM (SELECT referral_key, f, grantor_m, referral_key * 8 + grantor_m AS key, array_agg(member_id ORDER BY m) AS subjects
                      FROM s_rconsent_member GROUP BY referral_key, f, grantor_m) x
              JOIN s_referral rf ON rf.key = x.referral_key
              JOIN s_member gm ON gm.f = x.f AND gm.m = x.grantor_m
              ${draws('referral-consent', 'x.key', ['categories', 'valid', 'method', 'revoke', 'revoke-at', 'revoke-by', 'revoke-reason'])}) y`,
      },
    ];
  }

  /** The transitions of the referrals, with their meetings and events (ReferralsService.step). */
  function referralSteps(): Statement[] {
    return [
      {
        sql: `CREATE TEMP TABLE s_rstep ON COMMIT DROP AS
          SELECT y.*, ${familyRowId('transition', 'step_key', 'at')} AS transition_id, ${familyRowId('outbox', 'step_key', 'at')} AS event_id,
                 lag(meeting_id) OVER w AS previous_meeting_id, lead(name) OVER w AS next_name, lead(at) OVER w AS next_at, lead(reason) OVER w AS next_reason
            FROM (SELECT x.*, CASE WHEN name IN ('scheduleHandover', 'rescheduleHandover') THEN ${familyRowId('meeting', 'step_key', 'at')} END AS meeting_id
                    FROM (SELECT st.key, st.k, st.key * 16 + st.k AS step_key, st.name, st.from_status, st.to_status, st.lead,
                                 rf.id AS referral_id, rf.registered_at, rf.outcome, rf.outcome_reason, rf.received_k, rf.external_reference, d.r_place, d.r_attendees,
                                 ${ms('rf.created_at + st.offset_at')} AS at,
                                 CASE WHEN st.side = 'REFERRER' OR (st.side = 'EITHER' AND d.r_side < 0.5) THEN rf.creator_id ELSE rf.receiver_id END AS actor_id,
                                 CASE WHEN st.side = 'REFERRER' OR (st.side = 'EITHER' AND d.r_side < 0.5) THEN rf.from_agency_id ELSE rf.to_agency_id END AS actor_agency_id,
                                 CASE st.name
                                   WHEN 'decline' THEN rf.decline_reason
                                   WHEN 'withdraw' THEN rf.withdraw_reason
                                   WHEN 'complete' THEN rf.outcome_note
                                   WHEN 'cancelHandover' THEN ${pick(CANCEL_REASONS, 'd.r_reason')}
                                   WHEN 'waitlist' THEN CASE WHEN d.r_reason < 0.6 THEN ${pick(WAITLIST_REASONS, 'd.r_reason / 0.6')} END
                                   WHEN 'recordHandoverMissed' THEN CASE WHEN d.r_reason < 0.5 THEN ${pick(MISSED_NOTES, 'd.r_reason / 0.5')} END
                                   WHEN 'recordHandoverHeld' THEN CASE WHEN d.r_reason < 0.6 THEN ${pick(HELD_NOTES, 'd.r_reason / 0.6')} END
                                 END AS reason
                            FROM s_rstep0 st JOIN s_referral rf ON rf.key = st.key
                            ${draws('transition', 'st.key * 16 + st.k', ['side', 'reason', 'place', 'attendees'])}) x) y
          WINDOW w AS (PARTITION BY key ORDER BY k)`,
      },
    ];
  }

  /** A rare emergency access, by a caseworker of the team, ended early or expired. */
  function breakGlass(): Statement[] {
    return [
      {
        sql: `CREATE TEMP TABLE s_break_glass ON COMMIT DROP AS
          SELECT x.*, ${familyRowId('break-glass', 'x.f', 'starts_at')} AS id,
                 ${teamCaseworker('cw_i', 'starts_at').user} AS user_id, ${teamCaseworker('cw_i', 'starts_at').agency} AS agency_id,
                 starts_at + CASE WHEN r_duration < 0.7 THEN interval '24 hours' ELSE interval '8 hours' END AS expires_at,
                 CASE WHEN r_revoke < 0.4 THEN ${ms(`starts_at + ${hours('1 + r_revoke_at * 5')}`)} END AS revoked_at
            FROM (SELECT fam.f, fam.id AS family_id, fam.registered_at, d.*, ${crewIndex('d.r_user', 'caseworkers')} AS cw_i,
                         ${pick(BREAK_GLASS_JUSTIFICATIONS, 'd.r_justification')} AS justification,
                         ${ms(within('fam.plan_created_at', 'fam.end_at', '0.3 + 0.65 * d.r_start'))} AS starts_at
                    FROM s_family fam JOIN s_crew cr ON cr.f = fam.f
                    ${draws('break-glass', 'fam.f', ['user', 'justification', 'start', 'duration', 'revoke', 'revoke-at'])}
                   WHERE fam.break_glass) x
            JOIN s_crew cr ON cr.f = x.f`,
      },
    ];
  }

  /** The plan history as the services write it: one entry per change, with its details. */
  function history(): Statement[] {
    const json = (...pairs: [string, string][]) => `jsonb_build_object(${pairs.map(([k, v]) => `${literal(k)}, ${v}`).join(', ')})`;
    const coordinator = (at: string) => ({
      user: `CASE WHEN pl.handover = 'DONE' AND ${at} > pl.confirmed_at THEN pl.successor ELSE pl.registrar END`,
      agency: `CASE WHEN pl.handover = 'DONE' AND ${at} > pl.confirmed_at THEN pl.successor_agency ELSE pl.registrar_agency END`,
    });
    const entry = (from: string, columns: Record<'key' | 'change' | 'actor' | 'agency' | 'type' | 'entity' | 'details' | 'at' | 'bumps' | 'registered', string>) =>
      `SELECT ${columns.key} AS key, ${columns.registered} AS registered_at, plan_id, ${columns.change} AS change, ${columns.actor} AS actor_user_id, ${columns.agency} AS acting_agency_id,
              ${literal(columns.type)} AS entity_type, ${columns.entity} AS entity_id, ${columns.details} AS details, ${columns.at} AS at, ${columns.bumps} AS bumps
         FROM ${from}`;
    const planEvent = (change: string, at: string, details: string, where: string) =>
      entry(`s_family fam JOIN s_plan pl USING (f, plan_id) WHERE ${where}`, {
        key: 'fam.f', registered: 'fam.registered_at', change: literal(change), actor: 'pl.registrar', agency: 'pl.registrar_agency', type: 'Plan', entity: 'plan_id', details, at,
        bumps: String(change !== 'PLAN_OPENED'),
      });
    const supporterEvent = (change: string, at: string, details: string, where: string, from = 's_plan pl') =>
      entry(`${from} WHERE ${where}`, {
        key: 'pl.f', registered: 'pl.registered_at', change: literal(change), actor: 'pl.registrar', agency: 'pl.registrar_agency', type: 'TrajectorySupporter', entity: 'pl.plan_id',
        details, at, bumps: 'true',
      });
    return [
      {
        sql: `CREATE TEMP TABLE s_history ON COMMIT DROP AS
          SELECT h.*, pg_temp.uid('history-' || change, key, registered_at + (at - registered_at) / 1000) AS id FROM (
            ${planEvent('PLAN_OPENED', 'fam.plan_created_at', json(['previousPlanId', 'NULL']), 'true')}
            UNION ALL ${planEvent('PLAN_ACTIVATED', 'fam.activated_at', json(['from', "'DRAFT'"], ['to', "'ACTIVE'"]), 'fam.activated_at IS NOT NULL')}
            UNION ALL ${planEvent('PLAN_CLOSED', 'fam.closed_at', json(['from', "'ACTIVE'"], ['to', "'CLOSED'"], ['reasonCode', 'fam.close_reason_code']), 'fam.closed_at IS NOT NULL')}
            UNION ALL ${supporterEvent('SUPPORTER_ASSIGNED', 'fam.first_supporter_at', json(['userId', 'pl.registrar'], ['agencyId', 'pl.registrar_agency']),
              'fam.first_supporter_at IS NOT NULL', 's_plan pl JOIN s_family fam USING (f, plan_id)')}
            UNION ALL ${supporterEvent('SUPPORT_HANDOVER_STARTED', 'pl.handover_at', json(['toUserId', 'pl.successor'], ['agencyId', 'pl.successor_agency']),
              'pl.handover IS NOT NULL')}
            UNION ALL ${supporterEvent('SUPPORT_HANDED_OVER', 'pl.confirmed_at',
              json(['confirmedByMemberId', 'm0.id'], ['from', 'jsonb_build_array(pl.registrar)'], ['to', 'jsonb_build_array(pl.successor)']),
              `pl.handover = 'DONE'`, 's_plan pl JOIN s_member m0 ON m0.f = pl.f AND m0.m = 0')}
            UNION ALL ${entry('s_team t JOIN s_plan pl USING (f)', {
              key: 't.key', registered: 't.registered_at', change: `'PARTICIPANT_ADDED'`, actor: coordinator('t.added_at').user, agency: coordinator('t.added_at').agency,
              type: 'PlanParticipant', entity: 't.participant_id', details: json(['agencyId', 't.agency_id'], ['contribution', 't.contribution']),
              at: 't.added_at', bumps: 'true',
            })}
            UNION ALL ${entry('s_goal', {
              key: 'key', registered: 'registered_at', change: `'GOAL_ADDED'`, actor: 'created_by', agency: 'created_by_agency', type: 'Goal', entity: 'id',
              details: json(['lifeDomain', 'domain'], ['owner', 'owner_kind'], ['ownerAgencyId', 'owner_agency_id'], ['status', `'PROPOSED'`]),
              at: 'created_at', bumps: 'false',
            })}
            UNION ALL ${entry('s_goal_update', {
              key: 'key', registered: 'registered_at', change: `'GOAL_UPDATED'`, actor: 'actor', agency: 'actor_agency', type: 'Goal', entity: 'goal_id',
              details: `CASE WHEN kind = 'PROGRESS' THEN ${json(['progressNoteId', 'progress_note_id'], ['version', 'u + 1'])}
                             ELSE ${json(['status', json(['before', 'before'], ['after', 'after'])], ['version', 'u + 1'])} END`,
              at: 'at', bumps: 'false',
            })}
            UNION ALL ${entry('s_action', {
              key: 'key', registered: 'registered_at', change: `'ACTION_ADDED'`, actor: 'created_by', agency: 'created_by_agency', type: 'Action', entity: 'id',
              details: json(['goalId', 'goal_id'], ['title', 'title'], ['assigneeUserId', 'assignee_user_id'], ['assigneeMemberId', 'assignee_member_id'],
                ['dueDate', `to_char(due_date, 'YYYY-MM-DD')`]),
              at: 'created_at', bumps: 'false',
            })}
            UNION ALL ${entry(`s_action WHERE status <> 'OPEN'`, {
              key: 'key', registered: 'registered_at', change: `CASE status WHEN 'DONE' THEN 'ACTION_COMPLETED' ELSE 'ACTION_CANCELLED' END`, actor: 'closed_by', agency: 'closed_by_agency',
              type: 'Action', entity: 'id', details: json(['goalId', 'goal_id'], ['from', `'OPEN'`], ['to', 'status']), at: 'closed_at', bumps: 'false',
            })}
            UNION ALL ${entry('s_note', {
              key: 'key', registered: 'registered_at', change: `'NOTE_ADDED'`, actor: 'author_id', agency: 'author_agency', type: 'Note', entity: 'id',
              details: json(['category', 'category']), at: 'created_at', bumps: 'false',
            })}) h`,
      },
    ];
  }

  /**
   * A few audit entries per family: its registration and the plan's opening (writes), and a read of the
   * plan and of a parent by the supporter, with the consents it read under (or as their author).
   */
  function audit(): Statement[] {
    return [
      {
        sql: `CREATE TEMP TABLE s_read ON COMMIT DROP AS
          SELECT rd.f, rd.family_id, rd.plan_id, rd.at, rd.reader, rd.reader_agency, rd.member_id,
                 coalesce(array_agg(DISTINCT c.id) FILTER (WHERE 'PLAN' = ANY (c.categories)), '{}') AS plan_consents,
                 coalesce(array_agg(DISTINCT c.id) FILTER (WHERE 'IDENTITY' = ANY (c.categories) AND rd.member_id = ANY (c.subjects)), '{}') AS member_consents
            FROM (SELECT fam.f, fam.id AS family_id, fam.plan_id, pl.registrar AS reader, pl.registrar_agency AS reader_agency, m0.id AS member_id,
                         ${ms(within(`fam.plan_created_at + interval '3 hours'`, 'fam.end_at', `0.3 + 0.7 * ${rnd('read-at', 'fam.f')}`))} AS at
                    FROM s_family fam JOIN s_plan pl USING (f) JOIN s_member m0 ON m0.f = fam.f AND m0.m = 0) rd
            LEFT JOIN s_consent c ON c.f = rd.f AND c.agency_id = rd.reader_agency AND c.valid_from <= rd.at
                 AND (c.valid_until IS NULL OR c.valid_until > rd.at) AND (c.revoked_at IS NULL OR c.revoked_at > rd.at)
           GROUP BY rd.f, rd.family_id, rd.plan_id, rd.at, rd.reader, rd.reader_agency, rd.member_id`,
      },
      {
        sql: `CREATE TEMP TABLE s_audit ON COMMIT DROP AS
          SELECT a.*, pg_temp.uid('request', request_key, request_at)::text AS request_id FROM (
            SELECT fam.f * 8 AS request_key, fam.registered_at AS request_at, 0 AS ord, fam.registered_at AS at, pl.registrar AS actor, pl.registrar_agency AS agency,
                   'INSERT' AS action, 'family' AS entity_type, fam.id AS entity_id, fam.id AS family_id, '{}'::uuid[] AS member_ids, '{}'::text[] AS categories,
                   'ASSIGNMENT' AS legal_basis, '{}'::uuid[] AS consent_ids
              FROM s_family fam JOIN s_plan pl USING (f)
            UNION ALL
            SELECT fam.f * 8, fam.registered_at, 1 + m.m, fam.registered_at, pl.registrar, pl.registrar_agency, 'INSERT', 'family_member', m.id, fam.id,
                   '{}', '{}', 'ASSIGNMENT', '{}'
              FROM s_family fam JOIN s_plan pl USING (f) JOIN s_member m ON m.f = fam.f
            UNION ALL
            SELECT fam.f * 8, fam.registered_at, 9, fam.registered_at, pl.registrar, pl.registrar_agency, 'INSERT', 'case_assignment', t.assignment_id, fam.id,
                   '{}', '{}', 'ASSIGNMENT', '{}'
              FROM s_family fam JOIN s_plan pl USING (f) JOIN s_team t ON t.f = fam.f AND t.s = 0
            UNION ALL
            SELECT fam.f * 8 + 1, fam.plan_created_at, 0, fam.plan_created_at, pl.registrar, pl.registrar_agency, 'INSERT', 'plan', fam.plan_id, fam.id,
                   '{}', '{}', 'ASSIGNMENT', '{}'
              FROM s_family fam JOIN s_plan pl USING (f)
            UNION ALL
            -- The entry PLAN_OPENED of s_history, by its id.
            SELECT fam.f * 8 + 1, fam.plan_created_at, 1, fam.plan_created_at, pl.registrar, pl.registrar_agency, 'INSERT', 'plan_history',
                   ${familyRowId('history-PLAN_OPENED', 'fam.f', 'fam.plan_created_at', 'fam.registered_at')}, fam.id, '{}', '{}', 'ASSIGNMENT', '{}'
              FROM s_family fam JOIN s_plan pl USING (f)
            UNION ALL
            SELECT f * 8 + 2, at, 0, at, reader, reader_agency, 'READ', 'Plan', plan_id, family_id, '{}', ARRAY['PLAN'],
                   CASE WHEN cardinality(plan_consents) > 0 THEN 'CONSENT' ELSE 'AUTHOR' END, plan_consents
              FROM s_read
            UNION ALL
            SELECT f * 8 + 2, at, 1, at, reader, reader_agency, 'READ', 'FamilyMember', member_id, family_id, ARRAY[member_id], ARRAY['IDENTITY'],
                   CASE WHEN cardinality(member_consents) > 0 THEN 'CONSENT' ELSE 'AUTHOR' END, member_consents
              FROM s_read
            UNION ALL
            SELECT f * 8 + 3, starts_at, 0, starts_at, user_id, agency_id, 'INSERT', 'break_glass_grant', id, family_id, '{}', '{}', 'ASSIGNMENT', '{}'
              FROM s_break_glass) a`,
      },
    ];
  }

  /**
   * Consents, their subjects (each subject row derives its grants by trigger) and revocations (which revoke
   * them); and the audit entries, which name the consents reads were made under.
   */
  function consentInserts(): Statement[] {
    const consent = (staging: string, purposeCode: string, purpose: string) => `
      INSERT INTO consent (id, family_id, grantor_member_id, recipient_agency_id, categories, purpose_code, purpose, valid_from, valid_until,
                           method, evidence_reference, recorded_by_user_id, recorded_by_agency_id, recorded_at)
      SELECT id, family_id, grantor_id, agency_id, categories, ${purposeCode}, ${purpose}, valid_from, valid_until, method,
             CASE method WHEN 'WRITTEN' THEN 'Toestemmingsformulier, dossier ' || to_char(valid_from, 'YYYY') || '/' || key
                         WHEN 'VERBAL_WITH_WITNESS' THEN 'Mondeling gegeven, in aanwezigheid van een collega; verslag in dossier ' || key END,
             CASE WHEN method <> 'FAMILY_PORTAL' THEN caseworker_id END, CASE WHEN method <> 'FAMILY_PORTAL' THEN caseworker_agency_id END, valid_from
        FROM ${staging} ORDER BY valid_from, key`;
    // A portal member withdraws a consent itself; otherwise its caseworker records who withdrew it.
    const revocation = (staging: string) => `
      INSERT INTO consent_revocation (consent_id, reason, revoked_by_member_id, revoked_by_user_id, revoked_at)
      SELECT id, ${pick(REVOCATION_REASONS, 'r_revoke_reason')}, grantor_id,
             CASE WHEN grantor_in_portal AND r_revoke_by < 0.5 THEN NULL ELSE caseworker_id END, revoked_at
        FROM ${staging} WHERE revoked_at IS NOT NULL ORDER BY revoked_at, key`;
    const volunteerPurpose = `'Ondersteuning door een vrijwilliger bij het gezin thuis'`;
    return [
      {
        sql: consent('s_consent', 'purpose_code',
          `CASE purpose_code WHEN 'PLAN_COORDINATION' THEN 'Samen aan het gezinsplan werken' ELSE ${volunteerPurpose} END`),
        counts: 'consent',
      },
      { sql: consent('s_rconsent', `'REFERRAL'`, 'purpose'), counts: 'consent' },
      {
        sql: `INSERT INTO consent_subject (consent_id, member_id)
          SELECT c.id, cm.member_id FROM s_consent_member cm
            JOIN s_consent c ON c.f = cm.f AND c.s = cm.s AND c.g = cm.g AND c.grantor_m = cm.grantor_m
           ORDER BY c.valid_from, c.key, cm.m`,
        counts: 'consent_subject',
      },
      {
        sql: `INSERT INTO consent_subject (consent_id, member_id)
          SELECT c.id, cm.member_id FROM s_rconsent_member cm
            JOIN s_rconsent c ON c.referral_key = cm.referral_key AND c.grantor_m = cm.grantor_m
           ORDER BY c.valid_from, c.key, cm.m`,
        counts: 'consent_subject',
      },
      { sql: revocation('s_consent'), counts: 'consent_revocation' },
      { sql: revocation('s_rconsent'), counts: 'consent_revocation' },
      // Through the audit queue, in time order: linked to the hash chain in that order at the end.
      {
        // A read names the records it read (entity_ids), as the service's read audit does.
        sql: `INSERT INTO audit_event (at, request_id, actor_subject, actor_user_id, acting_agency_id, action, entity_type, entity_id, entity_ids,
                                       family_id, member_ids, categories, legal_basis, consent_ids)
          SELECT a.at, a.request_id, u.subject, a.actor, a.agency, a.action, a.entity_type,
                 CASE WHEN a.action = 'READ' THEN NULL ELSE a.entity_id END, CASE WHEN a.action = 'READ' THEN ARRAY[a.entity_id] END,
                 a.family_id, a.member_ids, a.categories, a.legal_basis, a.consent_ids
            FROM s_audit a JOIN seed_user u ON u.id = a.actor ORDER BY a.at, a.request_key, a.ord`,
        counts: 'audit_event',
      },
    ];
  }

  function familyInserts(): Statement[] {
    return [
      {
        sql: `INSERT INTO family (id, network_id, registered_by_agency_id, created_at)
          SELECT fam.id, fam.network_id, pl.registrar_agency, fam.registered_at FROM s_family fam JOIN s_plan pl USING (f) ORDER BY fam.f`,
        counts: 'family',
      },
      {
        sql: `INSERT INTO family_member (id, family_id, role, given_name, family_name, birth_date, expected_date, email, phone, preferred_language,
                                         portal_subject, created_at, created_by_user_id)
          SELECT m.id, fam.id, m.role, m.given_name, m.own_family_name, CASE WHEN m.role <> 'UNBORN' THEN m.birth_date END, m.expected_date,
                 m.email, m.phone, m.preferred_language, m.portal_subject, m.registered_at, pl.registrar
            FROM s_member m JOIN s_family fam USING (f) JOIN s_plan pl USING (f) ORDER BY m.key`,
        counts: 'family_member',
      },
      {
        sql: `INSERT INTO capacity_assessment (id, member_id, capable, reason, assessed_by_user_id, assessed_by_agency_id, assessed_at)
          SELECT ${familyRowId('capacity-assessment', 'm.key', `m.registered_at + interval '1 hour'`, 'm.registered_at')}, m.id, m.assessed,
                 CASE WHEN m.assessed THEN 'Begrijpt in een gesprek goed wat de hulp inhoudt en wat het delen van gegevens betekent.'
                      ELSE 'Kan de gevolgen van het delen van gegevens nog niet overzien; de ouders beslissen mee.' END,
                 pl.registrar, pl.registrar_agency, m.registered_at + interval '1 hour'
            FROM s_member m JOIN s_plan pl USING (f) WHERE m.assessed IS NOT NULL ORDER BY m.key`,
        counts: 'capacity_assessment',
      },
      {
        sql: `INSERT INTO case_assignment (id, family_id, user_id, agency_id, assigned_by_user_id, created_at, ended_at)
          SELECT id, family_id, user_id, agency_id, assigned_by, created_at, ended_at FROM (
            SELECT t.assignment_id AS id, fam.id AS family_id, t.worker_id AS user_id, t.agency_id,
                   CASE WHEN t.s = 0 THEN t.worker_id ELSE t.admin_id END AS assigned_by, t.assigned_at AS created_at, NULL::timestamptz AS ended_at, t.key
              FROM s_team t JOIN s_family fam USING (f)
            UNION ALL
            SELECT ${familyRowId('assignment-predecessor', 't.key', 't.joined_at', 't.registered_at')}, fam.id, t.predecessor_id, t.agency_id, t.admin_id,
                   ${ms('t.joined_at + (t.assigned_at - t.joined_at) * 0.1')}, t.assigned_at, t.key
              FROM s_team t JOIN s_family fam USING (f) WHERE t.predecessor_id IS NOT NULL) a
          ORDER BY created_at, key`,
        counts: 'case_assignment',
      },
      {
        sql: `INSERT INTO plan (id, family_id, generation, status, summary, strengths, close_reason_code, close_reason, closed_at, closed_by_user_id,
                          version, created_at, updated_at, created_by_user_id)
          SELECT fam.plan_id, fam.id, 1, fam.plan_status, fam.summary, fam.strengths,
                 CASE WHEN fam.plan_status = 'CLOSED' THEN fam.close_reason_code END,
                 CASE WHEN fam.plan_status = 'CLOSED' THEN fam.close_reason END, fam.closed_at,
                 -- Closed by its supporter at the time: the successor once a handover was confirmed.
                 CASE WHEN fam.plan_status = 'CLOSED' THEN CASE WHEN pl.handover = 'DONE' THEN pl.successor ELSE pl.registrar END END,
                 1 + h.changes, fam.plan_created_at, coalesce(h.last_change, fam.plan_created_at), pl.registrar
            FROM s_family fam JOIN s_plan pl USING (f)
            JOIN (SELECT plan_id, count(*) FILTER (WHERE bumps)::int AS changes, max(at) FILTER (WHERE bumps) AS last_change
                    FROM s_history GROUP BY plan_id) h ON h.plan_id = fam.plan_id
           ORDER BY fam.f`,
        counts: 'plan',
      },
      {
        // The first parent agreed to each closure (as closePlan requires of an adult parent or caregiver).
        sql: `INSERT INTO plan_closure_agreement (plan_id, member_id)
          SELECT fam.plan_id, m0.id FROM s_family fam JOIN s_member m0 ON m0.f = fam.f AND m0.m = 0
           WHERE fam.plan_status = 'CLOSED' ORDER BY fam.f`,
        counts: 'plan_closure_agreement',
      },
      {
        sql: `INSERT INTO trajectory_supporter (id, plan_id, user_id, agency_id, state, started_at, ended_at, family_confirmation)
          SELECT ${familyRowId('supporter', 'fam.f * 2', 'fam.first_supporter_at', 'fam.registered_at')}, fam.plan_id, pl.registrar, pl.registrar_agency,
                 CASE WHEN pl.handover = 'DONE' THEN 'ENDED' ELSE 'CURRENT' END, fam.first_supporter_at,
                 CASE WHEN pl.handover = 'DONE' THEN pl.confirmed_at END, NULL
            FROM s_family fam JOIN s_plan pl USING (f, plan_id) WHERE fam.first_supporter_at IS NOT NULL
          UNION ALL
          SELECT ${familyRowId('supporter', 'pl.f * 2 + 1', 'pl.handover_at', 'pl.registered_at')}, pl.plan_id, pl.successor, pl.successor_agency,
                 CASE pl.handover WHEN 'DONE' THEN 'CURRENT' ELSE 'INCOMING' END, pl.handover_at, NULL,
                 CASE WHEN pl.handover = 'DONE' THEN 'Confirmed by family member ' || m0.id || ' (recorded by user ' || pl.registrar || ')' END
            FROM s_plan pl JOIN s_member m0 ON m0.f = pl.f AND m0.m = 0 WHERE pl.handover IS NOT NULL`,
        counts: 'trajectory_supporter',
      },
      {
        sql: `INSERT INTO plan_participant (id, plan_id, agency_id, contribution, added_at)
          SELECT t.participant_id, fam.plan_id, t.agency_id, t.contribution, t.added_at FROM s_team t JOIN s_family fam USING (f) ORDER BY t.added_at, t.key`,
        counts: 'plan_participant',
      },
      {
        sql: `INSERT INTO goal (id, plan_id, life_domain, description, owner_kind, owner_agency_id, status, version, created_at, updated_at, created_by_user_id)
          SELECT id, plan_id, domain, description, owner_kind, owner_agency_id, status, 1 + n_updates, created_at, updated_at, created_by
            FROM s_goal ORDER BY key`,
        counts: 'goal',
      },
      {
        sql: `INSERT INTO goal_progress_note (id, goal_id, body, author_user_id, author_agency_id, created_at)
          SELECT progress_note_id, goal_id, body, actor, actor_agency, at FROM s_goal_update WHERE kind = 'PROGRESS' ORDER BY key`,
        counts: 'goal_progress_note',
      },
      {
        sql: `INSERT INTO action (id, goal_id, title, assignee_user_id, assignee_member_id, due_date, status, completed_at, created_at, created_by_user_id)
          SELECT id, goal_id, title, assignee_user_id, assignee_member_id, due_date, status, completed_at, created_at, created_by
            FROM s_action ORDER BY key`,
        counts: 'action',
      },
      {
        sql: `INSERT INTO note (id, plan_id, category, body, author_user_id, author_agency_id, created_at)
          SELECT id, plan_id, category, body, author_id, author_agency, created_at FROM s_note ORDER BY key`,
        counts: 'note',
      },
      {
        sql: `INSERT INTO note_member (note_id, member_id)
          SELECT n.id, m.id FROM s_note n JOIN s_member m ON m.f = n.f AND ((n.n_members >= 1 AND m.m = n.m1) OR (n.n_members = 2 AND m.m = n.m2))
           ORDER BY n.key, m.m`,
        counts: 'note_member',
      },
      {
        sql: `INSERT INTO referral (id, family_id, plan_id, from_agency_id, to_agency_id, status, version, urgency, reason, requested_service,
                                    external_reference, decline_reason, withdraw_reason, family_declined_meeting, outcome, outcome_reason, outcome_note,
                                    due_at, sent_at, received_at, accepted_at, completed_at, created_by_user_id, created_at, updated_at)
          SELECT id, family_id, plan_id, from_agency_id, to_agency_id, status, version, urgency, reason, requested_service,
                 external_reference, decline_reason, withdraw_reason, family_declined_meeting, outcome, outcome_reason, outcome_note,
                 due_at, sent_at, received_at, accepted_at, completed_at, creator_id, created_at, updated_at
            FROM s_referral ORDER BY created_at, key`,
        counts: 'referral',
      },
      {
        sql: `INSERT INTO referral_member (referral_id, member_id)
          SELECT rf.id, m.id FROM s_referral rf JOIN s_member m ON m.f = rf.f AND (m.m = rf.member_a OR m.m = rf.member_b) ORDER BY rf.key, m.m`,
        counts: 'referral_member',
      },
      {
        sql: `INSERT INTO referral_transition (id, referral_id, from_status, to_status, version, at, actor_user_id, actor_agency_id, reason, details)
          SELECT transition_id, referral_id, from_status, to_status, k + 1, at, actor_id, actor_agency_id, reason,
                 CASE name
                   WHEN 'scheduleHandover' THEN jsonb_build_object('meetingId', meeting_id)
                   WHEN 'rescheduleHandover' THEN jsonb_build_object('previousMeetingId', previous_meeting_id, 'meetingId', meeting_id)
                   WHEN 'cancelHandover' THEN jsonb_build_object('meetingId', previous_meeting_id)
                   WHEN 'recordHandoverMissed' THEN jsonb_build_object('meetingId', previous_meeting_id)
                   WHEN 'recordHandoverHeld' THEN jsonb_build_object('meetingId', previous_meeting_id)
                   WHEN 'complete' THEN jsonb_build_object('outcome', outcome, 'outcomeReason', outcome_reason,
                                                           'familyDeclinedMeeting', from_status <> 'HANDOVER_HELD')
                   ELSE '{}'::jsonb END
            FROM s_rstep ORDER BY at, step_key`,
        counts: 'referral_transition',
      },
      // A meeting ends with the step after the one that planned it (ReferralsService.endMeeting).
      {
        sql: `INSERT INTO handover_meeting (id, referral_id, starts_at, location, online_url, attendees, state, note, created_by_user_id, created_at, ended_at)
          SELECT meeting_id, referral_id, ${ms('at + lead')},
                 CASE WHEN r_place < 0.7 THEN ${pick(MEETING_PLACES, 'r_place / 0.7')} END,
                 CASE WHEN r_place >= 0.7 THEN 'https://meet.example/' || substr(replace(meeting_id::text, '-', ''), 21, 12) END,
                 CASE WHEN r_attendees < 0.8 THEN ARRAY['FAMILY', 'REFERRER', 'RECEIVER'] ELSE ARRAY['FAMILY', 'RECEIVER'] END,
                 CASE WHEN next_name IS NULL THEN 'SCHEDULED' WHEN next_name = 'rescheduleHandover' THEN 'RESCHEDULED'
                      WHEN next_name = 'recordHandoverMissed' THEN 'MISSED' WHEN next_name = 'recordHandoverHeld' THEN 'HELD' ELSE 'CANCELLED' END,
                 CASE WHEN next_name = 'complete' THEN 'The family declined the meeting' ELSE next_reason END,
                 actor_id, at, next_at
            FROM s_rstep WHERE meeting_id IS NOT NULL ORDER BY at, step_key`,
        counts: 'handover_meeting',
      },
      // The outbox event of every transition, its body byte for byte as ReferralEvents.record writes it.
      {
        sql: `INSERT INTO outbox_event (id, type, referral_id, version, occurred_at, body)
          SELECT event_id, 'referral.status_changed', referral_id, k + 1, at,
                 '{"id":"' || event_id || '","type":"referral.status_changed","occurredAt":"' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                 || '","data":{"referralId":"' || referral_id || '","externalReference":'
                 || CASE WHEN k >= received_k AND external_reference IS NOT NULL THEN to_json(external_reference)::text ELSE 'null' END
                 || ',"from":' || coalesce('"' || from_status || '"', 'null') || ',"to":"' || to_status || '","version":' || (k + 1) || '}}'
            FROM s_rstep ORDER BY at, step_key`,
        counts: 'outbox_event',
      },
      // Accepting adds the receiving agency to the plan team (unless it is on it) and assigns the accepting caseworker.
      {
        sql: `WITH joined AS (
            INSERT INTO plan_participant (id, plan_id, agency_id, contribution, added_at)
            SELECT ${familyRowId('participant-by-referral', 'st.step_key', 'st.at', 'rf.registered_at')}, rf.plan_id, rf.to_agency_id, rf.requested_service, st.at
              FROM s_rstep st JOIN s_referral rf ON rf.key = st.key WHERE st.name = 'accept' ORDER BY st.at, st.step_key
            ON CONFLICT (plan_id, agency_id) WHERE removed_at IS NULL DO NOTHING
            RETURNING id, plan_id, agency_id, contribution, added_at)
          INSERT INTO plan_history (id, plan_id, actor_user_id, acting_agency_id, entity_type, entity_id, change, details, at)
          SELECT ${familyRowId('history-PARTICIPANT_ADDED', 'st.step_key', 'st.at', 'rf.registered_at')}, j.plan_id, st.actor_id, st.actor_agency_id, 'PlanParticipant', j.id,
                 'PARTICIPANT_ADDED', jsonb_build_object('agencyId', j.agency_id, 'contribution', j.contribution, 'referralId', st.referral_id), j.added_at
            FROM joined j JOIN s_referral rf ON rf.plan_id = j.plan_id AND rf.to_agency_id = j.agency_id
            JOIN s_rstep st ON st.key = rf.key AND st.name = 'accept' AND st.at = j.added_at`,
        counts: ['plan_participant', 'plan_history'],
      },
      {
        sql: `INSERT INTO case_assignment (id, family_id, user_id, agency_id, assigned_by_user_id, created_at)
          SELECT ${familyRowId('assignment-by-referral', 'st.step_key', 'st.at', 'rf.registered_at')}, rf.family_id, st.actor_id, rf.to_agency_id, st.actor_id, st.at
            FROM s_rstep st JOIN s_referral rf ON rf.key = st.key WHERE st.name = 'accept' ORDER BY st.at, st.step_key
          ON CONFLICT (family_id, user_id, agency_id) WHERE ended_at IS NULL DO NOTHING`,
        counts: 'case_assignment',
      },
      {
        sql: `INSERT INTO break_glass_grant (id, family_id, user_id, agency_id, justification, starts_at, expires_at)
          SELECT id, family_id, user_id, agency_id, justification, starts_at, expires_at FROM s_break_glass ORDER BY f`,
        counts: 'break_glass_grant',
      },
      {
        sql: `INSERT INTO break_glass_revocation (grant_id, revoked_by_user_id, revoked_at)
          SELECT id, user_id, revoked_at FROM s_break_glass WHERE revoked_at IS NOT NULL ORDER BY f`,
        counts: 'break_glass_revocation',
      },
      {
        sql: `INSERT INTO plan_history (id, plan_id, actor_user_id, acting_agency_id, entity_type, entity_id, change, details, at)
          SELECT id, plan_id, actor_user_id, acting_agency_id, entity_type, entity_id, change, details, at FROM s_history ORDER BY at, key, change`,
        counts: 'plan_history',
      },
    ];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Running it.

/** The audited tables the second session of a run writes (see familyBatch), besides audit_event; the first writes all others. */
const CONSENT_TABLES = new Set(['consent', 'consent_subject', 'consent_revocation', 'consent_grant']);

export async function seedDatabase(db: DataSource, options: SeedOptions): Promise<SeedSummary> {
  if (!Number.isSafeInteger(options.families) || options.families < 1) throw new Error('families must be a positive whole number');
  if (!Number.isSafeInteger(options.seed) || options.seed < 0 || options.seed > 1e9) throw new Error('seed must be a whole number from 0 to 1000000000');
  const asOf = options.asOf ?? DEFAULT_AS_OF;
  if (Number.isNaN(asOf.getTime())) throw new Error('asOf must be a valid date');
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const started = performance.now();
  const families = db.createQueryRunner();
  const consents = db.createQueryRunner();
  let consentsDone: Promise<void> = Promise.resolve();
  try {
    const [existing] = await families.query(`SELECT (SELECT count(*) FROM family)::int AS families, (SELECT count(*) FROM network)::int AS networks,
                                                    (SELECT count(*) FROM app_user)::int AS users`);
    if (existing.families > 0 && !options.append) {
      throw new SeedRefusedError(`The database already holds ${existing.families} families: seeding fills an empty database (use --append to add networks beside them)`);
    }
    const plan = runPlan(options.families, options.seed, asOf, existing, holidaysAround(asOf, options.extraHolidays ?? []));
    for (const runner of [families, consents]) {
      for (const sql of generatorFunctions(plan.seed)) await runner.query(sql);
    }
    const counts: Record<string, number> = {};
    await runBatch(families, organisation(plan), counts, () => true);
    for (const statement of organisation(plan).filter((s) => !s.counts)) await consents.query(statement.sql);
    options.onProgress?.(0, plan.families);
    let consentsFailed = false;
    for (let from = 0; from < plan.families && !consentsFailed; from += batchSize) {
      const to = Math.min(from + batchSize, plan.families);
      const batch = familyBatch(plan, from, to);
      await runBatch(families, batch.families, counts, (table) => !CONSENT_TABLES.has(table));
      consentsDone = consentsDone.then(async () => {
        await runBatch(consents, batch.consents, counts, (table) => CONSENT_TABLES.has(table));
        options.onProgress?.(to, plan.families);
      });
      consentsDone.catch(() => (consentsFailed = true));
    }
    await consentsDone;
    const networkIds: string[] = (await families.query(`SELECT id FROM seed_network ORDER BY no`)).map((r: { id: string }) => r.id);
    const [grants] = await families.query(
      `SELECT count(*)::int AS n FROM consent_grant cg JOIN consent c ON c.id = cg.consent_id JOIN family f ON f.id = c.family_id WHERE f.network_id = ANY($1)`,
      [networkIds],
    );
    counts.consent_grant = grants.n;
    await chainPendingAuditEntries(families);
    await families.query('ANALYZE');
    return {
      seed: plan.seed,
      asOf,
      families: plan.families,
      networkIds,
      elapsedSeconds: (performance.now() - started) / 1000,
      counts,
      ...(await samples(families, networkIds)),
    };
  } finally {
    await consentsDone.catch(() => undefined);
    for (const runner of [families, consents]) {
      await runner.query('DISCARD TEMP').catch(() => undefined);
      await runner.release();
    }
  }
}

function runPlan(
  families: number,
  seed: number,
  asOf: Date,
  existing: { networks: number; families: number; users: number },
  holidays: string[],
): RunPlan {
  const networks = Math.max(1, Math.round(families / FAMILIES_PER_NETWORK));
  const agenciesPerNetwork = Math.max(KIND_COUNT, Math.round(families / FAMILIES_PER_AGENCY / networks));
  return {
    seed,
    asOf,
    families,
    networks,
    agenciesPerNetwork,
    // At least an admin, a caseworker and one more person in every agency (a volunteer organisation: a volunteer).
    usersPerNetwork: Math.max(3 * agenciesPerNetwork, Math.round(families / FAMILIES_PER_USER / networks)),
    networkBase: existing.networks,
    familyBase: existing.families,
    userBase: existing.users,
    holidays,
  };
}

/** Days off for referral deadlines over the years the data spans. */
function holidaysAround(asOf: Date, extra: readonly string[]): string[] {
  const year = asOf.getUTCFullYear();
  const years = Array.from({ length: 8 }, (_, i) => year - 6 + i);
  return [...years.flatMap((y) => belgianPublicHolidays(y)), ...extra];
}

/**
 * One transaction: the per-row audit triggers of the tables it writes (`audited`) are off inside it only
 * (a rollback restores them too), the grants triggers and the audit chain stay on. Counts rows per table.
 */
async function runBatch(
  runner: QueryRunner,
  statements: Statement[],
  counts: Record<string, number>,
  audited: (table: string) => boolean,
): Promise<void> {
  await runner.startTransaction();
  try {
    // Losing the last batches in a crash costs a rerun, nothing else: no need to wait for each flush.
    await runner.query(`SET LOCAL synchronous_commit = off`);
    const triggers: { name: string; relation: string; table: string }[] = await runner.query(
      `SELECT format('%I', t.tgname) AS name, format('%I', c.relname) AS relation, c.relname AS table
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE p.proname = 'audit_write' AND NOT t.tgisinternal AND pg_table_is_visible(c.oid)
        ORDER BY c.relname`,
    );
    const disabled = triggers.filter((t) => audited(t.table));
    for (const t of disabled) await runner.query(`ALTER TABLE ${t.relation} DISABLE TRIGGER ${t.name}`);
    for (const statement of statements) {
      const result = await runner.query(statement.sql, undefined, true);
      // Statistics for each staged table, so that the planner sizes the joins that read it.
      const staged = /^\s*CREATE TEMP TABLE (\w+)/.exec(statement.sql);
      if (staged) await runner.query(`ANALYZE ${staged[1]}`);
      for (const table of [statement.counts ?? []].flat()) counts[table] = (counts[table] ?? 0) + (result.affected ?? 0);
    }
    for (const t of disabled) await runner.query(`ALTER TABLE ${t.relation} ENABLE TRIGGER ${t.name}`);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}

/** Principals that have something to do on the seeded data, checked against the clock now. */
async function samples(runner: QueryRunner, networkIds: string[]): Promise<Pick<SeedSummary, 'caseworkers' | 'incoming' | 'portalMembers'>> {
  const singleMembership = (user: string) => `(SELECT count(*) FROM membership x WHERE x.user_id = ${user}) = 1`;
  const caseworkers: CaseworkerSample[] = await runner.query(
    `SELECT u.subject, u.id AS "userId", ca.agency_id AS "agencyId",
            (array_agg(f.id ORDER BY f.id))[1:5] AS "familyIds", (array_agg(p.id ORDER BY f.id))[1:5] AS "planIds"
       FROM case_assignment ca
       JOIN app_user u ON u.id = ca.user_id
       JOIN membership m ON m.user_id = ca.user_id AND m.agency_id = ca.agency_id AND m.role = 'CASEWORKER'
       JOIN family f ON f.id = ca.family_id AND f.network_id = ANY($1)
       JOIN plan p ON p.family_id = f.id AND p.status = 'ACTIVE'
      WHERE ca.ended_at IS NULL AND ${singleMembership('ca.user_id')}
        AND EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = f.id AND cg.recipient_agency_id = ca.agency_id AND cg.category = 'PLAN'
                     AND ${GRANT_IN_FORCE})
        AND EXISTS (SELECT 1 FROM goal g JOIN action a ON a.goal_id = g.id WHERE g.plan_id = p.id AND g.life_domain NOT IN ('HEALTH', 'SAFETY'))
      GROUP BY u.subject, u.id, ca.agency_id
      ORDER BY count(*) DESC, u.subject LIMIT 25`,
    [networkIds],
  );
  const incoming: IncomingSample[] = await runner.query(
    `SELECT w.subject, o.agency_id AS "agencyId", o.overdue::int AS overdue, o.referral_ids AS "overdueReferralIds"
       FROM (SELECT r.to_agency_id AS agency_id, (array_agg(r.id ORDER BY r.due_at, r.id))[1:5] AS referral_ids, count(*) AS overdue
               FROM referral r JOIN family f ON f.id = r.family_id AND f.network_id = ANY($1)
              WHERE r.sent_at IS NOT NULL AND r.due_at < now()
              GROUP BY r.to_agency_id) o
       CROSS JOIN LATERAL (SELECT u.subject FROM membership m JOIN app_user u ON u.id = m.user_id
                            WHERE m.agency_id = o.agency_id AND m.role = 'CASEWORKER' AND ${singleMembership('m.user_id')}
                            ORDER BY u.subject LIMIT 1) w
      ORDER BY o.overdue DESC, o.agency_id LIMIT 10`,
    [networkIds],
  );
  const portalMembers: PortalSample[] = await runner.query(
    `SELECT fm.portal_subject AS subject, fm.id AS "memberId", fm.family_id AS "familyId"
       FROM family_member fm JOIN family f ON f.id = fm.family_id AND f.network_id = ANY($1)
      WHERE fm.portal_subject IS NOT NULL ORDER BY fm.id LIMIT 20`,
    [networkIds],
  );
  return { caseworkers, incoming, portalMembers };
}

// ---------------------------------------------------------------------------------------------------------
// The command.

function parseOptions(argv: string[]): SeedOptions {
  const options = {
    families: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'as-of': { type: 'string' },
    append: { type: 'boolean', default: false },
  } as const;
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof options }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: seed [--families N] [--seed S] [--as-of YYYY-MM-DD] [--append]`);
  }
  const whole = (name: string, value: string) => {
    if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number (got "${value}")`);
    return Number(value);
  };
  const asOf = values['as-of'];
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new UsageError(`--as-of must be a date YYYY-MM-DD (got "${asOf}")`);
  return {
    families: whole('families', values.families),
    seed: whole('seed', values.seed),
    asOf: asOf === undefined ? undefined : new Date(`${asOf}T00:00:00.000Z`),
    append: values.append,
  };
}

class UsageError extends Error {}

/** A text bar on stderr, redrawn in place; `close` ends its line if the run stopped half-way. */
function progressBar(): { update: (done: number, total: number) => void; close: () => void } {
  const started = performance.now();
  let drawn = false;
  const close = () => {
    if (drawn) process.stderr.write('\n');
    drawn = false;
  };
  const update = (done: number, total: number) => {
    const width = 40;
    const filled = Math.round((width * done) / total);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} families, ${seconds} s`);
    drawn = true;
    if (done === total) close();
  };
  return { update, close };
}

function printSummary(summary: SeedSummary): void {
  const lines = [
    `Seeded ${summary.families} families (seed ${summary.seed}, as of ${summary.asOf.toISOString().slice(0, 10)}) in ${summary.elapsedSeconds.toFixed(1)} s`,
    '',
    ...Object.entries(summary.counts).map(([table, rows]) => `  ${table.padEnd(24)} ${String(rows).padStart(12)}`),
    '',
    'Caseworkers with consented access to seeded families (npm run --silent token -- <subject>):',
    ...summary.caseworkers.slice(0, 5).map((c) => `  ${c.subject}  family ${c.familyIds[0]}  plan ${c.planIds[0]}`),
    'Caseworkers of agencies with overdue incoming referrals:',
    ...summary.incoming.slice(0, 5).map((c) => `  ${c.subject}  ${c.overdue} overdue, e.g. referral ${c.overdueReferralIds[0]}`),
    'Family members in the portal (accessLog, myFamily):',
    ...summary.portalMembers.slice(0, 5).map((m) => `  ${m.subject}  family ${m.familyId}`),
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const config = loadConfig();
  const progress = progressBar();
  try {
    const summary = await withConfiguredDatabase(config, (db) =>
      seedDatabase(db, { ...options, extraHolidays: config.extraHolidays, onProgress: progress.update }),
    );
    printSummary(summary);
  } finally {
    progress.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Explicitly: embedded-postgres installs an exit hook that would otherwise end the process with 0.
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      const expected =
        error instanceof ConfigError || error instanceof UsageError || error instanceof SeedRefusedError || error instanceof EmbeddedDatabaseError;
      console.error(expected ? error.message : error);
      process.exit(1);
    },
  );
}
