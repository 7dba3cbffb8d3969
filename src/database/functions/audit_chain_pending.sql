-- The chainer: links up to `batch` committed entries of the queue (`audit_unchained`) to the chain, as one
-- append-only link of `audit_chain`; the number linked. One chainer at a time (a lock); the service runs it
-- every second, `audit:verify` before verifying. Entries of a transaction that commits late are linked when
-- they become visible, in a later link: nothing is skipped.
-- The digests are made by version 3 itself, not through audit_entry_digest: the call through it costs
-- about a fifth more per entry (docs/audit.md).
-- Rule: the audit trail is hash-chained, off the request path (docs/audit.md).
CREATE OR REPLACE FUNCTION audit_chain_pending(batch integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  taken bigint[];
  entries bigint[];
  sums text[];
  tip audit_chain;
  previous text;
BEGIN
  PERFORM pg_advisory_xact_lock(1764200000);
  -- The first `batch` queued entries, in one statement: it sees one snapshot, so it removes exactly the
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
  SELECT array_agg(e.seq ORDER BY e.seq), array_agg(audit_event_digest_v3(e) ORDER BY e.seq) INTO entries, sums
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
    VALUES (coalesce(tip.pos, 0) + 1, entries, sums, previous, audit_link_hash(previous, sums), 3);
  RETURN cardinality(entries);
END $$;
