import type { EntityManager } from 'typeorm';

/**
 * Runs one re-pointing statement of a merge of two families (docs/family-merge.md) on an append-only table:
 * the database lets it change a row's family_id and nothing else while `app.family_merge` is on
 * (functions/refuse_append_only_change_except_erasure.sql), which is only for this statement.
 */
export function familyMergeStatement(em: EntityManager, sql: string, params: unknown[]): Promise<void> {
  return onlyFor(em, 'app.family_merge', sql, params);
}

/**
 * Runs one re-pointing statement of a merge of two members that are the same person (docs/family-merge.md,
 * "Members that are the same person") on an append-only table: the database lets it change member columns
 * from a merged member to the member it became, and nothing else, while `app.member_merge` is on
 * (functions/member_merge_change.sql), which is only for this statement.
 */
export function memberMergeStatement(em: EntityManager, sql: string, params: unknown[]): Promise<void> {
  return onlyFor(em, 'app.member_merge', sql, params);
}

async function onlyFor(em: EntityManager, setting: string, sql: string, params: unknown[]): Promise<void> {
  await em.query(`SELECT set_config($1, 'on', true)`, [setting]);
  try {
    await em.query(sql, params);
  } finally {
    await em.query(`SELECT set_config($1, '', true)`, [setting]);
  }
}
