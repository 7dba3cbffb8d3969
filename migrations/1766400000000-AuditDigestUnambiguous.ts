import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An entry's content digest that no rewrite can keep. `audit_event_digest` joins the columns with
 * `concat_ws`, which skips NULLs: moving a value between adjacent nullable columns (`entity_id`,
 * `entity_ids`, `family_id`) kept the digest, and `audit:verify` said "intact" while the family's access
 * log lost the entry. Version 2 digests every column as canonical JSON (jsonb: typed values, keys by
 * log lost the entry. Version 2 digests every column as one JSON array (typed values, explicit nulls,
 * the time in UTC). Each link records the version its digests were made with: links made before keep
 * verifying under version 1, every later link uses version 2. A column added to `audit_event` later needs
 * a version 3 that covers it (a test checks that every column is covered).
 *
 * The chainer no longer walks the audit table: it takes its batch off the queue in one statement
 * (`DELETE … RETURNING`, instead of selecting and then deleting each entry by number) and reads the
 * batch's entries by their number range. Until now the planner joined the queue with the whole table
 * (a sequential scan or a merge join along `audit_event_pkey`): every second, a cost growing with the
 * trail (31,000 buffers and 270 ms at 300,000 entries).
 */
export class AuditDigestUnambiguous1766400000000 implements MigrationInterface {
  name = 'AuditDigestUnambiguous1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_chain ADD COLUMN digest_version smallint NOT NULL DEFAULT 1 CHECK (digest_version IN (1, 2));
      ALTER TABLE audit_chain ALTER COLUMN digest_version DROP DEFAULT;
      -- SHA-256 digests do not compress: storing them uncompressed skips a vain attempt per link.
      ALTER TABLE audit_chain ALTER COLUMN digests SET STORAGE EXTERNAL;

      -- Every column, in this order, as one JSON array: each value typed and quoted (a NULL is null), so no
      -- value can move to another column, or across a separator, without changing the text.
      CREATE FUNCTION audit_event_digest_v2(e audit_event) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT encode(sha256(convert_to(json_build_array(e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
          e.request_id, e.actor_subject, e.actor_user_id, e.actor_member_id, e.acting_agency_id, e.action, e.entity_type,
          e.entity_id, e.entity_ids, e.family_id, e.member_ids, e.categories, e.legal_basis, e.consent_ids, e.prev_hash, e.hash)::text, 'UTF8')), 'hex')
      $$;

      -- An entry's content digest (without a predecessor) in the version its link names.
      CREATE FUNCTION audit_entry_digest(e audit_event, version integer) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT CASE version WHEN 1 THEN audit_event_digest(e, NULL) WHEN 2 THEN audit_event_digest_v2(e) END
      $$;

      CREATE OR REPLACE FUNCTION audit_chain_pending(batch integer) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        taken bigint[];
        entries bigint[];
        sums text[];
        tip audit_chain;
        previous text;
      BEGIN
        PERFORM pg_advisory_xact_lock(1764200000);
        -- The first \`batch\` queued entries, in one statement: it sees one snapshot, so it removes exactly the
        -- entries it answers, also when more commit meanwhile (in its range, too: they stay queued).
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
          -- Queued entries that are gone (removed out of band before they were linked) stay queued, as pending.
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
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // Links made with version 2 would no longer verify: refused then.
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM audit_chain WHERE digest_version <> 1) THEN
          RAISE EXCEPTION 'audit links use the unambiguous digest (digest_version 2): reverting would break the audit chain';
        END IF;
      END $$;
      CREATE OR REPLACE FUNCTION audit_chain_pending(batch integer) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        entries bigint[];
        sums text[];
        tip audit_chain;
        previous text;
      BEGIN
        PERFORM pg_advisory_xact_lock(1764200000);
        SELECT array_agg(n.seq ORDER BY n.seq), array_agg(n.digest ORDER BY n.seq) INTO entries, sums
          FROM (SELECT e.seq, audit_event_digest(e, NULL) AS digest
                  FROM audit_unchained u JOIN audit_event e ON e.seq = u.seq ORDER BY u.seq LIMIT batch) n;
        IF entries IS NULL THEN
          RETURN 0;
        END IF;
        SELECT * INTO tip FROM audit_chain ORDER BY pos DESC LIMIT 1;
        previous := CASE WHEN tip.pos IS NULL
          THEN (SELECT hash FROM audit_event WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1) ELSE tip.hash END;
        INSERT INTO audit_chain (pos, seqs, digests, prev_hash, hash)
          VALUES (coalesce(tip.pos, 0) + 1, entries, sums, previous, audit_link_hash(previous, sums));
        DELETE FROM audit_unchained WHERE seq = ANY (entries);
        RETURN cardinality(entries);
      END $$;
      DROP FUNCTION audit_entry_digest(audit_event, integer);
      DROP FUNCTION audit_event_digest_v2(audit_event);
      ALTER TABLE audit_chain DROP COLUMN digest_version, ALTER COLUMN digests SET STORAGE EXTENDED;
    `);
  }
}
