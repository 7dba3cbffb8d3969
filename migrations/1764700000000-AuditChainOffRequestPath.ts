import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Takes the hash chain of the audit trail off the request path. Until now every audit entry was chained
 * as it was inserted, under one lock held until the writing transaction ended: every audited read and
 * write of the whole service queued behind every other one (measured: the families page spent 70% of
 * its database time waiting for it at 10 concurrent clients).
 *
 * Now an entry is inserted with its number only, and queued in `audit_unchained`, in the writing
 * transaction as before (audited in the same transaction, refused without an actor, append-only). The
 * chain lives in its own append-only table: `audit_chain_pending()` links queued entries after they
 * commit, in number order, each to the previous link's hash, under the lock, one chainer at a time (the
 * service runs it every second; `audit:verify` runs it before verifying). Entries of a transaction that
 * commits late are linked when they become visible, later in the chain: nothing is skipped. The hash
 * covers the same content as before (`audit_event_digest`); the existing chain is carried over as is.
 */
export class AuditChainOffRequestPath1764700000000 implements MigrationInterface {
  name = 'AuditChainOffRequestPath1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_chain (
        pos bigint PRIMARY KEY,
        seq bigint NOT NULL UNIQUE REFERENCES audit_event (seq),
        prev_hash text,
        hash text NOT NULL
      );
      INSERT INTO audit_chain (pos, seq, prev_hash, hash)
        SELECT row_number() OVER (ORDER BY seq), seq, prev_hash, hash FROM audit_event ORDER BY seq;
      CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();

      -- Entries written but not linked yet; emptied by the chainer as it links them.
      CREATE TABLE audit_unchained (seq bigint PRIMARY KEY);

      DROP TRIGGER audit_event_chain ON audit_event;
      DROP FUNCTION audit_event_chain();
      ALTER TABLE audit_event DROP COLUMN prev_hash, DROP COLUMN hash;

      -- No lock: numbers are drawn in parallel; the chainer decides the chain order.
      CREATE FUNCTION audit_event_queue() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.seq := nextval('audit_event_seq');
        INSERT INTO audit_unchained (seq) VALUES (NEW.seq);
        RETURN NEW;
      END $$;
      CREATE TRIGGER audit_event_queue BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_queue();

      -- Links up to \`batch\` committed entries to the chain; the number linked.
      CREATE FUNCTION audit_chain_pending(batch integer) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        tip audit_chain;
        entry audit_event;
        linked integer := 0;
      BEGIN
        PERFORM pg_advisory_xact_lock(1764200000);
        SELECT * INTO tip FROM audit_chain ORDER BY pos DESC LIMIT 1;
        FOR entry IN SELECT e.* FROM audit_unchained u JOIN audit_event e ON e.seq = u.seq ORDER BY u.seq LIMIT batch LOOP
          INSERT INTO audit_chain (pos, seq, prev_hash, hash)
            VALUES (coalesce(tip.pos, 0) + 1, entry.seq, tip.hash, audit_event_digest(entry, tip.hash))
            RETURNING * INTO tip;
          DELETE FROM audit_unchained WHERE seq = entry.seq;
          linked := linked + 1;
        END LOOP;
        RETURN linked;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      SELECT audit_chain_pending(2147483647);
      DROP FUNCTION audit_chain_pending(integer);
      DROP TRIGGER audit_event_queue ON audit_event;
      DROP FUNCTION audit_event_queue();
      DROP TABLE audit_unchained;
      ALTER TABLE audit_event ADD COLUMN prev_hash text, ADD COLUMN hash text;
      -- The old chain runs in number order, which the linked order need not be: chain it anew.
      ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only;
      DO $fn$
      DECLARE entry audit_event; previous text;
      BEGIN
        FOR entry IN SELECT * FROM audit_event ORDER BY seq LOOP
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
      DROP TABLE audit_chain;
    `);
  }
}
