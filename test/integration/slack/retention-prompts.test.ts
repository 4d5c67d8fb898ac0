import { ACTION, BLOCK, CALLBACK } from '../../../src/slack/ids';
import type { FakeRds } from '../../fakes/aws-rds';
import { APPROVER, buttonLabels, CHANNEL, IC, messageText, STRANGER, waitFor, type SlackHarness } from './slack-harness';
import { expireRetention, HOUR, retained, startRetentionWorld, succeededRestore, tagList, type RetentionWorld } from './retention-world';

// Issue 6: when a kept database's retain-until passes, Rewind asks in the channel and deletes
// nothing without a recorded click by someone who may decide — and never a resource without its tags.
// (What happens when a question stops standing, or a delete's outcome is unknown: retention-outcomes.test.ts.)

describe('retention prompts in Slack', () => {
  let world: RetentionWorld;
  let h: SlackHarness;
  let rds: FakeRds;
  const deletes = () => rds.server.calls.filter((c) => c.action.startsWith('Delete'));
  const describes = () => rds.server.count('DescribeDBInstances');
  const prompts = () => h.slack.slack.messages(CHANNEL).filter((m) => m.blocks?.some((b) => (b as { block_id?: string }).block_id === BLOCK.retentionBody));
  const promptFor = (id: string) => prompts().find((m) => messageText(m).includes(`Delete ${id}?`));
  const valueOf = (m: { blocks?: unknown[] } | undefined, actionId: string): string | undefined => {
    for (const b of (m?.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]) {
      const e = b.elements?.find((x) => x.action_id === actionId);
      if (e) return e.value;
    }
    return undefined;
  };
  /** A click carrying `value`, as Slack delivers one from a stale or tampered client. */
  const clickWith = (user: string, m: { channel: string; ts: string }, actionId: string, value: string) =>
    h.console.run('action', { user, channel: m.channel, messageTs: m.ts, actionId, blockId: 'stale-block', value });

  beforeAll(async () => {
    const past = new Date(Date.now() - 2 * HOUR);
    world = await startRetentionWorld(
      (fake) => {
        // the database a cutover replaced (its run is not in this store: the database's channel is used)
        fake.addInstance('prod-db-01', { Engine: 'postgres', DeletionProtection: false, TagList: [...tagList({ team: 'shop' }), ...retained(past, 'r-cutover-1', 'replaced')] });
        // a restored copy whose cutover was rolled back
        fake.addInstance('prod-db-01-dr-r2', {
          Engine: 'postgres',
          TagList: [...tagList({ 'managed-by': 'rewind', 'rewind-run': 'r-rolled-2', 'rewind-database': 'prod-db-01' }), ...retained(past, 'r-rolled-2', 'restored')],
        });
        // not due yet, not Rewind's, or with Rewind-looking tags it did not write in full: never offered
        fake.addInstance('staging-db', { Engine: 'postgres', TagList: retained(new Date(Date.now() + 10 * HOUR), 'r-3', 'replaced') });
        fake.addInstance('someone-elses', { Engine: 'postgres', TagList: tagList({ team: 'shop' }) });
        fake.addInstance('looks-restored', { Engine: 'postgres', TagList: retained(past, 'r-4', 'restored', { 'rewind-database': 'prod-db-01' }) });
      },
      (database) => ({ sourceId: database, database }),
    );
    ({ h, rds } = world);
  });
  afterAll(async () => world.close());

  it('asks once per kept database whose retention is over, and deletes nothing by itself', async () => {
    await waitFor(() => prompts().length >= 2 && true, 'the retention prompts');
    const seenAt = describes();
    await waitFor(() => describes() >= seenAt + 3 && true, 'three more retention checks');
    expect(prompts().map((m) => messageText(m).match(/Delete (\S+)\?/)?.[1]).sort()).toEqual(['prod-db-01', 'prod-db-01-dr-r2']);
    const replaced = promptFor('prod-db-01');
    expect(messageText(replaced)).toContain('the cutover of run `r-cutover-1` moved *prod-db-01* away from');
    expect(buttonLabels(replaced)).toEqual(['Delete prod-db-01…', 'Keep 3d more']);
    expect(deletes()).toEqual([]);
    const asked = await h.audit('retention.deletion_asked');
    expect(asked.map((e) => [e.runId, e.detail.id, e.detail.channel]).sort()).toEqual([
      ['r-cutover-1', 'prod-db-01', CHANNEL],
      ['r-rolled-2', 'prod-db-01-dr-r2', CHANNEL],
    ]);
  });

  it('refuses a click from someone who may not decide, and a forged button', async () => {
    const message = promptFor('prod-db-01');
    if (!message) throw new Error('no prompt');
    await h.click(STRANGER, message, ACTION.deleteRetained, BLOCK.retentionActions);
    const [refused] = await waitFor(async () => {
      const rows = await h.audit('retention.decision_refused');
      return rows.length > 0 && rows;
    }, 'the refusal');
    expect(refused).toMatchObject({ actor: STRANGER, runId: 'r-cutover-1', detail: { code: 'NOT_ALLOWED' } });
    await waitFor(() => h.lastEphemeralText(STRANGER).includes('Only approvers of prod-db-01 listed in rewind.yml may delete prod-db-01'), 'the explanation');

    await clickWith(APPROVER, message, ACTION.deleteRetained, '{"promptId":"999999"}');
    await waitFor(async () => (await h.audit('retention.decision_refused')).some((e) => e.actor === APPROVER && e.detail.code === 'BAD_BUTTON_VALUE'), 'the forged-button refusal');
    expect(deletes()).toEqual([]);
  });

  it('deletes on an approver\'s click, keeping a final snapshot, and only once', async () => {
    const message = promptFor('prod-db-01');
    const value = valueOf(message, ACTION.deleteRetained);
    if (!message || !value) throw new Error('no prompt');
    expect(JSON.parse(value)).toEqual({ promptId: expect.stringMatching(/^\d+$/) });
    // prod-db-01 is production: the click opens a typed confirmation, and only the identifier passes it
    await h.click(APPROVER, message, ACTION.deleteRetained, BLOCK.retentionActions);
    const view = await waitFor(() => h.slack.slack.views(APPROVER).find((v) => v.callback_id === CALLBACK.typedRetentionDeletion), 'the deletion confirmation');
    const wrong = await h.submitTyped(APPROVER, view.id, 'prod-db-01-dr-r2');
    expect(wrong.body).toMatchObject({ responseAction: 'errors' });
    expect(JSON.stringify(wrong.body.errors)).toContain('That is not the identifier. Type prod-db-01 exactly to delete it');
    expect(deletes()).toEqual([]);
    await h.submitTyped(APPROVER, view.id, 'prod-db-01');
    const done = await waitFor(() => {
      const m = promptFor('prod-db-01');
      return m && messageText(m).includes('Deleted on') && m;
    }, 'the deleted prompt');
    expect(buttonLabels(done)).toEqual([]);
    expect(deletes()).toEqual([expect.objectContaining({ action: 'DeleteDBInstance', params: expect.objectContaining({ DBInstanceIdentifier: 'prod-db-01', SkipFinalSnapshot: 'false' }) })]);
    const snapshot = String(deletes()[0]?.params.FinalDBSnapshotIdentifier);
    expect(snapshot).toMatch(/^prod-db-01-rewind-final-\d{12}$/);
    expect(messageText(done)).toContain(snapshot);
    const approved = await h.audit('retention.deletion_approved');
    expect(approved).toEqual([expect.objectContaining({ actor: APPROVER, runId: 'r-cutover-1' })]);

    // a second click on the old buttons (a stale client) changes nothing
    await clickWith(APPROVER, message, ACTION.deleteRetained, value);
    await waitFor(() => h.lastEphemeralText(APPROVER).includes('was deleted already'), 'the already-deleted answer');
    // the incident commander may keep, not delete: refused before anything else
    await clickWith(IC, message, ACTION.deleteRetained, value);
    await waitFor(() => h.lastEphemeralText(IC).includes('Only approvers of prod-db-01 listed in rewind.yml may delete prod-db-01'), 'the refusal');
    expect(deletes()).toHaveLength(1);
  });

  it('keeps a database longer on the incident commander\'s click, and asks again only when that time passes', async () => {
    const message = promptFor('prod-db-01-dr-r2');
    if (!message) throw new Error('no prompt');
    const before = Date.now();
    await h.click(IC, message, ACTION.keepRetained, BLOCK.retentionActions);
    const kept = await waitFor(() => {
      const m = promptFor('prod-db-01-dr-r2');
      return m && messageText(m).includes('Kept on') && m;
    }, 'the kept prompt');
    expect(buttonLabels(kept)).toEqual([]);
    const until = Date.parse(String((rds.instanceFields('prod-db-01-dr-r2')?.TagList as { Key: string; Value: string }[]).find((t) => t.Key === 'rewind-retain-until')?.Value));
    expect(until).toBeGreaterThanOrEqual(before + 72 * HOUR - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 72 * HOUR + 1000);
    const [approved] = await h.audit('retention.keep_approved');
    expect(approved).toMatchObject({ actor: IC, runId: 'r-rolled-2', detail: { id: 'prod-db-01-dr-r2' } });
    const [done] = await h.audit('retention.kept');
    expect(done).toMatchObject({ actor: 'rewind', runId: 'r-rolled-2', detail: { id: 'prod-db-01-dr-r2', approvedBy: IC } });
    expect(done?.id).toBeGreaterThan(approved?.id ?? Infinity);
    const seenAt = describes();
    await waitFor(() => describes() >= seenAt + 2 && true, 'two more retention checks');
    expect(prompts()).toHaveLength(2);
    expect(deletes()).toHaveLength(1);
  });

  it('once the database a cutover replaced is deleted, that cutover can no longer be rolled back', async () => {
    // a real run of staging-db through both gates: its retain-old step tags staging-db as replaced
    const run = await succeededRestore(h, 'staging-db');
    expect(rds.instanceFields('staging-db')?.TagList).toEqual(expect.arrayContaining([{ Key: 'rewind-retained-by', Value: run.id }]));
    expireRetention(rds, 'staging-db');
    const message = await waitFor(() => promptFor('staging-db'), 'the prompt about staging-db');
    expect(messageText(message)).toContain('the cutover of that run can no longer be rolled back');
    await waitFor(async () => buttonLabels(await h.liveMessage(run.id)).includes('Roll back cutover'), 'the rollback button');
    await h.click(APPROVER, message, ACTION.deleteRetained, BLOCK.retentionActions);
    await waitFor(() => messageText(promptFor('staging-db')).includes('Deleted on'), 'the deleted prompt');
    const snapshot = String(deletes().find((c) => c.params.DBInstanceIdentifier === 'staging-db')?.params.FinalDBSnapshotIdentifier);
    await waitFor(async () => !buttonLabels(await h.liveMessage(run.id)).includes('Roll back cutover'), 'the rollback button to go');
    await expect(h.services.runtime.engine.rollbackCutover(run.id, APPROVER)).rejects.toMatchObject({
      code: 'REPLACED_DATABASE_DELETED',
      userMessage: expect.stringContaining(`/dr restore staging-db ${snapshot}`),
    });
    expect((await h.services.runtime.store.getRun(run.id))?.status).toBe('succeeded');
  });
});

