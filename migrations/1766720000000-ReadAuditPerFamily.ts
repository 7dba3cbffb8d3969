import type { MigrationInterface, QueryRunner } from 'typeorm';
import { functionSql } from '../src/database/functions/index.js';

const BASES_BEFORE = `'CONSENT','AUTHOR','BREAK_GLASS','FAMILY_SELF','ASSIGNMENT','ADMINISTRATION','RECIPIENT'`;

/**
 * A reading statement records at most one audit entry per family: the records it read about different
 * members, or under different bases, are the entry's `parts` (kind of record, records, members, basis,
 * categories, consents) instead of entries of their own. A families page wrote an entry per member read
 * (about 170 per page of 50); the family's access log shows each part as its own line, to the members who
 * speak for all the part concerns, as it showed the entries. An entry with several bases names SEVERAL in
 * `legal_basis` (its parts name each); the check is widened NOT VALID, as the append-only table holds no
 * such entry yet.
 *
 * The digest covers the new column: version 3 (audit_event_digest_v3), also cheaper on the time. Links made
 * before keep verifying under the version they name.
 */
export class ReadAuditPerFamily1766720000000 implements MigrationInterface {
  name = 'ReadAuditPerFamily1766720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_event ADD COLUMN parts jsonb;
      ALTER TABLE audit_event DROP CONSTRAINT audit_event_legal_basis_check;
      ALTER TABLE audit_event ADD CONSTRAINT audit_event_legal_basis_check CHECK (legal_basis IN (${BASES_BEFORE}, 'SEVERAL')) NOT VALID;
      ALTER TABLE audit_chain DROP CONSTRAINT audit_chain_digest_version_check;
      ALTER TABLE audit_chain ADD CONSTRAINT audit_chain_digest_version_check CHECK (digest_version IN (1, 2, 3));
    `);
    await q.query(functionSql('audit_event_digest_v3'));
    await q.query(functionSql('audit_entry_digest'));
    await q.query(functionSql('audit_chain_pending'));
  }

  async down(q: QueryRunner): Promise<void> {
    // Links made with version 3, and entries with parts, would no longer verify or be read: refused then.
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM audit_chain WHERE digest_version = 3) OR EXISTS (SELECT 1 FROM audit_event WHERE parts IS NOT NULL) THEN
          RAISE EXCEPTION 'audit entries have parts or links use digest version 3: reverting would break the audit chain';
        END IF;
      END $$;
      CREATE OR REPLACE FUNCTION audit_chain_pending(batch integer) RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE
        taken bigint[];
        entries bigint[];
        sums text[];
        tip audit_chain;
        previous text;
      BEGIN
        PERFORM pg_advisory_xact_lock(1764200000);
        WITH queued AS (
          DELETE FROM audit_unchained
           WHERE seq <= coalesce((SELECT seq FROM audit_unchained ORDER BY seq OFFSET batch - 1 LIMIT 1), 9223372036854775807)
          RETURNING seq
        )
        SELECT array_agg(seq ORDER BY seq) INTO taken FROM queued;
        IF taken IS NULL THEN
          RETURN 0;
        END IF;
        SELECT array_agg(e.seq ORDER BY e.seq), array_agg(audit_entry_digest(e, 2) ORDER BY e.seq) INTO entries, sums
          FROM audit_event e WHERE e.seq BETWEEN taken[1] AND taken[cardinality(taken)] AND e.seq = ANY (taken);
        IF cardinality(entries) IS DISTINCT FROM cardinality(taken) THEN
          INSERT INTO audit_unchained (seq) SELECT unnest(taken) EXCEPT SELECT unnest(entries);
          IF entries IS NULL THEN
            RETURN 0;
          END IF;
        END IF;
        SELECT * INTO tip FROM audit_chain ORDER BY pos DESC LIMIT 1;
        previous := CASE WHEN tip.pos IS NULL
          THEN (SELECT hash FROM audit_event WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1) ELSE tip.hash END;
        INSERT INTO audit_chain (pos, seqs, digests, prev_hash, hash, digest_version)
          VALUES (coalesce(tip.pos, 0) + 1, entries, sums, previous, audit_link_hash(previous, sums), 2);
        RETURN cardinality(entries);
      END $fn$;
      CREATE OR REPLACE FUNCTION audit_entry_digest(e audit_event, version integer) RETURNS text LANGUAGE sql STABLE AS $fn$
        SELECT CASE version WHEN 1 THEN audit_event_digest(e, NULL) WHEN 2 THEN audit_event_digest_v2(e) END
      $fn$;
      DROP FUNCTION audit_event_digest_v3(audit_event);
      ALTER TABLE audit_chain DROP CONSTRAINT audit_chain_digest_version_check;
      ALTER TABLE audit_chain ADD CONSTRAINT audit_chain_digest_version_check CHECK (digest_version IN (1, 2));
      ALTER TABLE audit_event DROP CONSTRAINT audit_event_legal_basis_check;
      ALTER TABLE audit_event ADD CONSTRAINT audit_event_legal_basis_check CHECK (legal_basis IN (${BASES_BEFORE})) NOT VALID;
      ALTER TABLE audit_event DROP COLUMN parts;
    `);
  }
}
