-- 004: the supervisor/admin console: users and their site scopes, web sessions, sign-in
-- throttling, the audit log, and the indexes the dialog-history search needs.

CREATE TABLE console_users (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9_.@-]{1,64}$'),
  display_name  text NOT NULL DEFAULT '',
  password_hash text NOT NULL,              -- argon2id, PHC string
  role          text NOT NULL CHECK (role IN ('admin', 'supervisor', 'viewer')),
  language      text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ru')),
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Every user sees only the sites listed here (admins too).
CREATE TABLE console_user_sites (
  user_id bigint NOT NULL REFERENCES console_users(id) ON DELETE CASCADE,
  site_id text NOT NULL REFERENCES sites(id),
  PRIMARY KEY (user_id, site_id)
);
CREATE INDEX console_user_sites_site ON console_user_sites (site_id);

-- Web sessions: the cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE console_sessions (
  token_hash   text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES console_users(id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  ip           text,
  user_agent   text
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

-- Failed sign-ins per key ('user:<name>' and 'ip:<addr>'), in a fixed window; shared by all nodes.
CREATE TABLE console_signin_throttle (
  key          text PRIMARY KEY,
  failures     integer NOT NULL DEFAULT 0,
  window_start timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz
);

-- Every change made through the console: who, what, when, before/after.
CREATE TABLE console_audit (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  user_id    bigint REFERENCES console_users(id) ON DELETE SET NULL,
  user_name  text NOT NULL,
  action     text NOT NULL,
  site_id    text,
  entity     text NOT NULL,
  entity_id  text,
  before     jsonb,
  after      jsonb,
  ip         text
);
CREATE INDEX console_audit_site_at ON console_audit (site_id, at DESC);
CREATE INDEX console_audit_at ON console_audit (at DESC);

-- Dialog history search: keyset pagination on (at, id) within a site, by session, and the
-- session list by site and start time.
CREATE INDEX dialog_turns_site_at_id ON dialog_turns (site_id, at DESC, id DESC);
CREATE INDEX device_sessions_site_started ON device_sessions (site_id, started_at DESC);

-- Text search: trigram GIN index when pg_trgm can be created here. Without it the search still
-- works (ILIKE on the site/date-bounded rows), just slower; the migration does not fail.
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm not available (%); dialog text search runs without a trigram index', SQLERRM;
  END;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE 'CREATE INDEX dialog_turns_text_trgm ON dialog_turns USING gin (text gin_trgm_ops)';
  END IF;
END $$;
