import { ACTION } from '../../../src/slack/ids';
import { APPROVER, buttonLabels, CHANNEL, IC, messageText, OPERATOR, startSlackHarness, STRANGER, waitFor, type SlackHarness } from './slack-harness';

// The "Roll back cutover" button of a succeeded run (issue 6's RunEngine.rollbackCutover):
// approvers only, re-checked on the server, typed confirmation for a production database.

describe('rolling back a cutover from Slack', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => h.close());

  async function messageWith(runId: string, label: string) {
    return waitFor(async () => {
      const m = await h.liveMessage(runId);
      return m && buttonLabels(m).includes(label) && m;
    }, `the "${label}" button`);
  }

  /** A run of `database` taken through both gates to success; returns its id. */
  async function succeededRun(database: string, typed?: string): Promise<string> {
    const before = new Set((await h.runs(database)).map((r) => r.id));
    await h.command(OPERATOR, database === 'prod-db-01' ? `pitr ${database} 30m ago` : `restore ${database} latest`);
    const run = await waitFor(async () => (await h.runs(database)).find((r) => !before.has(r.id)), 'the run');
    await h.click(IC, await messageWith(run.id, 'Approve restore'), ACTION.approveGate);
    const cutover = await messageWith(run.id, typed ? 'Approve cutover…' : 'Approve cutover');
    await h.click(APPROVER, cutover, ACTION.approveGate);
    if (typed) {
      const view = await waitFor(() => h.slack.slack.views(APPROVER).at(-1), 'the cutover confirmation');
      await h.submitTyped(APPROVER, view.id, typed);
    }
    await h.waitForStatus(run.id, 'succeeded');
    return run.id;
  }

  it('undoes the cutover of a succeeded run, and refuses someone who may not', async () => {
    const runId = await succeededRun('staging-db');
    const message = await messageWith(runId, 'Roll back cutover');
    await h.click(STRANGER, message, ACTION.rollbackCutover, 'rewind.rollback.actions');
    const [refused] = await waitFor(async () => {
      const rows = await h.audit('run.rollback_refused');
      return rows.length > 0 && rows;
    }, 'the refusal');
    expect(refused).toMatchObject({ actor: STRANGER, runId, detail: { code: 'NOT_ALLOWED' } });
    expect((await h.services.runtime.store.getRun(runId))?.status).toBe('succeeded');

    await h.click(APPROVER, message, ACTION.rollbackCutover, 'rewind.rollback.actions');
    const ended = await h.waitForStatus(runId, 'aborted');
    expect(ended.meta.cutoverRollback).toMatchObject({ requestedBy: APPROVER });
    const { rows } = await h.pool.query('SELECT rolled_back FROM test_cutovers');
    expect(rows.some((r) => r.rolled_back === true)).toBe(true);
    const final = await waitFor(async () => {
      const m = await h.liveMessage(runId);
      return m && messageText(m).includes('Cutover rolled back') && m;
    }, 'the rolled-back message');
    expect(buttonLabels(final)).toEqual([]);
    await waitFor(() => h.slack.slack.thread(CHANNEL, final.ts).some((m) => m.text.startsWith('↩️ Cutover rolled back')), 'the timeline reply');
  });

  it('asks for the database name before rolling back a production cutover', async () => {
    const runId = await succeededRun('prod-db-01', 'prod-db-01');
    const message = await messageWith(runId, 'Roll back cutover…');
    await h.click(APPROVER, message, ACTION.rollbackCutover, 'rewind.rollback.actions');
    const view = await waitFor(() => h.slack.slack.views(APPROVER).find((v) => v.callback_id === 'rewind.modal.typed-rollback'), 'the rollback confirmation');
    const wrong = await h.submitTyped(APPROVER, view.id, 'prod-db');
    expect(wrong.body).toMatchObject({ responseAction: 'errors' });
    expect(JSON.stringify(wrong.body.errors)).toContain('Type prod-db-01 exactly to roll back');
    expect((await h.services.runtime.store.getRun(runId))?.status).toBe('succeeded');
    await h.submitTyped(APPROVER, view.id, 'prod-db-01');
    await h.waitForStatus(runId, 'aborted');
  });
});
