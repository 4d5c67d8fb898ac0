import { estimateEta, etaFor, impliedRpoMs, medianOf, recoveryPointLagMs, rtoProgress, typicalStepTimes } from '../../../src/recovery/objectives';
import { at, scenario } from '../../support/run-factory';

const MIN = 60_000;

describe('rtoProgress', () => {
  it('measures from creation to now while the run is active', () => {
    const { run } = scenario('running-waiting');
    expect(rtoProgress(run, at('10:15:00'), 30 * MIN)).toEqual({ elapsedMs: 10 * MIN, remainingMs: 20 * MIN, fraction: 1 / 3, breached: false });
  });

  it('stops the clock when the run finished', () => {
    const { run } = scenario('succeeded');
    expect(rtoProgress(run, at('11:00:00'), 30 * MIN)).toEqual({ elapsedMs: 21.5 * MIN, remainingMs: 8.5 * MIN, fraction: 21.5 / 30, breached: false });
  });

  it('reports a breach with nothing remaining and the unclamped fraction', () => {
    const { run } = scenario('running-waiting');
    expect(rtoProgress(run, at('10:50:00'), 30 * MIN)).toEqual({ elapsedMs: 45 * MIN, remainingMs: 0, fraction: 1.5, breached: true });
  });

  it('is exactly at the objective without breaching it', () => {
    const { run } = scenario('running-waiting');
    expect(rtoProgress(run, at('10:35:00'), 30 * MIN).breached).toBe(false);
  });

  it('never goes negative when the clock is behind the creation time', () => {
    const { run } = scenario('planned');
    expect(rtoProgress(run, at('10:00:00'), 30 * MIN)).toMatchObject({ elapsedMs: 0, remainingMs: 30 * MIN, fraction: 0 });
  });

  it('treats a non-positive RTO as fully used rather than dividing by zero', () => {
    const { run } = scenario('planned');
    expect(rtoProgress(run, at('10:06:00'), 0)).toEqual({ elapsedMs: MIN, remainingMs: 0, fraction: 1, breached: false });
  });
});

describe('etaFor', () => {
  it('uses the median of past runs, counted from creation', () => {
    const { run } = scenario('running-waiting');
    expect(etaFor(run, at('10:15:00'), [20 * MIN, 40 * MIN, 25 * MIN])).toEqual(at('10:30:00'));
    expect(etaFor(run, at('10:15:00'), [20 * MIN, 30 * MIN])).toEqual(at('10:30:00'));
  });

  it('falls back to typical step durations without history, deducting the current step time so far', () => {
    const { run } = scenario('running-waiting');
    // wait-available 20m − 7m27s spent, validate 1m, gate 0, two cutovers 30s each, health 1m.
    expect(etaFor(run, at('10:15:00'))).toEqual(new Date(at('10:15:00').getTime() + 12 * MIN + 33_000 + MIN + 60_000 + MIN));
  });

  it("uses the source's own typical durations: seconds for a local restore, longer for Aurora", () => {
    const { run } = scenario('running-waiting');
    // local: wait-available 30s (already 7m27s spent → 0), validate 5s, gate 0, two cutovers 5s each, health 5s.
    expect(etaFor(run, at('10:15:00'), undefined, typicalStepTimes('local-postgres'))).toEqual(new Date(at('10:15:00').getTime() + 20_000));
    // Aurora: wait-available 25m − 7m27s, the rest as for RDS.
    expect(etaFor(run, at('10:15:00'), undefined, typicalStepTimes('aurora-cluster'))).toEqual(new Date(at('10:15:00').getTime() + 17 * MIN + 33_000 + MIN + 60_000 + MIN));
    expect(typicalStepTimes('rds-instance')).toEqual(typicalStepTimes(undefined));
  });

  it('falls back to step durations when the run is already slower than its median', () => {
    const { run } = scenario('running-waiting');
    expect(etaFor(run, at('10:15:00'), [5 * MIN])).toEqual(etaFor(run, at('10:15:00')));
  });

  it('ignores nonsense history and has no ETA for a finished run', () => {
    const { run } = scenario('running-waiting');
    expect(etaFor(run, at('10:15:00'), [Number.NaN, -1, 0])).toEqual(etaFor(run, at('10:15:00')));
    expect(etaFor(scenario('succeeded').run, at('10:40:00'), [10 * MIN])).toBeUndefined();
    expect(etaFor(scenario('failed').run, at('10:40:00'))).toBeUndefined();
  });

  it('medianOf handles odd, even and empty lists', () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([])).toBeUndefined();
  });
});

describe('impliedRpoMs and recoveryPointLagMs', () => {
  const latest = new Date('2024-05-01T10:04:30Z');
  it('is the history between the target and the newest restorable instant', () => {
    expect(impliedRpoMs({ kind: 'time', at: new Date('2024-05-01T10:02:00Z') }, latest)).toBe(150_000);
    expect(impliedRpoMs({ kind: 'time', at: new Date('2024-05-01T10:05:00Z') }, latest)).toBe(0);
    expect(impliedRpoMs({ kind: 'latest' }, latest)).toBe(0);
    expect(impliedRpoMs({ kind: 'backup', backupId: 'b-1' }, latest)).toBeUndefined();
  });

  it('measures how far the newest restorable instant trailed its observation', () => {
    expect(recoveryPointLagMs(latest, new Date('2024-05-01T10:07:30Z'))).toBe(3 * MIN);
    expect(recoveryPointLagMs(latest, new Date('2024-05-01T10:00:00Z'))).toBe(0);
  });
});

describe('estimateEta', () => {
  it('says which basis it used', () => {
    const { run } = scenario('running-waiting');
    expect(estimateEta(run, at('10:15:00'), [30 * MIN])).toEqual({ at: at('10:35:00'), basis: 'history' });
    expect(estimateEta(run, at('10:40:00'), [30 * MIN])?.basis).toBe('steps');
  });
});
