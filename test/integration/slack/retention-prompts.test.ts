import { PgRetentionPromptStore } from '../../../src/persistence/retention-prompt-store';
import { RdsRetention } from '../../../src/providers/aws/rds-retention';
import { RETENTION_SCHEDULER_ID } from '../../../src/queue/slack-queues';
import type { DatabaseProviders } from '../../../src/providers/ports';
import { ACTION, BLOCK, CALLBACK } from '../../../src/slack/ids';
import { checkRetention } from '../../../src/slack/retention-check';
import { retentionDepsFrom } from '../../../src/slack/retention-messages';
import { FakeRds } from '../../fakes/aws-rds';
import { countingProviders } from '../../support/counting-providers';
import { APPROVER, buttonLabels, CHANNEL, ELSEWHERE, IC, messageText, OPERATOR, startSlackHarness, STRANGER, waitFor, WINDOW, type SlackHarness } from './slack-harness';

// Issue 6: when a kept database's retain-until passes, Rewind asks in the channel and deletes
// nothing without a recorded click by someone who may decide — and never a resource without its tags.

const HOUR = 3_600_000;
const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const retained = (until: Date, runId: string, role: 'replaced' | 'restored', extra: Record<string, string> = {}) =>
  tagList({ 'rewind-retain-until': until.toISOString(), 'rewind-retained-by': runId, 'rewind-retained-role': role, ...extra });

describe('retention prompts in Slack', () => {
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
    rds = await FakeRds.start();
    const past = new Date(Date.now() - 2 * HOUR);
    // the database a cutover replaced (its run is not in this store: the database's channel is used)
    rds.addInstance('prod-db-01', { Engine: 'postgres', DeletionProtection: false, TagList: [...tagList({ team: 'shop' }), ...retained(past, 'r-cutover-1', 'replaced')] });
    // a restored copy whose cutover was rolled back
    rds.addInstance('prod-db-01-dr-r2', {
      Engine: 'postgres',
      TagList: [...tagList({ 'managed-by': 'rewind', 'rewind-run': 'r-rolled-2', 'rewind-database': 'prod-db-01' }), ...retained(past, 'r-rolled-2', 'restored')],
    });
    // not due yet, not Rewind's, or with Rewind-looking tags it did not write in full: never offered
    rds.addInstance('staging-db', { Engine: 'postgres', TagList: retained(new Date(Date.now() + 10 * HOUR), 'r-3', 'replaced') });
    rds.addInstance('someone-elses', { Engine: 'postgres', TagList: tagList({ team: 'shop' }) });
    rds.addInstance('looks-restored', { Engine: 'postgres', TagList: retained(past, 'r-4', 'restored', { 'rewind-database': 'prod-db-01' }) });
    const aws = { region: 'eu-central-1', endpoint: rds.url, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret' }, maxAttempts: 1 };
    h = await startSlackHarness({
      mount: { retentionCheckMs: 300 },
      providers: (pool) => {
        const built = new Map<string, DatabaseProviders>();
        return (database) => {
          let p = built.get(database);
          if (!p) {
            p = { ...countingProviders(pool, { window: WINDOW }), retention: new RdsRetention({ rds: aws, kind: 'instance', sourceId: database, database, retainForMs: 72 * HOUR }) };
            built.set(database, p);
          }
          return p;
        };
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await rds.close();
  });

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
    await h.command(OPERATOR, 'restore staging-db latest');
    const run = await waitFor(async () => (await h.runs('staging-db'))[0], 'the run');
    for (const label of ['Approve restore', 'Approve cutover']) {
      const m = await waitFor(async () => {
        const live = await h.liveMessage(run.id);
        return live && buttonLabels(live).includes(label) && live;
      }, `the "${label}" button`);
      await h.click(label === 'Approve restore' ? IC : APPROVER, m, ACTION.approveGate);
    }
    await h.waitForStatus(run.id, 'succeeded');
    const tags = rds.instanceFields('staging-db')?.TagList as { Key: string; Value: string }[];
    expect(tags).toEqual(expect.arrayContaining([{ Key: 'rewind-retained-by', Value: run.id }]));
    // its retention runs out
    for (const t of tags) if (t.Key === 'rewind-retain-until') t.Value = new Date(Date.now() - 60_000).toISOString();
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

describe('retention prompts that stop standing', () => {
  let h: SlackHarness;
  let rds: FakeRds;
  const due = () => [...retained(new Date(Date.now() - HOUR), 'r-cutover-9', 'replaced')];
  const prompt = () => h.slack.slack.messages(CHANNEL).find((m) => messageText(m).includes('Delete prod-db-01?'));

  beforeAll(async () => {
    rds = await FakeRds.start();
    rds.addInstance('prod-db-01', { Engine: 'postgres', DeletionProtection: true, TagList: due() });
    const aws = { region: 'eu-central-1', endpoint: rds.url, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret' }, maxAttempts: 1 };
    h = await startSlackHarness({
      mount: { retentionCheckMs: 300 },
      providers: (pool) => {
        const p = { ...countingProviders(pool, { window: WINDOW }), retention: new RdsRetention({ rds: aws, kind: 'instance', sourceId: 'prod-db-01', database: 'prod-db-01', retainForMs: 72 * HOUR }) };
        return () => p;
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await rds.close();
  });

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
  let h: SlackHarness;
  let rds: FakeRds;

  beforeAll(async () => {
    rds = await FakeRds.start();
    rds.addInstance('staging-db', { Engine: 'postgres', DeletionProtection: false, TagList: [] });
    const aws = { region: 'eu-central-1', endpoint: rds.url, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret' }, maxAttempts: 1 };
    h = await startSlackHarness({
      mount: { retentionCheckMs: 300 },
      providers: (pool) => {
        const plain = countingProviders(pool, { window: WINDOW });
        const staging = { ...plain, retention: new RdsRetention({ rds: aws, kind: 'instance', sourceId: 'staging-db', database: 'staging-db', retainForMs: 72 * HOUR }) };
        return (database) => (database === 'staging-db' ? staging : plain);
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await rds.close();
  });

  it('keeps the cutover from being rolled back when RDS may have deleted the replaced database', async () => {
    await h.command(OPERATOR, 'restore staging-db latest');
    const run = await waitFor(async () => (await h.runs('staging-db'))[0], 'the run');
    for (const label of ['Approve restore', 'Approve cutover']) {
      const m = await waitFor(async () => {
        const live = await h.liveMessage(run.id);
        return live && buttonLabels(live).includes(label) && live;
      }, `the "${label}" button`);
      await h.click(label === 'Approve restore' ? IC : APPROVER, m, ACTION.approveGate);
    }
    await h.waitForStatus(run.id, 'succeeded');
    const tags = rds.instanceFields('staging-db')?.TagList as { Key: string; Value: string }[];
    for (const t of tags) if (t.Key === 'rewind-retain-until') t.Value = new Date(Date.now() - 60_000).toISOString();
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
