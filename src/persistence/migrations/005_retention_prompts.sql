-- The questions Rewind asks before deleting a database it kept after a recovery (the one a
-- cutover replaced, or a restored copy whose cutover was rolled back). One row per resource and
-- retain-until time: asking twice about the same thing is impossible, and a resource someone
-- chose to keep longer is asked about again when its new time passes (a new row).
-- status: open (buttons live) → deciding (a click is being carried out) → deleted | kept | gone
-- (the resource stopped being retained by other means); a failed decision goes back to open.

CREATE TABLE retention_prompts (
  id            bigserial PRIMARY KEY,
  database      text NOT NULL,
  provider      text NOT NULL,
  resource_id   text NOT NULL,
  role          text NOT NULL CHECK (role IN ('replaced','restored')),
  retain_until  timestamptz NOT NULL,
  retained_by   text NOT NULL,
  channel       text NOT NULL,
  message_ts    text,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open','deciding','deleted','kept','gone')),
  decided_by    text,
  decided_at    timestamptz,
  outcome       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, resource_id, retain_until)
);
CREATE INDEX retention_prompts_live ON retention_prompts (status) WHERE status IN ('open','deciding');
