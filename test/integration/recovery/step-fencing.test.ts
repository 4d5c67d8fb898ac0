import type { StepProcessor } from '../../../src/recovery/step-processor';
import { createHarness, type Harness } from '../../support/engine-harness';

/** A step slower than its timeout: every execution is abandoned by the executor but keeps running. */
function slowProcessor(h: () => Harness): StepProcessor {
  return {
    kind: 'slow',
    policy: { timeoutMs: 150, maxAttempts: 3, backoffMs: 10, backoffFactor: 1 },
    async run(ctx) {
      const { rows } = await h().pool.query('INSERT INTO test_spans (run_id, started_at) VALUES ($1, clock_timestamp()) RETURNING id', [ctx.run.id]);
      await new Promise((r) => setTimeout(r, 500));
      await h().pool.query('UPDATE test_spans SET ended_at = clock_timestamp() WHERE id = $1', [rows[0].id]);
      return { type: 'done' };
    },
  };
}

describe('step fencing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ leaseMs: 300, extra: [slowProcessor(() => h)] });
    await h.pool.query('CREATE TABLE test_spans (id bigserial PRIMARY KEY, run_id text, started_at timestamptz, ended_at timestamptz)');
    h.startWorker({ concurrency: 4 });
  });
  afterAll(async () => h.close());

  it('never runs a timed-out step again while the abandoned execution is still going', async () => {
    const run = await h.engine.start({ plan: { path: 'custom', database: 'db-slow', target: { kind: 'latest' }, steps: [{ kind: 'slow', name: 'Slow step' }] }, requestedBy: 'U0REQUEST1' });
    const failed = await h.waitFor(run.id, ['failed', 'succeeded'], 20_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'STEP_TIMEOUT' });
    // wait for the last abandoned execution to end, then check no two executions overlapped
    const deadline = Date.now() + 5000;
    let spans: Array<{ started_at: Date; ended_at: Date | null }> = [];
    while (Date.now() < deadline) {
      spans = (await h.pool.query('SELECT started_at, ended_at FROM test_spans WHERE run_id = $1 ORDER BY started_at', [run.id])).rows;
      if (spans.length === 3 && spans.every((s) => s.ended_at)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(spans).toHaveLength(3);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.started_at.getTime()).toBeGreaterThanOrEqual(spans[i - 1]!.ended_at!.getTime());
    }
    // the lease was held until the last execution really ended, then released
    const step = (await h.store.getRun(run.id))?.steps[0];
    expect(step?.leaseOwner).toBeNull();
  });

  it('refuses a save from an execution that no longer holds the step', async () => {
    await expect(h.store.saveStepState('r-nosuchrun', 0, { ref: 'x' }, 'someone-else')).rejects.toMatchObject({ code: 'LEASE_LOST' });
  });
});
