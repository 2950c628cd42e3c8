-- 003: operator voice templates for the speaker-dependent recogniser (asr/).
-- One row per take of a token ("0".."9", "yes", "no", command phrases, choice options);
-- features are little-endian float32 frames of `dim` values (MFCC13 + deltas = 26).
CREATE TABLE voice_template_sets (
  operator_id bigint PRIMARY KEY REFERENCES operators(id) ON DELETE CASCADE,
  version     integer NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE voice_templates (
  operator_id bigint NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
  token       text NOT NULL CHECK (length(token) BETWEEN 1 AND 64),
  take        smallint NOT NULL CHECK (take BETWEEN 0 AND 9),
  frames      integer NOT NULL CHECK (frames > 0),
  dim         smallint NOT NULL CHECK (dim > 0),
  features    bytea NOT NULL CHECK (length(features) = frames * dim * 4),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (operator_id, token, take)
);
