import { startPreemptingDrill } from '../../../src/recovery/drill-preemption';
import { effectCounts } from '../../support/counting-processors';
import { createHarness, effectPlan, type Harness } from '../../support/engine-harness';

describe('an incident run preempts a drill', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    h.startWorker();
  });
  afterAll(async () => h.close());

  it('aborts the drill holding the database, undoes what it did, and starts the incident run', async () => {
    const drill = await h.engine.start({ plan: { ...effectPlan('db-drilled', [{}, {}], { 1: 'hold' }), path: 'drill' }, requestedBy: 'rewind' });
    await h.waitFor(drill.id, ['awaiting_approval']);
    const started = await startPreemptingDrill(h.engine, h.store, { plan: { ...effectPlan('db-drilled', [{}]), path: 'pitr' }, requestedBy: 'U0ONCALL01' });
    expect(started.preemptedDrill).toBe(drill.id);
    const aborted = await h.waitFor(drill.id, ['aborted']);
    expect(aborted.endedBy).toBe('rewind');
    const comp = await h.pool.query('SELECT step_idx FROM test_compensations WHERE run_id = $1', [drill.id]);
    expect(comp.rows).toEqual([{ step_idx: 0 }]);
    const trail = await h.store.auditTrail(drill.id);
    expect(trail.find((e) => e.to === 'rolling_back')?.detail).toEqual({ reason: 'preempted: U0ONCALL01 started a pitr of db-drilled' });
    expect((await h.waitFor(started.run.id, ['succeeded'])).status).toBe('succeeded');
    expect((await effectCounts(h.pool, started.run.id)).effects).toEqual([1]);
  });

  it('still refuses when the active run is not a drill, naming it', async () => {
    const incident = await h.engine.start({ plan: { ...effectPlan('db-incident', [{}], { 0: 'restore' }), path: 'pitr' }, requestedBy: 'U0ONCALL01' });
    await h.waitFor(incident.id, ['awaiting_approval']);
    await expect(startPreemptingDrill(h.engine, h.store, { plan: { ...effectPlan('db-incident', [{}]), path: 'pitr' }, requestedBy: 'U0ONCALL02' })).rejects.toMatchObject({
      code: 'RUN_ALREADY_ACTIVE',
      userMessage: expect.stringContaining(incident.id),
    });
    expect((await h.store.getRun(incident.id))?.status).toBe('awaiting_approval');
    await h.engine.abort(incident.id, 'U0ONCALL01');
  });

  it('never lets a drill preempt another drill', async () => {
    const first = await h.engine.start({ plan: { ...effectPlan('db-two-drills', [{}], { 0: 'hold' }), path: 'drill' }, requestedBy: 'rewind' });
    await h.waitFor(first.id, ['awaiting_approval']);
    await expect(startPreemptingDrill(h.engine, h.store, { plan: { ...effectPlan('db-two-drills', [{}]), path: 'drill' }, requestedBy: 'rewind' })).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
    await h.engine.abort(first.id, 'rewind');
  });
});
