-- 001: core schema: sites, operators, devices, sessions, the dialog log, reference data, settings.
-- Units live in column names (latency_ms). Times are timestamptz.

CREATE TABLE sites (
  id          text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  name        text NOT NULL,
  timezone    text NOT NULL DEFAULT 'UTC',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE operators (
  id             bigserial PRIMARY KEY,
  site_id        text NOT NULL REFERENCES sites(id),
  external_id    text NOT NULL,
  name           text NOT NULL,
  language       text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ru')),
  pin_hash       text,
  tts_rate       real NOT NULL DEFAULT 1.0 CHECK (tts_rate BETWEEN 0.5 AND 2.0),
  tts_volume     real NOT NULL DEFAULT 1.0 CHECK (tts_volume BETWEEN 0.1 AND 1.0),
  tts_pitch      real NOT NULL DEFAULT 1.0 CHECK (tts_pitch BETWEEN 0.5 AND 2.0),
  failed_signons integer NOT NULL DEFAULT 0,
  locked_until   timestamptz,
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (site_id, external_id)
);

CREATE TABLE devices (
  id           uuid PRIMARY KEY,
  site_id      text NOT NULL REFERENCES sites(id),
  label        text NOT NULL,
  token_hash   text NOT NULL,
  model        text,
  app_version  text,
  last_seen_at timestamptz,
  revoked_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (site_id, label)
);

CREATE TABLE device_sessions (
  id           uuid PRIMARY KEY,
  site_id      text NOT NULL REFERENCES sites(id),
  device_id    uuid NOT NULL REFERENCES devices(id),
  operator_id  bigint REFERENCES operators(id),
  gateway_node text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  ended_at     timestamptz,
  end_reason   text,
  -- the dialog state (plain JSON) persisted with every turn, so a session resumes where it was
  dialog_state jsonb,
  last_seq     integer NOT NULL DEFAULT 0
);
CREATE INDEX device_sessions_site_active ON device_sessions (site_id) WHERE ended_at IS NULL;
CREATE INDEX device_sessions_device ON device_sessions (device_id, started_at DESC);
CREATE INDEX device_sessions_operator ON device_sessions (operator_id, started_at DESC);

-- The dialog log. Partitioned by month of the turn's own time (set by the gateway when the
-- turn happened, so a replayed write carries the same key and conflicts instead of duplicating).
CREATE TABLE dialog_turns (
  id            bigserial,
  session_id    uuid NOT NULL,
  site_id       text NOT NULL,
  seq           integer NOT NULL,
  at            timestamptz NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('prompt', 'utterance', 'text', 'event', 'error')),
  text          text,
  hypothesis    text,
  confidence    real,
  latency_ms    integer,
  flow_node     text,
  operator_id   bigint,
  PRIMARY KEY (session_id, seq, at)
) PARTITION BY RANGE (at);
CREATE INDEX dialog_turns_id ON dialog_turns (id);
CREATE INDEX dialog_turns_site_at ON dialog_turns (site_id, at DESC);
CREATE INDEX dialog_turns_operator_at ON dialog_turns (operator_id, at DESC);
CREATE TABLE dialog_turns_default PARTITION OF dialog_turns DEFAULT;

-- Creates the monthly partitions from this month to months_ahead months ahead. Idempotent.
-- Called at start-up and daily by the gateway.
CREATE FUNCTION vm_ensure_turn_partitions(months_ahead integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', now())::date;
  created integer := 0;
  part text;
BEGIN
  FOR i IN 0..months_ahead LOOP
    part := format('dialog_turns_%s', to_char(m, 'YYYY_MM'));
    IF to_regclass(part) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF dialog_turns FOR VALUES FROM (%L) TO (%L)',
                     part, m, (m + interval '1 month')::date);
      created := created + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END $$;
SELECT vm_ensure_turn_partitions(2);

-- Compact NOTIFY payloads (well under 8000 bytes: long text is cut in the payload, never in the table).
CREATE FUNCTION vm_notify_turn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('vm_turns', json_build_object(
    'id', NEW.id, 'sessionId', NEW.session_id, 'siteId', NEW.site_id, 'seq', NEW.seq,
    'at', NEW.at, 'kind', NEW.kind, 'text', left(NEW.text, 200),
    'confidence', NEW.confidence, 'latencyMs', NEW.latency_ms, 'flowNode', left(NEW.flow_node, 100)
  )::text);
  RETURN NULL;
END $$;
CREATE TRIGGER dialog_turns_notify AFTER INSERT ON dialog_turns
  FOR EACH ROW EXECUTE FUNCTION vm_notify_turn();

CREATE FUNCTION vm_notify_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('vm_sessions', json_build_object(
    'sessionId', NEW.id, 'siteId', NEW.site_id, 'deviceId', NEW.device_id,
    'operatorId', NEW.operator_id, 'op', lower(TG_OP), 'endedAt', NEW.ended_at,
    'endReason', NEW.end_reason
  )::text);
  RETURN NULL;
END $$;
CREATE TRIGGER device_sessions_notify AFTER INSERT OR UPDATE OF operator_id, ended_at ON device_sessions
  FOR EACH ROW EXECUTE FUNCTION vm_notify_session();

-- Reference data
CREATE TABLE locations (
  site_id      text NOT NULL REFERENCES sites(id),
  id           text NOT NULL,
  aisle        text NOT NULL,
  slot         text NOT NULL,
  check_digits text NOT NULL CHECK (check_digits ~ '^[0-9]{2,5}$'),
  PRIMARY KEY (site_id, id)
);
CREATE TABLE items (
  site_id     text NOT NULL REFERENCES sites(id),
  id          text NOT NULL,
  description text NOT NULL,
  unit        text NOT NULL DEFAULT 'each',
  PRIMARY KEY (site_id, id)
);
CREATE TABLE reason_codes (
  site_id     text NOT NULL REFERENCES sites(id),
  code        text NOT NULL,
  description text NOT NULL,
  PRIMARY KEY (site_id, code)
);

-- Process settings per site: typed key/value.
CREATE TABLE process_settings (
  site_id    text NOT NULL REFERENCES sites(id),
  key        text NOT NULL,
  value_type text NOT NULL CHECK (value_type IN ('int', 'number', 'bool', 'string', 'json')),
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, key)
);
