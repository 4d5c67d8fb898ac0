-- Drills: scheduled and manual rehearsals of a recovery, and nightly backup verifications.
-- A drill row is the source of truth about an announcement (skip, postpone) and links to the run
-- that did the work; its report is written once, when the run has ended and the sandbox is gone.

CREATE TABLE drills (
  id               text PRIMARY KEY,
  database         text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('drill','verification')),
  trigger          text NOT NULL CHECK (trigger IN ('schedule','manual','nightly')),
  status           text NOT NULL CHECK (status IN ('announced','running','succeeded','failed','aborted','skipped','cancelled')),
  channel          text NOT NULL,
  scheduled_for    timestamptz,
  starts_at        timestamptz NOT NULL,
  requested_by     text NOT NULL,
  run_id           text REFERENCES runs(id),
  announcement_ts  text,
  teardown         text NOT NULL DEFAULT 'pending' CHECK (teardown IN ('pending','requested','done','failed')),
  postponements    integer NOT NULL DEFAULT 0,
  note             text,
  decided_by       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
-- A schedule slot yields at most one drill, however often its scheduler fires.
CREATE UNIQUE INDEX drills_slot ON drills (database, kind, scheduled_for) WHERE scheduled_for IS NOT NULL;
CREATE UNIQUE INDEX drills_run ON drills (run_id) WHERE run_id IS NOT NULL;
CREATE INDEX drills_database ON drills (database, created_at DESC);
CREATE INDEX drills_open ON drills (status) WHERE status IN ('announced','running');

-- The evidence auditors ask for: one immutable report per finished drill.
CREATE TABLE drill_reports (
  drill_id     text PRIMARY KEY REFERENCES drills(id),
  run_id       text REFERENCES runs(id),
  database     text NOT NULL,
  kind         text NOT NULL,
  result       text NOT NULL CHECK (result IN ('succeeded','failed','aborted')),
  rto_ms       bigint,
  rpo_ms       bigint,
  rto_met      boolean,
  rpo_met      boolean,
  teardown     text NOT NULL,
  report       jsonb NOT NULL,
  finished_at  timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drill_reports_database ON drill_reports (database, kind, finished_at DESC);

CREATE FUNCTION drill_reports_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'drill_reports is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER drill_reports_no_update_delete
  BEFORE UPDATE OR DELETE ON drill_reports
  FOR EACH ROW EXECUTE FUNCTION drill_reports_append_only();
