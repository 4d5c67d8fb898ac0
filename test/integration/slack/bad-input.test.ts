import { OPERATOR, startSlackHarness, STRANGER, waitFor, ELSEWHERE, type SlackHarness } from './slack-harness';

// Bad input gets a precise ephemeral message and creates no run. Answers that need no provider
// come in the acknowledgement itself; the window check answers through the response URL.

describe('bad input', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => h.close());

  afterEach(async () => {
    await h.idle();
    expect(await h.runs()).toEqual([]);
  });

  async function answer(text: string, user = OPERATOR, channel?: string): Promise<string> {
    const before = h.slack.slack.ephemerals(user).length;
    const res = await h.command(user, text, channel);
    // The console gives the bot Slack's 3 s, as Slack does: a late acknowledgement is not a 200.
    expect(res.body).toMatchObject({ ok: true, botStatus: 200 });
    const list = await waitFor(() => {
      const l = h.slack.slack.ephemerals(user);
      return l.length > before && l;
    }, `an answer to /dr ${text.slice(0, 40)}`);
    return list[list.length - 1]?.text ?? '';
  }

  it.each([
    ['an unknown database', 'pitr prod-db-99 15m ago', 'There is no database `prod-db-99` in rewind.yml; did you mean `prod-db-01`?'],
    ['an unknown subcommand', 'pirt prod-db-01 15m ago', 'Rewind has no command `pirt`; did you mean `/dr pitr`?'],
    ['a missing database', 'pitr', 'Which database? Usage: `/dr pitr &lt;database&gt; &lt;time&gt;`, for example `/dr pitr prod-db-01 15m ago`.'],
    ['a missing time', 'pitr prod-db-01', 'To which time? Usage: `/dr pitr &lt;database&gt; &lt;time&gt;`'],
    ['a missing restore point', 'restore prod-db-01', 'Restore what: latest, or a backup ID from `/dr backups prod-db-01`?'],
    ['a missing run ID', 'abort', 'Which run? Usage: `/dr abort &lt;run-id&gt;`'],
    ['a naive time', 'pitr prod-db-01 2024-05-01 12:02', '"2024-05-01 12:02" has no time zone. Did you mean 2024-05-01T12:02:00Z, or 2024-05-01T10:02:00Z (12:02 in Europe/Berlin, this channel\'s zone)?'],
    ['a future time', 'pitr prod-db-01 2099-01-01T00:00:00Z', '2099-01-01T00:00:00Z is in the future'],
    ['garbage as a time', 'pitr prod-db-01 banana', '"banana" is not a time Rewind understands.'],
    ['garbage as a command', '¯\\_(ツ)_/¯', 'Rewind has no command `¯\\_(ツ)_/¯`.'],
    ['a 10 kB argument', `pitr prod-db-01 ${'9'.repeat(10 * 1024)}`, 'That command is 10256 characters long; /dr commands are short'],
    ['a database name with quotes and SQL', "pitr prod-db-01';DROP-TABLE-runs;-- 15m ago", "`prod-db-01';DROP-TABLE-runs;--` is not a database name: names are lowercase letters, digits and dashes"],
    ['a database name with SQL in quotes', 'pitr "x" OR 1=1 15m ago', '`"x"` is not a database name'],
    ['a run ID that is not one', "abort r-1' or '1'='1", "`r-1'` is not a run ID"],
    ['too many arguments', 'backups prod-db-01 now please', 'Too many arguments: `now please` is not expected here.'],
    ['a malformed run ID', 'abort 1;select', '`1;select` is not a run ID: run IDs look like `r-k3m9qz`.'],
    ['an unknown backup ID shape', 'restore prod-db-01 ../../etc/passwd', '`../../etc/passwd` is neither `latest` nor a backup ID'],
  ])('%s', async (_what, text, expected) => {
    expect(await answer(text)).toContain(expected);
  });

  it('a time outside the restorable window, after checking the source', async () => {
    const text = await answer('pitr prod-db-01 2024-04-01T00:00:00Z');
    expect(text).toContain('Checking the restorable window');
    const refusal = await waitFor(() => {
      const last = h.slack.slack.ephemerals(OPERATOR).at(-1)?.text ?? '';
      return last.includes('❌') && last;
    }, 'the window refusal');
    expect(refusal).toContain('2024-04-01T00:00:00Z is before the earliest restorable time. The restorable window is 2024-04-30T00:00:00Z to');
    expect(refusal).toContain('Nothing was started.');
  });

  it('a backup that does not exist, after checking the source', async () => {
    await answer('restore prod-db-01 rds:nope');
    const refusal = await waitFor(() => {
      const last = h.slack.slack.ephemerals(OPERATOR).at(-1)?.text ?? '';
      return last.includes('❌') && last;
    }, 'the backup refusal');
    expect(refusal).toContain('There is no backup rds:nope. /dr backups lists the restorable ones.');
  });

  it('a start by someone who is not an operator, or in a channel the database does not allow', async () => {
    expect(await answer('pitr prod-db-01 15m ago', STRANGER)).toContain('You are not an operator of prod-db-01, so you cannot start runs for it.');
    expect(await answer('pitr prod-db-01 15m ago', OPERATOR, ELSEWHERE)).toContain('Runs for prod-db-01 can only be started in <#C0INCIDENT1>; this channel is not one of them.');
    const rows = await waitFor(async () => {
      const r = await h.audit('run.start_refused');
      return r.length >= 2 && r;
    }, 'the refusals in the audit trail');
    expect(rows.map((r) => r.actor)).toEqual([STRANGER, OPERATOR]);
  });
});
