import { RdsRetention } from '../../../src/providers/aws/rds-retention';
import type { DatabaseProviders } from '../../../src/providers/ports';
import type { Run } from '../../../src/recovery/run';
import { ACTION } from '../../../src/slack/ids';
import { FakeRds } from '../../fakes/aws-rds';
import { countingProviders } from '../../support/counting-providers';
import { APPROVER, buttonLabels, IC, OPERATOR, startSlackHarness, waitFor, WINDOW, type SlackHarness } from './slack-harness';

/**
 * Rewind with its Slack console over counting providers, except retention, which is the real
 * RdsRetention against a fake RDS; the retention check runs every 300 ms.
 */
export const HOUR = 3_600_000;

export const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** The tags Rewind writes on a kept database. */
export const retained = (until: Date, runId: string, role: 'replaced' | 'restored', extra: Record<string, string> = {}) =>
  tagList({ 'rewind-retain-until': until.toISOString(), 'rewind-retained-by': runId, 'rewind-retained-role': role, ...extra });

export interface RetentionWorld {
  h: SlackHarness;
  rds: FakeRds;
  close(): Promise<void>;
}

/**
 * `retentionOf(database)` says which source (and database name) a database's retention watches,
 * or undefined for none; databases that name the same ones share one RdsRetention.
 */
export async function startRetentionWorld(setup: (rds: FakeRds) => void, retentionOf: (database: string) => { sourceId: string; database: string } | undefined): Promise<RetentionWorld> {
  const rds = await FakeRds.start();
  setup(rds);
  const aws = { region: 'eu-central-1', endpoint: rds.url, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret' }, maxAttempts: 1 };
  const h = await startSlackHarness({
    mount: { retentionCheckMs: 300 },
    providers: (pool) => {
      const plain = countingProviders(pool, { window: WINDOW });
      const shared = new Map<string, DatabaseProviders>();
      return (database) => {
        const r = retentionOf(database);
        if (!r) return plain;
        const key = `${r.sourceId}/${r.database}`;
        let p = shared.get(key);
        if (!p) {
          p = { ...plain, retention: new RdsRetention({ rds: aws, kind: 'instance', sourceId: r.sourceId, database: r.database, retainForMs: 72 * HOUR }) };
          shared.set(key, p);
        }
        return p;
      };
    },
  });
  return {
    h,
    rds,
    async close() {
      await h.close();
      await rds.close();
    },
  };
}

/** `/dr restore <database> latest`, approved at both gates, to success: its retain-old step tags the source as replaced. */
export async function succeededRestore(h: SlackHarness, database: string): Promise<Run> {
  await h.command(OPERATOR, `restore ${database} latest`);
  const run = await waitFor(async () => (await h.runs(database))[0], 'the run');
  for (const label of ['Approve restore', 'Approve cutover']) {
    const m = await waitFor(async () => {
      const live = await h.liveMessage(run.id);
      return live && buttonLabels(live).includes(label) && live;
    }, `the "${label}" button`);
    await h.click(label === 'Approve restore' ? IC : APPROVER, m, ACTION.approveGate);
  }
  return h.waitForStatus(run.id, 'succeeded');
}

/** Moves a kept database's retain-until into the past, as time passing would. */
export function expireRetention(rds: FakeRds, id: string): void {
  for (const t of (rds.instanceFields(id)?.TagList ?? []) as { Key: string; Value: string }[]) {
    if (t.Key === 'rewind-retain-until') t.Value = new Date(Date.now() - 60_000).toISOString();
  }
}
