import { renderThreadEvent } from '../../../src/slack/render-thread-event';
import { APPROVER, at, IC, INSTANCE, scenario, setStep } from '../../support/run-factory';

const ctx = { zone: 'Europe/Berlin', rtoMs: 30 * 60_000 };

describe('renderThreadEvent', () => {
  it('announces the restore with the new instance name', () => {
    const { run } = scenario('running-waiting');
    expect(renderThreadEvent(run, { type: 'step.done', stepIdx: 2 }, ctx)).toBe(
      `🛠️ Restore started: prod-db-01 to 2024-05-01 10:02:00 UTC (12:02:00 CEST Europe/Berlin) into the new instance \`${INSTANCE}\`. prod-db-01 itself is not touched; the live message tracks the restore.`,
    );
  });

  it('infers the step of a bare "step.done" from the latest finished step', () => {
    const { run } = scenario('awaiting-cutover');
    expect(renderThreadEvent(run, 'step.done', ctx)).toBe(
      '✅ Validation passed (2 checks):\n• ✅ orders_recent = 1843 (expected &gt; 0)\n• ✅ schema_version = 2024_04_30_01 (expected 2024_04_30_01)',
    );
  });

  it('says the instance is available', () => {
    const { run } = scenario('awaiting-cutover');
    expect(renderThreadEvent(run, { type: 'step.done', stepIdx: 3 }, ctx)).toBe(
      `🟢 The restored instance \`${INSTANCE}\` is available: ${INSTANCE} is available at prod-db-01-dr-k3m9qz.abc.eu-central-1.rds.amazonaws.com:5432`,
    );
  });

  it('warns when no validation checks exist', () => {
    const { run } = scenario('awaiting-cutover');
    setStep(run, 4, { output: { checks: [] } });
    expect(renderThreadEvent(run, { type: 'step.done', stepIdx: 4 }, ctx)).toContain('no checks are configured for prod-db-01, so the restored copy was not verified');
  });

  it('shows the cutover plan when the cutover gate is reached', () => {
    const { run } = scenario('awaiting-cutover');
    expect(renderThreadEvent(run, 'step.gate', ctx)).toBe(
      '⏸️ Ready to cut over to the restored copy of prod-db-01. Cutover plan:\n• Cut over: pgbouncer\n• Cut over: app-secret\nApprove or abort in the message above.',
    );
    expect(renderThreadEvent(scenario('awaiting-restore').run, 'step.gate', ctx)).toBe(
      '⏸️ Waiting for approval to restore prod-db-01 to 2024-05-01 10:02:00 UTC (12:02:00 CEST Europe/Berlin). Approve or abort in the message above.',
    );
  });

  it('records approvals', () => {
    expect(renderThreadEvent(scenario('running-waiting').run, 'gate.approved', ctx)).toBe(`👍 Restore approved by <@${APPROVER}> at 10:07 UTC.`);
    expect(renderThreadEvent(scenario('succeeded').run, 'gate.approved', ctx)).toBe(`👍 Cutover approved by <@${IC}> at 10:24 UTC.`);
  });

  it('explains a failure and what to do next', () => {
    const text = renderThreadEvent(scenario('failed').run, 'step.fail', ctx) ?? '';
    expect(text).toContain('❌ *Step 5, "Validate the restored copy", failed* after 3 attempts (VALIDATION_FAILED):');
    expect(text).toContain('*What to do:* fix the cause above, then `/dr resume r-k3m9qz` retries this step');
    expect(text).toContain(`The restored instance \`${INSTANCE}\` is kept`);
  });

  it('explains a failed rollback that cannot be resumed', () => {
    const { run } = scenario('rolling-back');
    Object.assign(run, { status: 'failed', error: { code: 'COMPENSATION_FAILED', message: 'Aborting run r-k3m9qz could not undo "Restore": AccessDenied. Clean it up by hand.', retryable: false } });
    const text = renderThreadEvent(run, 'run.failed', ctx) ?? '';
    expect(text).toContain('❌ *Run r-k3m9qz failed* (COMPENSATION_FAILED):');
    expect(text).toContain('this run cannot be resumed. Clean up by hand');
  });

  it('reports retries with the error', () => {
    const { run } = scenario('running-waiting');
    setStep(run, 3, { attempt: 2, error: { code: 'THROTTLED', message: 'Rate exceeded <@U0ALL>', retryable: true } });
    expect(renderThreadEvent(run, 'step.retry', ctx)).toBe('⚠️ "Wait until the new instance is available" hit an error and will retry (attempt 3): Rate exceeded &lt;@U0ALL&gt;');
  });

  it('reports the end against the RTO', () => {
    expect(renderThreadEvent(scenario('succeeded').run, 'step.done', ctx)).toBe(
      '✅ "Verify application health" done: 1 health check passed\n🎉 PITR of prod-db-01 finished in 21m30s, within the 30m RTO.',
    );
    expect(renderThreadEvent(scenario('succeeded').run, 'step.done', { rtoMs: 10 * 60_000 })).toContain('11m30s over the 10m RTO');
  });

  it('reports aborts and resumes', () => {
    expect(renderThreadEvent(scenario('rolling-back').run, 'run.aborted', ctx)).toBe('⏹️ Aborted by <@U0OPERATOR1>; undoing what the run created. prod-db-01 itself is not touched.');
    expect(renderThreadEvent(scenario('aborted').run, 'run.aborted', ctx)).toBe('⏹️ Run r-k3m9qz is aborted; what it created was removed.');
    const { run } = scenario('running-waiting');
    expect(renderThreadEvent(run, 'run.resumed', ctx)).toBe('▶️ Resumed from step 4, "Wait until the new instance is available".');
  });

  it('stays quiet for polls, starts and unknown events', () => {
    const { run } = scenario('running-waiting');
    for (const event of ['step.wait', 'step.started', 'run.planned', 'something.else']) expect(renderThreadEvent(run, event, ctx)).toBeUndefined();
    expect(renderThreadEvent(scenario('running-waiting').run, { type: 'step.done', stepIdx: 1 }, ctx)).toBeUndefined();
  });

  it('caps its text and escapes provider text', () => {
    const { run } = scenario('running-waiting');
    setStep(run, 3, { status: 'succeeded', finishedAt: at('10:20:00'), detail: `<!channel> ${'y'.repeat(5000)}` });
    const text = renderThreadEvent(run, { type: 'step.done', stepIdx: 3 }, ctx) ?? '';
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).not.toContain('<!channel>');
  });
});
