-- 002: dialog engine: versioned flows (draft / published) and the transactional WMS outbox.

-- Business-process flows. A name has many versions; a version is immutable once published.
-- Sessions keep the version they started with, so publishing never breaks a running session.
CREATE TABLE flows (
  name          text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_-]{0,63}$'),
  version       integer NOT NULL CHECK (version >= 1),
  status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'retired')),
  definition    jsonb NOT NULL,
  comment       text,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz,
  PRIMARY KEY (name, version)
);
CREATE INDEX flows_published ON flows (name, version DESC) WHERE status = 'published';

-- Freezes published versions: only the status may change (published -> retired).
CREATE FUNCTION vm_flows_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'draft' AND (NEW.definition IS DISTINCT FROM OLD.definition OR NEW.name <> OLD.name
                                OR NEW.version <> OLD.version) THEN
    RAISE EXCEPTION 'flow %.% is %, its definition cannot change', OLD.name, OLD.version, OLD.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER flows_immutable BEFORE UPDATE ON flows FOR EACH ROW EXECUTE FUNCTION vm_flows_immutable();

-- Transactional outbox of WMS writes (confirm pick, report short, complete assignment).
-- Written in the same transaction as the dialog turn that caused it; delivered in id order per
-- session with retries and backoff; the idempotency key makes a replay a no-op here and at the host.
CREATE TABLE wms_outbox (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  site_id          text NOT NULL,
  session_id       uuid,
  operator_id      bigint,
  operation        text NOT NULL CHECK (operation IN ('confirmPick', 'reportShort', 'completeAssignment')),
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'rejected')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz
);
CREATE INDEX wms_outbox_due ON wms_outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX wms_outbox_session_pending ON wms_outbox (session_id, id) WHERE status = 'pending';
