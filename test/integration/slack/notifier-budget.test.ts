import { buildRecoveryPlan } from '../../../src/recovery/plans';
import type { CallRecord } from '../../fakes/slack-api';
import { APPROVER, buttonLabels, CHANNEL, messageText, OPERATOR, startSlackHarness, waitFor, type SlackHarness } from './slack-harness';

// The notifier under load, in compressed time: the fake Slack's clock runs SCALE times faster
// than the wall clock and the message queue's limiter is scaled the same way, so a minute of
// Slack's budget takes 60/SCALE seconds. Slack's own limit (chat.update: 50 a minute, a
// bucket of 50) is enforced by the fake; the notifier must stay inside it without any 429.

const SCALE = 10;
const RUNS = 30;
const MINUTE = 60_000;

const databases = Array.from({ length: RUNS }, (_, i) => `db-${String(i + 1).padStart(2, '0')}`);
const CONFIG = `
timezone: UTC
databases:
${databases.map((name) => `  ${name}:\n    provider: rds-instance\n    rto: 15m\n    rpo: 5m\n    operators: [${OPERATOR}]\n    approvers: [${APPROVER}]\n    source: { instanceId: ${name}, region: eu-central-1 }`).join('\n')}
`;

/** The most calls in any window of `windowMs` (fake time). */
function maxInWindow(calls: CallRecord[], windowMs: number): number {
  const at = calls.map((c) => c.at).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while ((at[i] as number) - (at[j] as number) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('live message notifier within Slack budgets', () => {
  let h: SlackHarness;
  const started = Date.now();
  beforeAll(async () => {
    h = await startSlackHarness({
      config: CONFIG,
      slack: { now: () => started + (Date.now() - started) * SCALE, rateLimits: { 'chat.postMessage': null } },
      mount: { limiter: { max: 3, duration: 4_000 / SCALE }, tickMs: 10_000 / SCALE, staleMs: 20_000 / SCALE },
    });
  });
  afterAll(async () => h.close());

  const gateOf = (runId: string) => h.services.runtime.store.getRun(runId).then((r) => (r?.status === 'awaiting_approval' ? r.steps[r.currentStep]?.params.gate : undefined));

  it(`keeps ${RUNS} runs changing state together within 50 chat.update a minute, and shows each run's latest state`, async () => {
    const rt = h.services.runtime;
    const runs = await Promise.all(
      databases.map((database) =>
        rt.engine.start({ plan: buildRecoveryPlan({ database, cutovers: ['app secret'], healthChecks: 1, validationChecks: 1 }, { kind: 'latest' }), requestedBy: OPERATOR, channel: CHANNEL }),
      ),
    );
    await waitFor(async () => (await Promise.all(runs.map((r) => gateOf(r.id)))).every((g) => g === 'restore'), 'every run at its restore gate', 30_000);
    await waitFor(async () => (await Promise.all(runs.map((r) => h.liveMessage(r.id)))).every((m) => buttonLabels(m).includes('Approve restore')), 'every live message at its restore gate', 60_000);
    const before = h.slack.slack.calls('chat.update').length;
    // Everyone approves at once: each run then restores, validates and reaches its cutover gate.
    await Promise.all(runs.map((r) => rt.engine.approve({ runId: r.id, gate: 'restore', planHash: r.planHash, actor: APPROVER })));
    await waitFor(async () => (await Promise.all(runs.map((r) => gateOf(r.id)))).every((g) => g === 'cutover'), 'every run at its cutover gate', 30_000);
    await waitFor(async () => {
      const messages = await Promise.all(runs.map((r) => h.liveMessage(r.id)));
      return messages.every((m) => buttonLabels(m).includes('Approve cutover'));
    }, 'every live message to show its cutover gate', 60_000);

    const updates = h.slack.slack.calls('chat.update');
    expect(updates.filter((c) => c.status === 429)).toEqual([]);
    expect(updates.length - before).toBeGreaterThanOrEqual(RUNS);
    expect(maxInWindow(updates, MINUTE)).toBeLessThanOrEqual(50);
    // Coalescing: far fewer updates than the run changes they reflect.
    const { rows } = await h.pool.query('SELECT count(*)::int AS n FROM audit_events WHERE run_id IS NOT NULL');
    expect(updates.length).toBeLessThan(rows[0].n);
  }, 120_000);

  it('recovers after a 429 by pausing every update for its Retry-After, then shows the latest state', async () => {
    const rt = h.services.runtime;
    const [first] = await h.runs('db-01');
    const run = first ? await rt.store.getRun(first.id) : undefined;
    if (!run) throw new Error('no run of db-01');
    h.slack.slack.failNext('chat.update', { retryAfter: 2 });
    await rt.engine.approve({ runId: run.id, gate: 'cutover', planHash: run.planHash, actor: APPROVER });
    await h.waitForStatus(run.id, 'succeeded');
    await waitFor(async () => messageText(await h.liveMessage(run.id)).includes('succeeded in'), 'the final message after the 429', 30_000);

    const updates = h.slack.slack.calls('chat.update');
    const limited = updates.find((c) => c.status === 429);
    expect(limited).toBeDefined();
    const after = updates.filter((c) => c.at > (limited as CallRecord).at);
    expect(after.length).toBeGreaterThan(0);
    // Retry-After is 2 s of real time: no update started after the 429 until it had passed (one
    // already in flight on the worker's second slot may land just after the 429).
    const during = after.filter((c) => c.at - (limited as CallRecord).at < 2_000 * SCALE * 0.9);
    expect(during.length).toBeLessThanOrEqual(1);
    expect(during.every((c) => c.at - (limited as CallRecord).at < 500 * SCALE)).toBe(true);
    const metrics = await rt.metrics.registry.getSingleMetricAsString('rewind_slack_api_errors_total');
    expect(metrics).toMatch(/method="chat.update",error="ratelimited"} [1-9]/);
  }, 60_000);

  it('refreshes a waiting run\'s message at least every 30 s while it is active', async () => {
    const rt = h.services.runtime;
    const active = (await h.runs()).filter((r) => r.status === 'awaiting_approval');
    const [watched, ...others] = active;
    if (!watched) throw new Error('no active run left');
    await Promise.all(others.map((r) => rt.engine.abort(r.id, OPERATOR, 'test: fewer active runs')));
    const ts = (await h.liveMessage(watched.id))?.ts;
    const from = Date.now();
    await new Promise((r) => setTimeout(r, (90_000 / SCALE) * 1.1));
    const own = h.slack.slack.calls('chat.update').filter((c) => c.args.ts === ts && c.status === 200 && c.at >= started + (from - started) * SCALE);
    expect(own.length).toBeGreaterThanOrEqual(3);
    const gaps = own.slice(1).map((c, i) => c.at - (own[i] as CallRecord).at);
    // 30 s of Slack time, plus 2 s of real scheduling jitter on a loaded machine (x SCALE here)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000 + 2_000 * SCALE);
  }, 60_000);
});
