-- New audit entries are queued for the chainer (functions/audit_event_queue.sql).
CREATE TRIGGER audit_event_queue AFTER INSERT ON audit_event REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_queue();
