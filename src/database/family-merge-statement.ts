import type { EntityManager } from 'typeorm';

/**
 * Runs one re-pointing statement of a merge of two families (docs/family-merge.md) on an append-only table:
 * the database lets it change a row's family_id and nothing else while `app.family_merge` is on
 * (functions/refuse_append_only_change_except_erasure.sql), which is only for this statement.
 */
export async function familyMergeStatement(em: EntityManager, sql: string, params: unknown[]): Promise<void> {
  await em.query(`SELECT set_config('app.family_merge', 'on', true)`);
  try {
    await em.query(sql, params);
  } finally {
    await em.query(`SELECT set_config('app.family_merge', '', true)`);
  }
}
