-- Runs, their steps, approvals, the append-only audit trail and one lock per database.
-- The store is the only source of truth about a run; Redis carries nothing that cannot be rebuilt.

CREATE TABLE runs (
  id            text PRIMARY KEY,
  database      text NOT NULL,
  path          text NOT NULL,
  status        text NOT NULL CHECK (status IN ('planned','awaiting_approval','running','rolling_back','succeeded','failed','aborted')),
  requested_by  text NOT NULL,
  channel       text,
  target        jsonb NOT NULL,
  plan          jsonb NOT NULL,
  plan_hash     text NOT NULL,
  current_step  integer NOT NULL DEFAULT 0,
  error         jsonb,
  ended_by      text,
  meta          jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
CREATE INDEX runs_active ON runs (status) WHERE status IN ('planned','awaiting_approval','running','rolling_back');
CREATE INDEX runs_database ON runs (database, created_at DESC);

CREATE TABLE steps (
  run_id          text NOT NULL REFERENCES runs(id),
  idx             integer NOT NULL,
  kind            text NOT NULL,
  name            text NOT NULL,
  params          jsonb NOT NULL DEFAULT '{}'::jsonb,
  status          text NOT NULL CHECK (status IN ('pending','running','waiting','succeeded','failed','skipped')),
  attempt         integer NOT NULL DEFAULT 1,
  wake            integer NOT NULL DEFAULT 0,
  lease_owner     text,
  lease_until     timestamptz,
  next_at         timestamptz,
  started_at      timestamptz,
  finished_at     timestamptz,
  state           jsonb NOT NULL DEFAULT '{}'::jsonb,
  output          jsonb,
  error           jsonb,
  detail          text,
  compensated_at  timestamptz,
  PRIMARY KEY (run_id, idx)
);

CREATE TABLE approvals (
  id          bigserial PRIMARY KEY,
  run_id      text NOT NULL REFERENCES runs(id),
  step_idx    integer NOT NULL,
  gate        text NOT NULL,
  decided_by  text NOT NULL,
  decision    text NOT NULL CHECK (decision IN ('approved','rejected')),
  plan_hash   text NOT NULL,
  decided_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, step_idx, decision)
);

-- One active run per database: the row exists exactly while a run holds the database.
CREATE TABLE database_locks (
  database     text PRIMARY KEY,
  run_id       text NOT NULL REFERENCES runs(id),
  acquired_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_events (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor      text NOT NULL,
  run_id     text,
  step_idx   integer,
  action     text NOT NULL,
  from_state text,
  to_state   text,
  detail     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_run ON audit_events (run_id, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
