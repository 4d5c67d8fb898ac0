import { PgRetentionPromptStore } from '../../../src/persistence/retention-prompt-store';
import { RETENTION_SCHEDULER_ID } from '../../../src/queue/slack-queues';
import { ACTION, BLOCK, CALLBACK } from '../../../src/slack/ids';
import { checkRetention } from '../../../src/slack/retention-check';
import { retentionDepsFrom } from '../../../src/slack/retention-messages';
import type { FakeRds } from '../../fakes/aws-rds';
import { APPROVER, buttonLabels, CHANNEL, ELSEWHERE, IC, messageText, waitFor, type SlackHarness } from './slack-harness';
import { expireRetention, HOUR, retained, startRetentionWorld, succeededRestore, tagList, type RetentionWorld } from './retention-world';

// Retention questions that stop standing (refused by the provider, an archived channel, checks
// that overlap, tags changed since, a decision interrupted, the resource gone) and a delete whose
// outcome Rewind cannot know.

describe('retention prompts that stop standing', () => {
  let world: RetentionWorld;
  let h: SlackHarness;
  let rds: FakeRds;
  const due = () => [...retained(new Date(Date.now() - HOUR), 'r-cutover-9', 'replaced')];
  const prompt = () => h.slack.slack.messages(CHANNEL).find((m) => messageText(m).includes('Delete prod-db-01?'));

  beforeAll(async () => {
    // every database's retention watches prod-db-01 (one shared RdsRetention): the questions are prod-db-01's
    world = await startRetentionWorld(
      (fake) => fake.addInstance('prod-db-01', { Engine: 'postgres', DeletionProtection: true, TagList: due() }),
      () => ({ sourceId: 'prod-db-01', database: 'prod-db-01' }),
    );
    ({ h, rds } = world);
  });
  afterAll(async () => world.close());

  it('explains a deletion the provider refuses and keeps the question open', async () => {
    const message = await waitFor(() => prompt(), 'the prompt');
    await h.click(APPROVER, message, ACTION.deleteRetained, BLOCK.retentionActions);
    const view = await waitFor(() => h.slack.slack.views(APPROVER).find((v) => v.callback_id === CALLBACK.typedRetentionDeletion), 'the deletion confirmation');
    await h.submitTyped(APPROVER, view.id, 'prod-db-01');
    const failed = await waitFor(() => {
      const m = prompt();
      return m && messageText(m).includes('The last click did not go through') && m;
    }, 'the failure on the prompt');
    expect(messageText(failed)).toContain('has deletion protection on, so Rewind will not delete it. If it really should go, turn it off (aws rds modify-db-instance --db-instance-identifier prod-db-01 --no-deletion-protection)');
    expect(buttonLabels(failed)).toEqual(['Delete prod-db-01…', 'Keep 3d more']);
    expect(rds.server.calls.filter((c) => c.action.startsWith('Delete'))).toEqual([]);
    expect((await h.audit('retention.deletion_approved')).map((e) => e.actor)).toEqual([APPROVER]);
    expect((await h.audit('retention.deletion_failed')).map((e) => e.detail.code ?? e.detail.error)).toEqual([expect.stringContaining('deletion protection on')]);
  });

  it("asks in the database's channel when the run's channel is archived", async () => {
    // checks by hand for this one: a periodic check between the steps below would see a half-built world
    const queues = h.mounted.services.queues;
    await queues.interactions.removeJobScheduler(RETENTION_SCHEDULER_ID);
    await h.idle();
    const until = new Date(Date.now() - HOUR);
    rds.addInstance('prod-db-01-dr-r7', { Engine: 'postgres', TagList: [...tagList({ 'managed-by': 'rewind', 'rewind-run': 'r-7', 'rewind-database': 'prod-db-01' }), ...retained(until, 'r-7', 'restored')] });
    // the question was recorded for the run's channel, which Slack now refuses
    await new PgRetentionPromptStore(h.pool).open(
      { database: 'prod-db-01', provider: 'aws-rds-instance', id: 'prod-db-01-dr-r7', role: 'restored', retainUntil: until, retainedBy: 'r-7', deletionProtection: false },
      ELSEWHERE,
    );
    h.slack.slack.failNext('chat.postMessage', { error: 'is_archived' });
    await checkRetention(h.mounted.services, retentionDepsFrom(h.mounted.services));
    await queues.scheduleRetentionCheck(300);
    const asked = await waitFor(() => h.slack.slack.messages(CHANNEL).find((m) => messageText(m).includes('Delete prod-db-01-dr-r7?')), 'the question in the database\'s channel');
    expect(buttonLabels(asked)).toEqual(['Delete prod-db-01-dr-r7…', 'Keep 3d more']);
    const { rows } = await h.pool.query(`SELECT channel, message_ts FROM retention_prompts WHERE resource_id = 'prod-db-01-dr-r7'`);
    expect(rows).toEqual([{ channel: CHANNEL, message_ts: asked.ts }]);
    expect(h.slack.slack.calls('chat.postMessage').filter((c) => c.args.channel === ELSEWHERE).map((c) => c.error)).toEqual(['is_archived']);
  });

  it('asks once even when checks overlap', async () => {
    const svc = h.mounted.services;
    const until = new Date(Date.now() - HOUR);
    rds.addInstance('prod-db-01-dr-r8', { Engine: 'postgres', TagList: [...tagList({ 'managed-by': 'rewind', 'rewind-run': 'r-8', 'rewind-database': 'prod-db-01' }), ...retained(until, 'r-8', 'restored')] });
    const results = await Promise.all([1, 2, 3].map(() => checkRetention(svc, retentionDepsFrom(svc))));
    // one check ran (or the scheduled one did); the others saw the lock and did nothing
    expect(results.filter((r) => r !== undefined).length).toBeLessThanOrEqual(1);
    await waitFor(() => h.slack.slack.messages(CHANNEL).some((m) => messageText(m).includes('Delete prod-db-01-dr-r8?')), 'the question');
    await Promise.all([1, 2, 3].map(() => checkRetention(svc, retentionDepsFrom(svc))));
    expect(h.slack.slack.messages(CHANNEL).filter((m) => messageText(m).includes('Delete prod-db-01-dr-r8?'))).toHaveLength(1);
  });

  it('refuses a decision on a question whose retention changed since, and asks about the new one', async () => {
    const first = new Date(Date.now() - 2 * HOUR);
    const tags = [...tagList({ 'managed-by': 'rewind', 'rewind-run': 'r-9', 'rewind-database': 'prod-db-01' }), ...retained(first, 'r-9', 'restored')];
    rds.addInstance('prod-db-01-dr-r9', { Engine: 'postgres', TagList: tags });
    const asked = await waitFor(() => h.slack.slack.messages(CHANNEL).find((m) => messageText(m).includes('Delete prod-db-01-dr-r9?')), 'the question');
    // someone moved its retention by hand (to a time that has also passed) before anyone clicked
    const later = new Date(Date.now() - HOUR);
    for (const t of tags) if (t.Key === 'rewind-retain-until') t.Value = later.toISOString();
    await h.click(IC, asked, ACTION.keepRetained, BLOCK.retentionActions);
    // refused as stale (or, if the periodic check got there first, as no longer standing): either way nothing is kept longer
    await waitFor(() => /retention changed after Rewind asked|nothing to decide about/.test(h.lastEphemeralText(IC)), 'the refusal');
    expect(tags.find((t) => t.Key === 'rewind-retain-until')?.Value).toBe(later.toISOString());
    await waitFor(() => messageText(h.slack.slack.message(CHANNEL, asked.ts)).includes('Nothing to decide any more'), 'the old question closed');
    await waitFor(() => h.slack.slack.messages(CHANNEL).filter((m) => messageText(m).includes('Delete prod-db-01-dr-r9?')).length === 2, 'the new question');
  });

  it('reopens a decision that was interrupted, and closes a question whose resource is no longer kept', async () => {
    // a worker that died while carrying out a click leaves the prompt "deciding"
    await h.pool.query(`UPDATE retention_prompts SET status = 'deciding', decided_by = $1, updated_at = now() - interval '11 minutes' WHERE resource_id = 'prod-db-01'`, [APPROVER]);
    const reopened = await waitFor(() => {
      const m = prompt();
      return m && messageText(m).includes('interrupted before it was carried out') && m;
    }, 'the reopened prompt');
    expect(buttonLabels(reopened)).toHaveLength(2);

    // the cutover was rolled back: the instance is in service again and lost its retention tags
    const fields = rds.instanceFields('prod-db-01');
    if (fields) fields.TagList = [];
    const closed = await waitFor(() => {
      const m = prompt();
      return m && messageText(m).includes('Nothing to decide any more') && m;
    }, 'the closed prompt');
    expect(buttonLabels(closed)).toEqual([]);
    const { rows } = await h.pool.query(`SELECT status FROM retention_prompts WHERE resource_id = 'prod-db-01'`);
    expect(rows).toEqual([{ status: 'gone' }]);
    expect(rds.server.calls.filter((c) => c.action.startsWith('Delete'))).toEqual([]);
  });
});

describe('a delete whose outcome Rewind cannot know', () => {
  let world: RetentionWorld;
  let h: SlackHarness;
  let rds: FakeRds;

  beforeAll(async () => {
    world = await startRetentionWorld(
      (fake) => fake.addInstance('staging-db', { Engine: 'postgres', DeletionProtection: false, TagList: [] }),
      (database) => (database === 'staging-db' ? { sourceId: 'staging-db', database: 'staging-db' } : undefined),
    );
    ({ h, rds } = world);
  });
  afterAll(async () => world.close());

  it('keeps the cutover from being rolled back when RDS may have deleted the replaced database', async () => {
    const run = await succeededRestore(h, 'staging-db');
    expireRetention(rds, 'staging-db');
    const message = await waitFor(() => h.slack.slack.messages(CHANNEL).find((m) => messageText(m).includes('Delete staging-db?')), 'the prompt');
    // RDS takes the delete, but the answer is lost in a 500
    rds.server.failAfterNext('DeleteDBInstance', 'InternalFailure', 'We encountered an internal error. Please try again.');
    await h.click(APPROVER, message, ACTION.deleteRetained, BLOCK.retentionActions);
    await waitFor(() => h.lastEphemeralText(APPROVER).includes('cannot tell whether it is being deleted'), () => `the uncertain answer (last: ${h.lastEphemeralText(APPROVER).slice(0, 300)}; audit: ${rds.server.mutatingCalls().map((c) => c.action + ':' + (c.error ?? 'ok')).join(',')})`);
    expect(rds.instances.get('staging-db')?.deleted).toBe(true);
    await expect(h.services.runtime.engine.rollbackCutover(run.id, APPROVER)).rejects.toMatchObject({ code: 'REPLACED_DATABASE_DELETED', userMessage: expect.stringContaining('(staging-db) is being deleted') });
    await waitFor(async () => !buttonLabels(await h.liveMessage(run.id)).includes('Roll back cutover'), 'the rollback button to go');
    // the next check no longer sees it (it is deleting): the question closes, the rollback stays refused
    await waitFor(() => messageText(h.slack.slack.message(CHANNEL, message.ts)).includes('Nothing to decide any more'), 'the closed question');
    expect((await h.services.runtime.store.getRun(run.id))?.status).toBe('succeeded');
  });
});
