import { blockActionsPayload, interactionForm } from '../../../src/console/interaction-payloads';
import type { SlackChannel, SlackUser } from '../../../src/console/slack-workspace';
import { countingProviders } from '../../support/counting-providers';
import { ACTION } from '../../../src/slack/ids';
import { APPROVER, buttonLabels, CHANNEL, IC, messageText, OPERATOR, OPERATOR2, startSlackHarness, STRANGER, waitFor, WINDOW, type SlackHarness } from './slack-harness';

// The other /dr commands through signed requests: status, backups, help, ic, abort and resume
// (a failed run resumed, another failed run aborted to discard what it created), and a
// Slack retry of the same request that must not run it twice.

describe('/dr commands', () => {
  let h: SlackHarness;
  let broken = false;
  beforeAll(async () => {
    h = await startSlackHarness({
      providers: (pool) => (database) => {
        const p = countingProviders(pool, { window: WINDOW });
        const poll = p.source.poll.bind(p.source);
        p.source.poll = async (ref) => (broken && database === 'staging-db' ? { state: 'failed', reason: 'the instance ran out of storage' } : poll(ref));
        return p;
      },
    });
  });
  afterAll(async () => h.close());

  async function reply(user: string, text: string, expected: string, channel?: string): Promise<string> {
    expect((await h.command(user, text, channel)).body).toMatchObject({ botStatus: 200 });
    return waitFor(() => h.slack.slack.ephemerals(user).map((e) => `${e.text}\n${JSON.stringify(e.blocks ?? [])}`).reverse().find((t) => t.includes(expected)), `"${expected}" in reply to /dr ${text}`);
  }

  async function startStaging(): Promise<string> {
    const before = new Set((await h.runs('staging-db')).map((r) => r.id));
    await reply(OPERATOR, 'restore staging-db latest', 'Pre-flight: Restore staging-db → latest');
    const run = await waitFor(async () => (await h.runs('staging-db')).find((r) => !before.has(r.id)), 'the staging run');
    const message = await waitFor(async () => {
      const m = await h.liveMessage(run.id);
      return m && buttonLabels(m).includes('Approve restore') && m;
    }, 'the restore gate');
    await h.click(APPROVER, message, ACTION.approveGate);
    return run.id;
  }

  it('help lists what the caller may run, with examples', async () => {
    const text = await reply(OPERATOR, 'help', 'Rewind: commands you may run here');
    expect(text).toContain('e.g. `/dr pitr prod-db-01 15m ago`');
    expect(text).not.toContain('/dr ic @user');
    const stranger = await reply(STRANGER, '', 'Rewind commands you may run here');
    expect(stranger).not.toContain('/dr pitr');
    expect(stranger).toContain('/dr status');
  });

  it('backups shows the window and the backups against the RPO, to members only', async () => {
    const text = await reply(APPROVER, 'backups prod-db-01', 'Backups of prod-db-01');
    expect(text).toContain('backup-1');
    expect(text).toContain('Restorable window:* 2024-04-30 00:00:00 UTC');
    expect(await reply(STRANGER, 'backups prod-db-01', 'cannot list its backups')).toContain('You are neither an operator nor an approver of prod-db-01');
  });

  it('ic names the incident commander, who then shows on runs here and may approve them', async () => {
    expect(await reply(OPERATOR, 'ic <@U0OPERATOR2|oscar>', 'Only an approver')).toContain('may name the incident commander');
    expect(await reply(APPROVER, 'ic', 'The incident commander of this channel is')).toContain(`<@${IC}>`);
    expect((await h.command(APPROVER, 'ic <@U0OPERATOR2|oscar>')).body).toMatchObject({ botStatus: 200 });
    const announced = await waitFor(() => h.slack.slack.messages(CHANNEL).find((m) => m.text.includes('incident commander of this channel')), 'the announcement');
    expect(announced.text).toBe(`🧭 <@${APPROVER}> named <@${OPERATOR2}> incident commander of this channel (was <@${IC}>). They may approve gates of runs started here; every run here shows them.`);
    expect((await h.audit('channel.incident_commander_set'))[0]).toMatchObject({ actor: APPROVER, from: IC, to: OPERATOR2 });

    const before = new Set((await h.runs('prod-db-01')).map((r) => r.id));
    await h.command(OPERATOR, 'pitr prod-db-01 1h ago');
    const run = await waitFor(async () => (await h.runs('prod-db-01')).find((r) => !before.has(r.id)), 'the run');
    const message = await waitFor(async () => {
      const m = await h.liveMessage(run.id);
      return m && buttonLabels(m).includes('Approve restore') && m;
    }, 'the restore gate');
    expect(messageText(message)).toContain(`IC <@${OPERATOR2}>`);
    await h.click(IC, message, ACTION.approveGate);
    await waitFor(async () => (await h.audit('gate.refused')).some((r) => r.actor === IC && r.runId === run.id), 'the former IC refused');
    await h.click(OPERATOR2, message, ACTION.approveGate);
    await h.waitForRun(run.id, (r) => r.approvals.some((a) => a.decidedBy === OPERATOR2), 'the new IC\'s approval');
    await h.waitForRun(run.id, (r) => r.steps[r.currentStep]?.params.gate === 'cutover', 'the cutover gate');
    await h.services.runtime.engine.abort(run.id, OPERATOR, 'test done');
    await h.waitForRun(run.id, (r) => r.status === 'aborted', 'the run to be aborted');
  });

  it('resume continues a failed run from its failed step; status shows runs and one run', async () => {
    broken = true;
    const runId = await startStaging();
    const failed = await h.waitForStatus(runId, 'failed');
    expect(failed.steps[failed.currentStep]?.kind).toBe('wait-available');
    const message = await waitFor(async () => {
      const m = await h.liveMessage(runId);
      return m && messageText(m).includes('failed*') && m;
    }, 'the failure on the live message');
    expect(messageText(message)).toContain(`/dr resume ${runId}`);
    expect(await reply(STRANGER, `resume ${runId}`, 'cannot resume')).toContain('You are not an operator of staging-db');
    expect((await h.audit('run.resume_refused')).map((r) => r.actor)).toEqual([STRANGER]);

    broken = false;
    await reply(OPERATOR, `resume ${runId}`, `Run ${runId} resumed from step 4`);
    await h.waitForRun(runId, (r) => r.status === 'awaiting_approval' && r.steps[r.currentStep]?.params.gate === 'cutover', 'the cutover gate after resuming');

    expect(await reply(STRANGER, 'status', 'Rewind runs')).toContain(runId);
    const one = await reply(STRANGER, `status ${runId}`, 'Restore staging-db');
    expect(one).toContain('waiting for approval to cut over');
    expect(one).not.toContain(ACTION.approveGate);
    await reply(OPERATOR, `abort ${runId}`, `Run ${runId} is aborted.`);
    await h.waitForStatus(runId, 'aborted');
  });

  it('abort discards what a failed run created', async () => {
    broken = true;
    const runId = await startStaging();
    await h.waitForStatus(runId, 'failed');
    broken = false;
    expect(await reply(STRANGER, `abort ${runId}`, 'cannot abort')).toContain('You are neither an operator nor an approver of staging-db');
    await reply(APPROVER, `abort ${runId}`, `Run ${runId} is aborted. What it created is being removed`);
    await h.waitForStatus(runId, 'aborted');
    const { rows } = await h.pool.query('SELECT discarded FROM test_resources WHERE run_id = $1', [runId]);
    expect(rows).toEqual([{ discarded: true }]);
    expect(await reply(OPERATOR, `abort ${runId}`, 'nothing to abort')).toContain(`Run ${runId} has already been aborted`);
  });

  it('runs a request Slack retries only once', async () => {
    const before = (await h.runs('staging-db')).length;
    const body = h.commandBody(OPERATOR, 'restore staging-db latest');
    expect((await h.postSigned(body, { atMs: Date.now() - 2000 })).status).toBe(200);
    expect((await h.postSigned(body, { headers: { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' } })).status).toBe(200);
    await waitFor(async () => (await h.runs('staging-db')).length > before, 'the run');
    await h.idle();
    const runs = await h.runs('staging-db');
    expect(runs.length).toBe(before + 1);
    await h.services.runtime.engine.abort(runs[0]?.id as string, OPERATOR);
  });

  it('routes the drill announcements\' buttons to the drill handlers', async () => {
    const ws = h.slack.slack.workspace;
    const posted = h.slack.slack.postAsUser(CHANNEL, STRANGER, 'an old drill announcement');
    const payload = blockActionsPayload({
      workspace: ws,
      user: ws.user(STRANGER) as SlackUser,
      source: { kind: 'message', channel: ws.channel(CHANNEL) as SlackChannel, message: posted },
      button: { action_id: 'rewind-drill.skip', block_id: 'rewind-drill.actions', value: 'not a drill' },
      triggerId: h.slack.slack.createTriggerId(STRANGER),
      actionTs: (Date.now() / 1000).toFixed(6),
    });
    expect((await h.postSigned(interactionForm(payload))).status).toBe(200);
    await waitFor(() => h.slack.slack.ephemerals(STRANGER).some((e) => e.text.includes('does not name a Rewind drill')), 'the drill handler\'s answer');
  });
});
