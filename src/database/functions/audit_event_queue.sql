-- Trigger function (audit_event, AFTER INSERT, per statement): queues the new entries in
-- `audit_unchained` for the chainer (audit_chain_pending), in the writing transaction, without a lock:
-- the hash chain is made off the request path.
-- Rule: the audit trail is hash-chained and nothing is skipped (docs/audit.md).
CREATE OR REPLACE FUNCTION audit_event_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_unchained (seq) SELECT seq FROM inserted;
  RETURN NULL;
END $$;
