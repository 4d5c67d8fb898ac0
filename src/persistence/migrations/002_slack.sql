-- Slack console state: the incident commander each channel names with /dr ic, and the thread
-- replies of each run's timeline (recorded when the event happens, posted once by the notifier).

CREATE TABLE channel_incident_commanders (
  channel  text PRIMARY KEY,
  user_id  text NOT NULL,
  set_by   text NOT NULL,
  set_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per timeline event; `ts` is set once Slack has the reply, so a retried job skips it.
-- `error` marks a reply Slack refused for good (it is not tried again).
CREATE TABLE slack_thread_posts (
  id         bigserial PRIMARY KEY,
  run_id     text NOT NULL REFERENCES runs(id),
  event_key  text NOT NULL,
  text       text NOT NULL,
  ts         text,
  error      text,
  created_at timestamptz NOT NULL DEFAULT now(),
  posted_at  timestamptz,
  UNIQUE (run_id, event_key)
);
CREATE INDEX slack_thread_posts_pending ON slack_thread_posts (run_id, id) WHERE ts IS NULL AND error IS NULL;
