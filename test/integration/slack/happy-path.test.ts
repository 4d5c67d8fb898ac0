import { ACTION } from '../../../src/slack/ids';
import { APPROVER, buttonLabels, CHANNEL, IC, messageText, OPERATOR, startSlackHarness, waitFor, type SlackHarness } from './slack-harness';

// The first acceptance case, end to end through signed requests: command → pre-flight →
// live message → IC approves the restore → cutover gate → typed confirmation → done.

describe('/dr pitr, happy path', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => h.close());

  it('acks at once, posts the live message, and runs through both gates to a final message', async () => {
    const ack = await h.command(OPERATOR, 'pitr prod-db-01 2024-05-01T10:02:00Z');
    // The console gives the bot Slack's 3 s, as Slack does: a late acknowledgement is not a 200.
    expect(ack.body).toMatchObject({ ok: true, botStatus: 200 });
    expect(h.lastEphemeralText(OPERATOR)).toContain('Checking the restorable window of prod-db-01');

    const [run] = await waitFor(async () => {
      const runs = await h.runs('prod-db-01');
      return runs.length > 0 && runs;
    }, 'the run to be created');
    const runId = run?.id as string;
    await waitFor(() => h.lastEphemeralText(OPERATOR).includes('Pre-flight: PITR prod-db-01'), 'the pre-flight');
    const preflight = h.lastEphemeralText(OPERATOR);
    expect(preflight).toContain('2024-05-01 10:02:00 UTC (12:02:00 CEST Europe/Berlin)');
    expect(preflight).toContain('Writes after 10:02:00 UTC on 2024-05-01 will not be in the restored copy.');
    expect(preflight).toContain(runId);

    await h.waitForRun(runId, (r) => r.status === 'awaiting_approval', 'the restore gate');
    const atRestore = await waitFor(async () => {
      const m = await h.liveMessage(runId);
      return m && buttonLabels(m).includes('Approve restore') && m;
    }, 'the live message with the restore gate');
    expect(atRestore.channel).toBe(CHANNEL);

    expect((await h.click(IC, atRestore, ACTION.approveGate)).body).toMatchObject({ ok: true, botStatus: 200 });
    await h.waitForRun(runId, (r) => r.status === 'awaiting_approval' && r.steps[r.currentStep]?.params.gate === 'cutover', 'the cutover gate');
    const atCutover = await waitFor(async () => {
      const m = await h.liveMessage(runId);
      return m && buttonLabels(m).includes('Approve cutover…') && m;
    }, 'the live message with the cutover gate');
    expect(messageText(atCutover)).toContain(`Restore approved by <@${IC}>`);

    // Production: the approve button opens a typed confirmation; a wrong name is refused in the modal.
    expect((await h.click(APPROVER, atCutover, ACTION.approveGate)).body).toMatchObject({ ok: true, botStatus: 200 });
    const view = await waitFor(() => h.slack.slack.views(APPROVER)[0], 'the typed confirmation');
    const wrong = await h.submitTyped(APPROVER, view.id, 'prod-db-02');
    expect(wrong.body).toMatchObject({ ok: true, responseAction: 'errors' });
    expect(JSON.stringify(wrong.body.errors)).toContain('Type prod-db-01 exactly');
    expect((await h.services.runtime.store.getRun(runId))?.status).toBe('awaiting_approval');
    expect((await h.submitTyped(APPROVER, view.id, 'prod-db-01')).body).toMatchObject({ ok: true, botStatus: 200 });

    const done = await h.waitForStatus(runId, 'succeeded');
    expect(done.steps.every((s) => s.status === 'succeeded')).toBe(true);
    const final = await waitFor(async () => {
      const m = await h.liveMessage(runId);
      return m && messageText(m).includes('succeeded in') && m;
    }, 'the final live message');
    const text = messageText(final);
    expect(text).toMatch(/PITR of prod-db-01 succeeded in \S+.*within the 15m RTO/);
    expect(buttonLabels(final)).toEqual(['Roll back cutover…']);
    expect(text.match(/✅/g)?.length).toBeGreaterThanOrEqual(done.steps.length);
    expect(text).toContain(`Cutover approved by <@${APPROVER}>`);

    const thread = await waitFor(() => {
      const replies = h.slack.slack.thread(CHANNEL, final.ts).slice(1).map((m) => m.text);
      return replies.some((t) => t.includes('🎉 PITR of prod-db-01 finished')) && replies;
    }, 'the timeline to end');
    expect(thread.some((t) => t.includes('Restore started') && t.includes('prod-db-01-dr-'))).toBe(true);
    expect(thread.some((t) => t.includes('Validation passed'))).toBe(true);
    expect(thread.some((t) => t.includes('Cutover plan'))).toBe(true);
    expect(new Set(thread).size).toBe(thread.length);
  });
});
