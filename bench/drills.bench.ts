import type { Job } from 'bullmq';
import { drillJobProcessor, plannedAt } from '../jobs/drill-jobs';
import { pgSmokeTest } from '../jobs/drill-smoke';
import type { DrillReport } from '../src/drills/drill';
import { announceJobName, schedulerIdFor } from '../src/drills/drill-schedule';
import { SqlValidator } from '../src/providers/local/sql-validator';
import type { DatabaseProviders, PollResult, RecoverySource, ResourceRef } from '../src/providers/ports';
import { createDrillWorker } from '../src/queue/drill-worker';
import { createRedis } from '../src/queue/redis-connection';
import { countingProviders } from '../test/support/counting-providers';
import { TEST_REDIS_URL } from '../test/support/env';
import { CHANNEL, createDrillHarness, DEFAULT_DRILLS, drillConfigYaml, waitFor, WINDOW, type DrillHarness } from '../test/integration/drills/drill-harness';
import { commitRow, createFixture } from '../test/integration/providers/local/local-fixture';

/**
 * Drills: (1) from a schedule's fire to the announcement in Slack, called directly and through
 * BullMQ's own scheduler; (2) a drill's overhead beyond the restore: from its start job to the
 * scorecard in Slack, minus the restore's own time (restore + wait-available steps), on a source
 * whose restore takes a fixed 500 ms and on the local provider (real PITR of a small cluster).
 * The fake Slack's rate limit is off: these are Rewind's figures, not Slack's one message a
 * second per channel (which the announcer waits out when it meets it).
 */

const RESTORE_MS = 500;

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const pct = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  return `median ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, max ${(s[s.length - 1] ?? NaN).toFixed(1)} ms (n=${s.length})`;
}

/** A source whose restore becomes available RESTORE_MS after it started; everything else is the counting source. */
function timedProviders(base: DatabaseProviders): DatabaseProviders {
  const started = new Map<string, number>();
  const source: RecoverySource = {
    describe: () => base.source.describe(),
    async startRestore(req) {
      if (!started.has(req.name)) started.set(req.name, Date.now());
      return base.source.startRestore(req);
    },
    async poll(ref: ResourceRef): Promise<PollResult> {
      const left = (started.get(ref.id) ?? 0) + RESTORE_MS - Date.now();
      if (left > 0) return { state: 'pending', retryAfterMs: left };
      const res = await base.source.poll(ref);
      return res.state === 'pending' ? base.source.poll(ref) : res;
    },
    discard: (ref) => base.source.discard(ref),
  };
  return { ...base, source };
}

function manyDatabases(n: number): string {
  return Array.from({ length: n }, (_, i) => `
  db-${i}:
    provider: rds-instance
    rto: 15m
    rpo: 5m
    operators: [U0OPERATOR1]
    source: { instanceId: db-${i} }
    drills: { schedule: "0 3 * * 1", channel: ${CHANNEL}, announceBefore: 30m }`).join('');
}

async function fireToAnnouncement(): Promise<void> {
  // Slack's rate limit (about one message a second per channel) is switched off: this measures Rewind.
  const h = await createDrillHarness({ yaml: drillConfigYaml(DEFAULT_DRILLS, manyDatabases(30)), slack: { rateLimits: { 'chat.postMessage': null } } });
  try {
    const direct: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await h.service.fire(`db-${i}`, new Date('2024-05-06T02:30:00Z'));
      direct.push(performance.now() - t0);
    }
    console.log(`fire → announcement posted (handler called directly, incl. chat.postMessage): ${stats(direct)}`);

    const conn = createRedis(TEST_REDIS_URL);
    const process = drillJobProcessor(h.service);
    const planned = new Map<string, number>();
    const worker = createDrillWorker({
      connection: conn,
      prefix: h.prefix,
      process: async (job: Job) => {
        const database = String((job.data as { database?: unknown }).database);
        if (!planned.has(database)) planned.set(database, plannedAt(job).getTime());
        return process(job);
      },
    });
    const announced = new Map<string, number>();
    const off = h.slack.slack.on('message.posted', ({ message }) => {
      const m = /^Restore drill: (\S+): starts/.exec(message.text);
      if (m?.[1] && !announced.has(m[1])) announced.set(m[1], Date.now());
    });
    const names = Array.from({ length: 10 }, (_, i) => `db-${i}`);
    try {
      // Schedulers every 2 s (a seconds field, bench only), announced 1 s ahead; each database's first fire is a new slot.
      for (const name of names) {
        await h.jobs.queue.upsertJobScheduler(schedulerIdFor(name), { pattern: '*/2 * * * * *', tz: 'UTC' }, { name: announceJobName(1000), data: { database: name } });
      }
      await waitFor(() => names.every((n) => announced.has(n) && planned.has(n)), 'every scheduler to fire', 20_000);
      const latencies = names.map((n) => (announced.get(n) as number) - (planned.get(n) as number));
      console.log(`scheduled fire time → announcement posted (BullMQ's scheduler, the drills worker, 10 schedulers firing together): ${stats(latencies)}`);
    } finally {
      off();
      await worker.close();
      conn.disconnect();
    }
  } finally {
    await h.close();
  }
}

async function drillOverhead(h: DrillHarness, runs: number, label: string): Promise<void> {
  h.startWorkers();
  const overheads: number[] = [];
  const restores: number[] = [];
  const settle: number[] = [];
  for (let i = 0; i < runs; i++) {
    const posted = h.slack.slack.messages(CHANNEL).length;
    const t0 = Date.now();
    const { drill } = await h.service.startManual('orders-db', 'U0OPERATOR1', CHANNEL);
    const done = await h.waitForDrill(drill.id, (d) => d.report !== null, 'the drill report', 60_000);
    await waitFor(() => h.slack.slack.messages(CHANNEL).slice(posted).find((m) => m.text.startsWith('Drill scorecard')), 'the scorecard', 10_000);
    const t1 = Date.now();
    const report = done.report as DrillReport;
    const restoreMs = report.steps.filter((s) => s.kind === 'restore' || s.kind === 'wait-available').reduce((n, s) => n + (s.durationMs ?? 0), 0);
    restores.push(restoreMs);
    overheads.push(t1 - t0 - restoreMs);
    settle.push(t1 - Date.parse(report.finishedAt as string));
    if (report.result !== 'succeeded') throw new Error(`drill ${drill.id} ${report.result}: ${report.problem}`);
  }
  console.log(`${label}: restore (restore + wait-available) ${stats(restores)}`);
  console.log(`${label}: overhead beyond the restore (start → scorecard in Slack, minus restore) ${stats(overheads)}`);
  console.log(`${label}:   of which run end → scorecard posted (settle, report, chat.postMessage) ${stats(settle)}`);
}

export async function drillsBench(): Promise<void> {
  await fireToAnnouncement();

  const timed = await createDrillHarness({ providers: (pool) => timedProviders(countingProviders(pool, { window: WINDOW })), now: new Date().toISOString(), slack: { rateLimits: { 'chat.postMessage': null } } });
  try {
    await drillOverhead(timed, 10, `fixed ${RESTORE_MS} ms restore`);
  } finally {
    await timed.close();
  }

  const fx = await createFixture('bench-drill');
  try {
    await commitRow(fx.source, 'before-backup');
    await fx.provider.takeBackup();
    await commitRow(fx.source, 'after-backup');
    await fx.source.switchWalAndWaitArchived();
    const providers: DatabaseProviders = { source: fx.provider, cutovers: [], validator: new SqlValidator({ checks: [{ name: 'items', sql: 'SELECT count(*) FROM items', expect: { op: '=', value: 2 } }] }), healthChecks: [] };
    const local = await createDrillHarness({ providers: () => providers, smoke: pgSmokeTest, policies: { 'wait-available': { pollMs: 200 } }, now: new Date().toISOString(), slack: { rateLimits: { 'chat.postMessage': null } } });
    try {
      await drillOverhead(local, 3, 'local provider (real PITR)');
    } finally {
      await local.close();
    }
  } finally {
    await fx.cleanup();
  }
}
