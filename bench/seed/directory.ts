/** The service directory of each network (docs/directory.md): a few services of every agency, and some of organisations outside the platform. */
import { literal, textArray } from './sql.js';

/** What the services offer: name, description, life domains, age range in months (null: any), languages. */
const TEMPLATES: readonly [string, string, readonly string[], number | null, number | null, readonly string[]][] = [
  ['Opvoedingsondersteuning', 'Vragen over opvoeding en de ontwikkeling van je kind', ['PARENTING'], 0, 215, ['nl']],
  ['Soutien à la parentalité', 'Accompagnement des parents et des futurs parents', ['PARENTING'], -9, 36, ['fr', 'nl']],
  ['Kinderopvang', 'Opvang voor baby’s en peuters', ['CHILDCARE'], 3, 36, ['nl']],
  ['Huiswerkbegeleiding', 'Hulp bij huiswerk voor kinderen van de lagere school', ['EDUCATION'], 72, 144, ['nl', 'ar']],
  ['Prenatale begeleiding', 'Begeleiding tijdens de zwangerschap', ['HEALTH', 'PARENTING'], -9, 0, ['nl', 'en']],
  ['Budgetbegeleiding', 'Hulp bij schulden en het beheer van je budget', ['INCOME'], null, null, ['nl']],
  ['Woonbegeleiding', 'Samen zoeken naar een betaalbare woning', ['HOUSING'], null, null, ['nl', 'fr']],
  ['Aide aux devoirs', 'Soutien scolaire pour les enfants du primaire', ['EDUCATION'], 72, 180, ['fr']],
  ['Speelpleinwerking', 'Vrije tijd en spel in de vakantie', ['LEISURE'], 36, 168, ['nl']],
  ['Digitale hulp', 'Hulp met computer, smartphone en online formulieren', ['DIGITAL_INCLUSION'], null, null, ['nl', 'tr']],
  ['Jobcoaching', 'Begeleiding naar werk of een opleiding', ['WORK'], 192, null, ['nl', 'en']],
  ['Ontmoetingsplek voor ouders', 'Babbelbox: koffie, spel en ontmoeting voor ouders met jonge kinderen', ['SOCIAL_NETWORK', 'PARENTING'], -9, 72, ['nl', 'fr', 'ar']],
];
const EXTERNAL_ORGANISATIONS = ['Home-Start', 'Speelotheek', 'Buurtwerk', 'Ligue des familles', 'Vzw Huiswerkklas'];

const templates = `(SELECT * FROM (VALUES ${TEMPLATES.map(
  ([name, description, domains, min, max, languages], i) =>
    `(${i}, ${literal(name)}, ${literal(description)}, ${textArray(domains)}, ${min ?? 'NULL'}::int, ${max ?? 'NULL'}::int, ${textArray(languages)})`,
).join(', ')}) t(no, name, description, domains, min_age, max_age, languages))`;

/** `perAgency` services of every agency (on the platform), and `external` per network of organisations outside it. */
export function directoryServices(perAgency: number, external: number): { sql: string; counts: string }[] {
  const service = (organisation: string, key: string, at: string) => `
    SELECT pg_temp.uid('directory-service', ${key}, ${at}), ${organisation}, t.name || ' ' || %NAME%, t.description, t.domains,
           t.min_age, t.max_age, t.languages, (ARRAY['FREE', 'REDUCED_UITPAS', 'PAID'])[1 + (${key}) % 3],
           (1000 + (${key}) * 37 % 9000)::text, %HOW%, ${at}, ${at}
      FROM ${templates} t WHERE t.no = (${key}) % ${TEMPLATES.length}`;
  const columns = `INSERT INTO directory_service (id, network_id, agency_id, external_organisation, name, description, life_domains,
      min_age_months, max_age_months, languages, cost, postcode, how_to_refer, created_at, updated_at)`;
  return [
    {
      sql: `${columns} SELECT s.* FROM seed_agency a CROSS JOIN generate_series(0, ${perAgency - 1}) i
        CROSS JOIN LATERAL (${service('a.network_id, a.id, NULL::text', `a.key * ${perAgency} + i`, `a.created_at + interval '1 hour'`)
          .replace('%NAME%', 'a.name')
          .replace('%HOW%', `'ON_PLATFORM'`)}) s`,
      counts: 'directory_service',
    },
    {
      sql: `${columns} SELECT s.* FROM seed_network n CROSS JOIN generate_series(0, ${external - 1}) i
        CROSS JOIN LATERAL (${service(
          `n.id, NULL::uuid, (${textArray(EXTERNAL_ORGANISATIONS)})[1 + i % ${EXTERNAL_ORGANISATIONS.length}] || ' ' || n.region || ' ' || i`,
          `n.key * 1000 + i`,
          `n.created_at + interval '2 days'`,
        )
          .replace('%NAME%', 'n.region')
          .replace('%HOW%', `'BY_CONTACT'`)}) s`,
      counts: 'directory_service',
    },
  ];
}
