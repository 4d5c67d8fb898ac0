import type { Job } from 'bullmq';
import { drillJobProcessor, plannedAt } from '../../../jobs/drill-jobs';
import { parseConfig } from '../../../src/config/load';
import { announceJobName, nextOccurrence, schedulerIdFor } from '../../../src/drills/drill-schedule';
import { createDrillWorker } from '../../../src/queue/drill-worker';
import { createRedis } from '../../../src/queue/redis-connection';
import { TEST_REDIS_URL } from '../../support/env';
import { CHANNEL, createDrillHarness, drillConfigYaml, waitFor, type DrillHarness } from './drill-harness';

// The drills queue's job schedulers follow rewind.yml at every start (added, changed, removed),
// and fire announceBefore ahead of each drill through BullMQ itself.

const drills = (schedule: string, extra = '') => `
schedule: "${schedule}"
channel: ${CHANNEL}
policy: 90d
announceBefore: 30m
${extra}`;

const billing = `
  billing-db:
    provider: rds-instance
    rto: 1h
    rpo: 15m
    operators: [U0OPERATOR1]
    source: { instanceId: billing-db, region: eu-central-1 }
    drills: { schedule: "15 2 1 * *", channel: ${CHANNEL} }`;

describe('drill schedulers', () => {
  let h: DrillHarness;
  afterEach(async () => h?.close());

  it('follow the configuration: added, unchanged, changed, removed', async () => {
    h = await createDrillHarness({ yaml: drillConfigYaml(drills('0 3 * * 1')) });
    const ids = async () => (await h.jobs.queue.getJobSchedulers(0, -1, true)).map((s) => s.key).sort();

    const first = await h.jobs.syncSchedulers(h.config);
    expect(first.upsert.map((s) => s.id).sort()).toEqual(['drill:orders-db', 'drills:remind', 'drills:sweep', 'drills:verify']);
    expect(await ids()).toEqual(['drill:orders-db', 'drills:remind', 'drills:sweep', 'drills:verify']);
    const before = Date.now();
    const next = (await h.jobs.nextFires()).get('drill:orders-db') as number;
    const drillAt = nextOccurrence('0 3 * * 1', 'UTC', new Date(before + 30 * 60_000 - 1)) as Date;
    expect(next).toBe(drillAt.getTime() - 30 * 60_000);
    const scheduler = (await h.jobs.queue.getJobSchedulers()).find((s) => s.key === 'drill:orders-db');
    expect(scheduler).toMatchObject({ name: announceJobName(30 * 60_000), pattern: '0 3 * * 1', tz: 'UTC' });

    expect(await h.jobs.syncSchedulers(h.config)).toMatchObject({ upsert: [], remove: [] });

    const changed = parseConfig(drillConfigYaml(drills('30 4 * * *', 'timezone: Europe/Berlin')));
    const second = await h.jobs.syncSchedulers(changed);
    expect(second.upsert.map((s) => s.id)).toEqual(['drill:orders-db']);
    const berlin = nextOccurrence('30 4 * * *', 'Europe/Berlin', new Date(Date.now() + 30 * 60_000 - 1)) as Date;
    expect((await h.jobs.nextFires()).get('drill:orders-db')).toBe(berlin.getTime() - 30 * 60_000);

    const moved = parseConfig(drillConfigYaml(drills('30 4 * * *', 'timezone: Europe/Berlin'), billing).replace(/ {4}drills:\n(?: {6}.*\n)+/, ''));
    expect(moved.databases['orders-db']?.drills).toBeUndefined();
    const third = await h.jobs.syncSchedulers(moved);
    expect(third.upsert.map((s) => s.id)).toEqual(['drill:billing-db']);
    expect(third.remove).toEqual(['drill:orders-db']);
    expect(await ids()).toEqual(['drill:billing-db', 'drills:remind', 'drills:sweep', 'drills:verify']);

    const none = parseConfig(drillConfigYaml(drills('0 3 * * 1')).replace(/ {4}drills:\n(?: {6}.*\n)+/, ''));
    const fourth = await h.jobs.syncSchedulers(none);
    expect(fourth.remove.sort()).toEqual(['drill:billing-db', 'drills:remind', 'drills:verify']);
    expect(await ids()).toEqual(['drills:sweep']);
  });

  it('fire through BullMQ announceBefore ahead of each occurrence, and the fire posts the announcement', async () => {
    h = await createDrillHarness({ now: new Date().toISOString() });
    const seen: number[] = [];
    const process = drillJobProcessor(h.service);
    const conn = createRedis(TEST_REDIS_URL);
    const worker = createDrillWorker({ connection: conn, prefix: h.prefix, process: async (job: Job) => (seen.push(plannedAt(job).getTime()), process(job)) });
    try {
      // Every 3 s (a seconds field, which only a test may use), announced 1 s ahead.
      await h.jobs.queue.upsertJobScheduler(schedulerIdFor('orders-db'), { pattern: '*/3 * * * * *', tz: 'UTC' }, { name: announceJobName(1000), data: { database: 'orders-db' } });
      await waitFor(() => seen.length >= 2, 'two fires', 15_000);
      for (const at of seen.slice(0, 2)) expect(at % 3000).toBe(2000);
      await waitFor(() => h.slack.slack.messages(CHANNEL).find((m) => m.text.includes('Restore drill: orders-db')), 'the announcement');
      // Both fires name the same next drill slot (Monday 03:00 UTC): it is announced once.
      const { rows } = await h.pool.query('SELECT count(*)::int AS n FROM drills');
      expect(rows[0].n).toBe(1);
    } finally {
      await worker.close();
      conn.disconnect();
    }
  });
});
