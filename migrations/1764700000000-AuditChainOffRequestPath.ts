import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Takes the hash chain of the audit trail off the request path. Until now every audit entry was chained
 * as it was inserted, under one lock held until the writing transaction ended: every audited read and
 * write of the whole service queued behind every other one (measured: the families page spent 70% of
 * its database time waiting for it at 10 concurrent clients).
 *
 * Now an entry is inserted with its number only, and queued in `audit_unchained`, in the writing
 * transaction as before (audited in the same transaction, refused without an actor, append-only).
 * `audit_chain_pending()` links the queued entries that have committed, in batches: one append-only
 * link per batch holds the entries' numbers and content digests, chained to the previous link's hash.
 * One chainer at a time (a lock); the service runs it every second, `audit:verify` before verifying.
 * Entries of a transaction that commits late are linked when they become visible, in a later link:
 * nothing is skipped. Entries chained before this migration keep their own chain (hash, prev_hash),
 * which the first link continues.
 */
export class AuditChainOffRequestPath1764700000000 implements MigrationInterface {
  name = 'AuditChainOffRequestPath1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_chain (
        pos bigint PRIMARY KEY,
        seqs bigint[] NOT NULL,
        -- Each entry's content digest (audit_event_digest without a predecessor), in the order of seqs.
        digests text[] NOT NULL,
        prev_hash text,
        hash text NOT NULL
      );
      CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();

      -- Entries written but not linked yet; emptied by the chainer as it links them.
      CREATE TABLE audit_unchained (seq bigint PRIMARY KEY);

      DROP TRIGGER audit_event_chain ON audit_event;
      DROP FUNCTION audit_event_chain();
      ALTER TABLE audit_event ALTER COLUMN hash DROP NOT NULL;

      -- No lock: numbers are drawn in parallel; the chainer decides the chain order. New entries carry no
      -- hash of their own (their links do): the check holds for every entry from now on.
      ALTER TABLE audit_event ALTER COLUMN seq SET DEFAULT nextval('audit_event_seq');
      ALTER TABLE audit_event ADD CONSTRAINT audit_event_linked_by_chain CHECK (hash IS NULL AND prev_hash IS NULL) NOT VALID;
      CREATE FUNCTION audit_event_queue() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO audit_unchained (seq) SELECT seq FROM inserted;
        RETURN NULL;
      END $$;
      CREATE TRIGGER audit_event_queue AFTER INSERT ON audit_event REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_queue();

      CREATE FUNCTION audit_link_hash(prev text, digests text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(coalesce(prev, 'GENESIS') || '|' || array_to_string(digests, ','), 'UTF8')), 'hex')
      $$;

      -- Links up to \`batch\` committed entries to the chain, as one link; the number linked.
      CREATE FUNCTION audit_chain_pending(batch integer) RETURNS integer LANGUAGE plpgsql AS $$
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
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION audit_chain_pending(integer);
      DROP FUNCTION audit_link_hash(text, text[]);
      DROP TRIGGER audit_event_queue ON audit_event;
      DROP FUNCTION audit_event_queue();
      DROP TABLE audit_unchained;
      DROP TABLE audit_chain;
      ALTER TABLE audit_event DROP CONSTRAINT audit_event_linked_by_chain, ALTER COLUMN seq DROP DEFAULT;
      -- Entries written since are chained the old way, one by one in number order, after the old tip.
      ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only;
      DO $fn$
      DECLARE entry audit_event; previous text;
      BEGIN
        SELECT hash INTO previous FROM audit_event WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1;
        FOR entry IN SELECT * FROM audit_event WHERE hash IS NULL ORDER BY seq LOOP
          UPDATE audit_event SET prev_hash = previous, hash = audit_event_digest(entry, previous) WHERE seq = entry.seq
            RETURNING hash INTO previous;
        END LOOP;
      END $fn$;
      ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only;
      ALTER TABLE audit_event ALTER COLUMN hash SET NOT NULL;
      CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_advisory_xact_lock(1764200000);
        NEW.seq := nextval('audit_event_seq');
        SELECT hash INTO NEW.prev_hash FROM audit_event ORDER BY seq DESC LIMIT 1;
        NEW.hash := audit_event_digest(NEW, NEW.prev_hash);
        RETURN NEW;
      END $fn$;
      CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
    `);
  }
}
