import { buildRecoveryPlan } from '../../../src/recovery/plans';
import { liveMessageOf } from '../../../src/slack/live-message-sync';
import { APPROVER, buttonLabels, CHANNEL, messageText, OPERATOR, startSlackHarness, waitFor, type SlackHarness } from './slack-harness';

// How the live message copes with Slack: a deleted message is posted again, a timeline reply
// Slack refuses for good is skipped (once), and nothing is posted twice when a job is retried.

describe('live message upkeep', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => h.close());

  async function startAtGate() {
    const rt = h.services.runtime;
    const run = await rt.engine.start({ plan: buildRecoveryPlan({ database: 'staging-db', cutovers: ['app secret'], healthChecks: 1, validationChecks: 1 }, { kind: 'latest' }), requestedBy: OPERATOR, channel: CHANNEL });
    await waitFor(async () => buttonLabels(await h.liveMessage(run.id)).includes('Approve restore'), 'the restore gate');
    return run;
  }

  it('posts the live message again when someone deleted it', async () => {
    const rt = h.services.runtime;
    const run = await startAtGate();
    const first = liveMessageOf((await rt.store.getRun(run.id)) as never);
    h.slack.slack.failNext('chat.update', { error: 'message_not_found' });
    await rt.engine.approve({ runId: run.id, gate: 'restore', planHash: run.planHash, actor: APPROVER });
    const second = await waitFor(async () => {
      const live = liveMessageOf((await rt.store.getRun(run.id)) as never);
      return live && live.ts !== first?.ts && live;
    }, 'a new live message');
    await waitFor(async () => messageText(h.slack.slack.message(CHANNEL, second.ts)).includes('Restore approved by'), 'the new message to show the approval');
    await h.waitForRun(run.id, (r) => r.steps[r.currentStep]?.params.gate === 'cutover', 'the cutover gate');
    await rt.engine.abort(run.id, OPERATOR);
    await h.waitForStatus(run.id, 'aborted');
    await waitFor(async () => {
      const { rows } = await h.pool.query('SELECT count(*)::int AS n FROM slack_thread_posts WHERE ts IS NULL AND error IS NULL');
      return rows[0].n === 0;
    }, 'the timeline to be posted');
  });

  it('skips a timeline reply Slack refuses for good, and posts every other reply once', async () => {
    const rt = h.services.runtime;
    const run = await startAtGate();
    h.slack.slack.failNext('chat.postMessage', { error: 'msg_too_long' });
    await rt.engine.approve({ runId: run.id, gate: 'restore', planHash: run.planHash, actor: APPROVER });
    await h.waitForRun(run.id, (r) => r.steps[r.currentStep]?.params.gate === 'cutover', 'the cutover gate');
    await waitFor(async () => {
      const { rows } = await h.pool.query('SELECT count(*)::int AS n FROM slack_thread_posts WHERE run_id = $1 AND ts IS NULL AND error IS NULL', [run.id]);
      return rows[0].n === 0;
    }, 'every reply to be handled');
    const { rows } = await h.pool.query('SELECT event_key, error FROM slack_thread_posts WHERE run_id = $1 AND error IS NOT NULL', [run.id]);
    expect(rows).toEqual([expect.objectContaining({ error: 'msg_too_long' })]);
    const ts = liveMessageOf((await rt.store.getRun(run.id)) as never)?.ts as string;
    const replies = h.slack.slack.thread(CHANNEL, ts).slice(1).map((m) => m.text);
    expect(new Set(replies).size).toBe(replies.length);
    expect(replies.some((t) => t.includes('Ready to cut over'))).toBe(true);
    await rt.engine.abort(run.id, OPERATOR);
  });
});
