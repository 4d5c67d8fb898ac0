import { blockActionsPayload, interactionForm } from '../../../src/console/interaction-payloads';
import type { SlackChannel, SlackUser } from '../../../src/console/slack-workspace';
import type { Run } from '../../../src/recovery/run';
import { ACTION, BLOCK, encodeGateValue } from '../../../src/slack/ids';
import { APPROVER, buttonLabels, CHANNEL, IC, OPERATOR, startSlackHarness, STRANGER, waitFor, type SlackHarness } from './slack-harness';

// Every refusal the issue lists: nothing advances, the person is told why, and an audit row is written.

describe('refusals', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => h.close());

  /** Starts a run as `user` and waits until its live message shows the gate's buttons. */
  async function runAtGate(user: string, database = 'prod-db-01'): Promise<{ run: Run; message: { channel: string; ts: string } }> {
    const before = new Set((await h.runs(database)).map((r) => r.id));
    expect((await h.command(user, `pitr ${database} 2024-05-01T10:02:00Z`)).body).toMatchObject({ botStatus: 200 });
    const run = await waitFor(async () => (await h.runs(database)).find((r) => !before.has(r.id)), 'a new run');
    return { run, message: await gateMessage(run.id, 'Approve restore') };
  }

  async function gateMessage(runId: string, label: string) {
    return waitFor(async () => {
      const m = await h.liveMessage(runId);
      return m && buttonLabels(m).includes(label) && m;
    }, `the ${label} button`);
  }

  async function refusedFor(runId: string, count: number) {
    return waitFor(async () => {
      const rows = (await h.audit('gate.refused')).filter((r) => r.runId === runId);
      return rows.length >= count && rows;
    }, 'the gate.refused audit row');
  }

  async function expectUnchanged(before: Run) {
    await h.idle();
    const after = await h.services.runtime.store.getRun(before.id);
    expect({ status: after?.status, step: after?.currentStep, approvals: after?.approvals.length }).toEqual({ status: before.status, step: before.currentStep, approvals: before.approvals.length });
  }

  async function abortAndWait(runId: string) {
    await h.services.runtime.engine.abort(runId, OPERATOR, 'test cleanup').catch(() => undefined);
    await h.waitForRun(runId, (r) => r.status === 'aborted' || r.status === 'failed', 'the run to end');
  }

  it('refuses a click by someone who may not approve', async () => {
    const { run, message } = await runAtGate(OPERATOR);
    const atGate = await h.waitForStatus(run.id, 'awaiting_approval');
    expect((await h.click(STRANGER, message, ACTION.approveGate)).body).toMatchObject({ botStatus: 200 });
    const [row] = await refusedFor(run.id, 1);
    expect(row).toMatchObject({ actor: STRANGER, action: 'gate.refused', detail: { gate: 'restore', code: 'NOT_ALLOWED' } });
    expect(String(row?.detail.reason)).toContain('You are not an approver of prod-db-01');
    await waitFor(() => h.lastEphemeralText(STRANGER).includes('You are not an approver of prod-db-01'), 'the explanation');
    await expectUnchanged(atGate);
    await abortAndWait(run.id);
  });

  it('refuses a click whose plan hash is not the run\'s plan, and a click after the run was aborted', async () => {
    const { run, message } = await runAtGate(OPERATOR);
    const atGate = await h.waitForStatus(run.id, 'awaiting_approval');
    const ws = h.slack.slack.workspace;
    const forged = blockActionsPayload({
      workspace: ws,
      user: ws.user(IC) as SlackUser,
      source: { kind: 'message', channel: ws.channel(CHANNEL) as SlackChannel, message: h.slack.slack.message(CHANNEL, message.ts) as never },
      button: { action_id: ACTION.approveGate, block_id: BLOCK.gateActions, value: encodeGateValue({ runId: run.id, gate: 'restore', planHash: '0123456789abcdef' }) },
      triggerId: h.slack.slack.createTriggerId(IC),
      responseUrl: h.slack.slack.createResponseUrl(CHANNEL, IC),
      actionTs: (Date.now() / 1000).toFixed(6),
    });
    expect((await h.postSigned(interactionForm(forged))).status).toBe(200);
    const [stale] = await refusedFor(run.id, 1);
    expect(stale).toMatchObject({ actor: IC, detail: { code: 'STALE_PLAN' } });
    await waitFor(() => h.lastEphemeralText(IC).includes('The plan of run'), 'the stale-plan explanation');
    await expectUnchanged(atGate);

    await abortAndWait(run.id);
    const aborted = (await h.services.runtime.store.getRun(run.id)) as Run;
    expect((await h.click(IC, message, ACTION.approveGate)).body).toMatchObject({ botStatus: 200 });
    const rows = await refusedFor(run.id, 2);
    expect(rows[1]).toMatchObject({ actor: IC, detail: { gate: 'restore' } });
    expect(String(rows[1]?.detail.reason)).toContain('is not waiting for an approval');
    await expectUnchanged(aborted);
  });

  it('refuses the requester approving their own cutover under the two-person rule', async () => {
    const { run, message } = await runAtGate(APPROVER);
    expect((await h.click(IC, message, ACTION.approveGate)).body).toMatchObject({ botStatus: 200 });
    const atCutover = await h.waitForRun(run.id, (r) => r.status === 'awaiting_approval' && r.steps[r.currentStep]?.params.gate === 'cutover', 'the cutover gate');
    const cutoverMessage = await gateMessage(run.id, 'Approve cutover…');
    expect((await h.click(APPROVER, cutoverMessage, ACTION.approveGate)).body).toMatchObject({ botStatus: 200 });
    const [row] = await refusedFor(run.id, 1);
    expect(row).toMatchObject({ actor: APPROVER, detail: { gate: 'cutover', code: 'NOT_ALLOWED' } });
    expect(String(row?.detail.reason)).toContain('follows the two-person rule');
    expect(h.slack.slack.views(APPROVER)).toEqual([]);
    await expectUnchanged(atCutover);
    await abortAndWait(run.id);
  });

  describe('requests that are not Slack\'s', () => {
    async function refusedRequests(reason: string, count = 1) {
      return waitFor(async () => {
        const rows = (await h.audit('slack.request_refused')).filter((r) => r.detail.reason === reason);
        return rows.length >= count && rows;
      }, `a slack.request_refused row for ${reason}`);
    }

    async function expectNoNewRun(before: number) {
      await h.idle();
      expect((await h.runs()).length).toBe(before);
    }

    it('refuses a forged signature', async () => {
      const before = (await h.runs()).length;
      const res = await h.postSigned(h.commandBody(OPERATOR, 'restore staging-db latest'), { secret: 'not-the-secret' });
      expect(res).toEqual({ status: 401, text: 'invalid request signature\n' });
      const [row] = await refusedRequests('bad_signature');
      expect(row).toMatchObject({ actor: OPERATOR, detail: { identity: 'unverified' } });
      await expectNoNewRun(before);
    });

    it('refuses a timestamp six minutes old', async () => {
      const before = (await h.runs()).length;
      const res = await h.postSigned(h.commandBody(OPERATOR, 'restore staging-db latest'), { atMs: Date.now() - 6 * 60_000 });
      expect(res.status).toBe(401);
      expect(res.text).toContain('more than 5 minutes old');
      await refusedRequests('stale_timestamp');
      await expectNoNewRun(before);
    });

    it('refuses a replayed request', async () => {
      const body = h.commandBody(STRANGER, 'help');
      const at = Date.now();
      expect((await h.postSigned(body, { atMs: at })).status).toBe(200);
      const replay = await h.postSigned(body, { atMs: at });
      expect(replay).toEqual({ status: 401, text: 'this request was already received\n' });
      const [row] = await refusedRequests('replayed');
      expect(row?.actor).toBe(STRANGER);
    });

    it('refuses a request without signature headers, naming nobody it cannot verify', async () => {
      const res = await fetch(h.eventsUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'payload=%7B%7D' });
      expect(res.status).toBe(401);
      const [row] = await refusedRequests('missing_signature');
      expect(row?.actor).toBe('unknown');
    });
  });
});
