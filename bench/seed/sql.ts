/**
 * SQL building blocks of the seed. Everything interpolated is a number, a date or a constant of the seed.
 */
export type Weights<T extends string | number = string> = readonly (readonly [T, number])[];

export const literal = (value: string | number): string => (typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`);
export const textArray = (values: readonly string[]) => `ARRAY[${values.map(literal).join(',')}]::text[]`;
export const timestamp = (date: Date) => `timestamptz '${date.toISOString()}'`;

/**
 * The id of a row of a family, created at `at`: time-ordered within the family, with the family's span of
 * years compressed to hours after its registration. A batch of families registered in a few weeks so
 * writes to a narrow range of every index (instead of all over each index, page by page).
 */
export const familyRowId = (kind: string, key: string, at: string, registered = 'registered_at') =>
  `pg_temp.uid(${literal(kind)}, ${key}, ${registered} + ((${at}) - ${registered}) / 1000)`;

/** A pseudo-random number in [0, 1) for (seed, salt, n): the same every run. */
export const rnd = (salt: string, n: string) => `pg_temp.r(${literal(salt)}, ${n})`;

/** One of `values`, chosen by the random number `r` in [0, 1). */
export const pick = (values: readonly string[], r: string) => `(${textArray(values)})[1 + floor(${r} * ${values.length})::int]`;

/** A value chosen by `r` in proportion to its weight. */
export function weighted<T extends string | number>(r: string, weights: Weights<T>): string {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let cumulative = 0;
  const branches = weights.slice(0, -1).map(([value, w]) => {
    cumulative += w;
    return `WHEN ${r} < ${cumulative / total} THEN ${literal(value)}`;
  });
  return `(CASE ${branches.join(' ')} ELSE ${literal(weights.at(-1)![0])} END)`;
}

/** One of the texts listed for the value of `key` (an enum column), chosen by `r`. */
export const pickBy = (key: string, lists: Record<string, readonly string[]>, r: string) =>
  `(CASE ${key} ${Object.entries(lists).map(([value, texts]) => `WHEN ${literal(value)} THEN ${pick(texts, r)}`).join(' ')} END)`;

/** A moment at `fraction` of the way from `start` to two hours before `end`. */
export const within = (start: string, end: string, fraction: string) => `(${start} + ((${end}) - (${start}) - interval '2 hours') * (${fraction}))`;

/** Whether a member decides for itself at `at`: a recorded assessment, else from the 12th birthday (as member_is_capable). */
export const capableAt = (m: string, at: string) =>
  `coalesce(${m}.assessed, ${m}.role <> 'UNBORN' AND ${m}.birth_date <= ((${at}) AT TIME ZONE 'UTC')::date - interval '12 years')`;

/** The session's generator functions, with the seed built in. */
export function generatorFunctions(seed: number): string[] {
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
export const mapBy = (key: string, values: Record<string, string>) =>
  `(CASE ${key} ${Object.entries(values).map(([k, v]) => `WHEN ${literal(k)} THEN ${literal(v)}`).join(' ')} END)`;

/** The caseworker of the family's team at index `i` (1-based) if assigned by `at`, else the registrar, and its agency. */
export const teamCaseworker = (i: string, at: string) => ({
  user: `(CASE WHEN cr.caseworker_assigned[${i}] <= ${at} THEN cr.caseworkers[${i}] ELSE cr.caseworkers[1] END)`,
  agency: `(CASE WHEN cr.caseworker_assigned[${i}] <= ${at} THEN cr.caseworker_agencies[${i}] ELSE cr.caseworker_agencies[1] END)`,
});
/** A 1-based index into the crew array `array` (of the family's team), drawn by `r`. */
export const crewIndex = (r: string, array: string) => `1 + floor(${r} * cardinality(cr.${array}))::int`;

/** A statement, and the table whose rows it inserts (counted in the summary). */
export interface Statement {
  sql: string;
  counts?: string | string[];
}

/** Times as the service stores them (JavaScript dates: milliseconds). */
export const ms = (expression: string) => `date_trunc('milliseconds', ${expression})`;

export const hours = (n: string) => `(${n}) * interval '1 hour'`;
export const days = (n: string) => `(${n}) * interval '1 day'`;
/** The random draws of a row, named r_<salt>: pure functions of (seed, entity, salt, key), the same wherever used. */
export const draws = (entity: string, key: string, salts: string[]) =>
  `CROSS JOIN LATERAL (SELECT ${salts.map((salt) => `${rnd(`${entity}:${salt}`, key)} AS r_${salt.replace(/-/g, '_')}`).join(', ')}) d`;
