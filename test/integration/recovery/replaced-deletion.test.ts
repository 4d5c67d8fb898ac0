import { beginCutoverRollback, markReplacedDeletion, settleReplacedDeletion } from '../../../src/persistence/run-commands';
import { replacedDeletionOf } from '../../../src/recovery/cutover-rollback';
import { createHarness, effectPlan, type Harness } from '../../support/engine-harness';

// Deleting the database a cutover replaced and rolling that cutover back exclude each other:
// both decide on the run's row, so whichever commits first wins and the other is refused.

describe('deleting the replaced database versus rolling back the cutover', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    h.startWorker({ concurrency: 2 });
  });
  afterAll(async () => h.close());

  async function succeededRun(database: string) {
    const run = await h.engine.start({ plan: effectPlan(database, [{}, {}]), requestedBy: 'U0REQUEST1' });
    return h.waitFor(run.id, ['succeeded']);
  }

  it('refuses the deletion while a rollback is under way, and keeps the run unmarked', async () => {
    const run = await succeededRun('db-rolling');
    await beginCutoverRollback(h.pool, (v) => v, run.id, 'U0APPROVER1', [1]);
    await expect(markReplacedDeletion(h.pool, run.id, 'U0APPROVER1', 'db-rolling')).rejects.toMatchObject({
      code: 'REPLACED_DATABASE_IN_USE',
      userMessage: expect.stringContaining('applications are moving back to db-rolling, so it will not be deleted'),
    });
    expect(replacedDeletionOf((await h.store.getRun(run.id)) ?? { meta: {} })).toBeUndefined();
  });

  it('refuses the rollback once a deletion is under way or done, and allows it again when nothing was deleted', async () => {
    const run = await succeededRun('db-deleting');
    await markReplacedDeletion(h.pool, run.id, 'U0APPROVER1', 'db-deleting');
    await expect(beginCutoverRollback(h.pool, (v) => v, run.id, 'U0APPROVER1', [1])).rejects.toMatchObject({
      code: 'REPLACED_DATABASE_DELETED',
      userMessage: expect.stringContaining('(db-deleting) is being deleted'),
    });
    await settleReplacedDeletion(h.pool, run.id, { deleted: true, finalSnapshot: 'db-deleting-rewind-final-202611251200' });
    const marked = await h.store.getRun(run.id);
    expect(marked && replacedDeletionOf(marked)).toMatchObject({ state: 'deleted', finalSnapshot: 'db-deleting-rewind-final-202611251200', requestedBy: 'U0APPROVER1' });
    await expect(beginCutoverRollback(h.pool, (v) => v, run.id, 'U0APPROVER1', [1])).rejects.toMatchObject({
      userMessage: expect.stringContaining('/dr restore db-deleting db-deleting-rewind-final-202611251200'),
    });
    expect((await h.store.getRun(run.id))?.status).toBe('succeeded');

    const other = await succeededRun('db-failed-delete');
    await markReplacedDeletion(h.pool, other.id, 'U0APPROVER1', 'db-failed-delete');
    await settleReplacedDeletion(h.pool, other.id, { deleted: false });
    const rolling = await beginCutoverRollback(h.pool, (v) => v, other.id, 'U0APPROVER1', [1]);
    expect(rolling.status).toBe('rolling_back');
  });
});
