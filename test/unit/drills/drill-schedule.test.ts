import { parseConfig } from '../../../src/config/load';
import {
  announceJobName,
  desiredSchedulers,
  diffSchedulers,
  drillRepeatStrategy,
  freezeWindowAt,
  leadOf,
  nextDrillOutsideFreeze,
  previousOccurrence,
} from '../../../src/drills/drill-schedule';

const HOUR = 3_600_000;

describe('drill fire times', () => {
  it('fire announceBefore ahead of each cron occurrence, in the drill zone, across DST', () => {
    const name = announceJobName(30 * 60_000);
    const opts = { pattern: '0 3 * * 1', tz: 'Europe/Berlin' };
    // Monday 2024-03-25 03:00 CET is 02:00Z; after the switch, Monday 2024-04-01 03:00 CEST is 01:00Z.
    expect(new Date(drillRepeatStrategy(Date.parse('2024-03-20T00:00:00Z'), opts, name) as number).toISOString()).toBe('2024-03-25T01:30:00.000Z');
    expect(new Date(drillRepeatStrategy(Date.parse('2024-03-25T01:30:00Z'), opts, name) as number).toISOString()).toBe('2024-04-01T00:30:00.000Z');
  });

  it('cross midnight when the lead is longer than the time since it', () => {
    const at = drillRepeatStrategy(Date.parse('2024-05-01T00:00:00Z'), { pattern: '15 0 * * 1', tz: 'UTC' }, announceJobName(HOUR));
    expect(new Date(at as number).toISOString()).toBe('2024-05-05T23:15:00.000Z');
  });

  it('skips an occurrence closer than the lead rather than announcing it late', () => {
    const at = drillRepeatStrategy(Date.parse('2024-05-06T02:45:00Z'), { pattern: '0 3 * * 1', tz: 'UTC' }, announceJobName(30 * 60_000));
    expect(new Date(at as number).toISOString()).toBe('2024-05-13T02:30:00.000Z');
  });

  it('treats other schedulers as plain cron, and reads leads only from announcement names', () => {
    expect(new Date(drillRepeatStrategy(Date.parse('2024-05-06T00:00:00Z'), { pattern: '0 9 * * 1', tz: 'UTC' }, 'drills.remind') as number).toISOString()).toBe('2024-05-06T09:00:00.000Z');
    expect(leadOf('drill.announce+1800000')).toBe(1_800_000);
    expect(leadOf('drill.announce')).toBeUndefined();
    expect(leadOf('drills.remind')).toBeUndefined();
    expect(drillRepeatStrategy(0, { tz: 'UTC' }, 'x')).toBeUndefined();
  });
});

describe('schedulers from rewind.yml', () => {
  const config = (drills: string) =>
    parseConfig(`
timezone: Europe/Berlin
databases:
  a-db:
    provider: rds-instance
    rto: 15m
    rpo: 5m
    operators: [U0OPERATOR1]
    source: { instanceId: a-db }
${drills}`);

  it('are one per database with drills plus the reminder, verification and sweep', () => {
    const specs = desiredSchedulers(config('    drills: { schedule: "0 3 * * 1", channel: C0DRILLS01, announceBefore: 1h }'));
    expect(specs).toEqual([
      { id: 'drill:a-db', name: 'drill.announce+3600000', pattern: '0 3 * * 1', tz: 'Europe/Berlin', data: { database: 'a-db' } },
      { id: 'drills:remind', name: 'drills.remind', pattern: '0 9 * * 1', tz: 'Europe/Berlin', data: {} },
      { id: 'drills:verify', name: 'drills.verify', pattern: '30 2 * * *', tz: 'Europe/Berlin', data: {} },
      { id: 'drills:sweep', name: 'drills.sweep', every: 60_000, data: {} },
    ]);
    expect(desiredSchedulers(config('')).map((s) => s.id)).toEqual(['drills:sweep']);
  });

  it('diff against Redis: changed ones upserted, ours no longer wanted removed, others left alone', () => {
    const desired = desiredSchedulers(config('    drills: { schedule: "0 4 * * 1", channel: C0DRILLS01 }'));
    const diff = diffSchedulers(
      [
        { id: 'drill:a-db', name: 'drill.announce+1800000', pattern: '0 3 * * 1', tz: 'Europe/Berlin' },
        { id: 'drill:gone-db', name: 'drill.announce+1800000', pattern: '0 3 * * 1', tz: 'UTC' },
        { id: 'drills:sweep', name: 'drills.sweep', every: 60_000 },
        { id: 'someone-elses', name: 'x', every: 1000 },
      ],
      desired,
    );
    expect(diff.upsert.map((s) => s.id)).toEqual(['drill:a-db', 'drills:remind', 'drills:verify']);
    expect(diff.remove).toEqual(['drill:gone-db']);
    expect(diff.unchanged).toEqual(['drills:sweep']);
  });
});

describe('freeze windows', () => {
  const drills = { schedule: '0 3 * * 1', timezone: 'Europe/Berlin', freezeWindows: [{ from: '2024-12-20', to: '2025-01-05' }] };

  it('are dates in the drill zone, inclusive', () => {
    expect(freezeWindowAt(new Date('2024-12-19T22:30:00Z'), drills)).toBeUndefined();
    expect(freezeWindowAt(new Date('2024-12-19T23:30:00Z'), drills)).toEqual({ from: '2024-12-20', to: '2025-01-05' });
    expect(freezeWindowAt(new Date('2025-01-05T22:59:00Z'), drills)).toBeDefined();
    expect(freezeWindowAt(new Date('2025-01-05T23:00:00Z'), drills)).toBeUndefined();
  });

  it('move the next drill past them', () => {
    expect(nextDrillOutsideFreeze(drills, new Date('2024-12-20T00:00:00Z'))?.toISOString()).toBe('2025-01-06T02:00:00.000Z');
    expect(previousOccurrence('0 3 * * 1', 'Europe/Berlin', new Date('2025-01-06T02:00:00Z'))?.toISOString()).toBe('2024-12-30T02:00:00.000Z');
  });
});
