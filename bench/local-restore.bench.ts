import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupCatalog } from '../src/providers/local/backup-catalog';
import { LocalPostgresRecoverySource } from '../src/providers/local/local-recovery-source';
import { findFreePort, PgProcessRunner, pgCtlStop } from '../src/providers/local/pg-process';
import { RestorePlanner } from '../src/providers/local/restore-planner';
import { WalArchive } from '../src/providers/local/wal-archive';
import { countsAt, createBenchSource, expectedCounts, generateData, generateWal, mb, switchAndWaitArchived } from './local-restore-dataset';
import { engineRun } from './local-restore-engine';
import { pgBackRestRestore, rewindRestore, scriptedRestore, type RestoreTiming } from './local-restore-methods';
import { ensurePgBackRestInstalled, setUpPgBackRest } from './local-restore-pgbackrest';

/**
 * Rewind's local point-in-time restore against a plain scripted restore of the same base backup
 * to the same target and against pgBackRest, on a generated database with WAL to replay; and the
 * orchestration overhead of a whole run through the engine. Sizes and rounds come from the
 * environment (REWIND_BENCH_DATA_MB, REWIND_BENCH_WAL_MB, REWIND_BENCH_ROUNDS, REWIND_BENCH_DIR;
 * REWIND_BENCH_KEEP=1 keeps the directory). Each method's best round is compared.
 */

const say = (line: string) => console.log(line);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: expected a positive integer, got "${raw}"`);
  return n;
}

type Method = 'scripted' | 'rewind' | 'pgbackrest';

export async function localRestoreBench(): Promise<void> {
  const dataMb = envInt('REWIND_BENCH_DATA_MB', 1024);
  const walMb = envInt('REWIND_BENCH_WAL_MB', 2048);
  const rounds = envInt('REWIND_BENCH_ROUNDS', 3);
  const dir = await mkdtemp(join(process.env.REWIND_BENCH_DIR ?? '/var/tmp', 'rewind-bench-'));
  await chmod(dir, 0o755);
  const runner = new PgProcessRunner();
  const layout = { dataDir: join(dir, 'source', 'data'), archiveDir: join(dir, 'wal-archive'), socketDir: join(dir, 'source', 'socket'), port: await findFreePort() };
  say(`directory ${dir}; ${dataMb} MB of data, ${walMb} MB of WAL, ${rounds} round(s) per method`);
  ensurePgBackRestInstalled(say);
  const br = await setUpPgBackRest(runner, dir, layout);
  const src = await createBenchSource(runner, layout, br.pushCommand);
  try {
    await br.run(['stanza-create']);
    let t = performance.now();
    const dbMb = await generateData(src, dataMb, say);
    say(`generated ${dbMb.toFixed(0)} MB of data in ${s(performance.now() - t)}`);

    const provider = new LocalPostgresRecoverySource({ archiveDir: layout.archiveDir, backupDir: join(dir, 'backups'), restoreRoot: join(dir, 'restores'), source: { dataDir: layout.dataDir } });
    t = performance.now();
    const backup = await provider.takeBackup();
    say(`Rewind base backup ${backup.id}: ${mb(backup.sizeBytes ?? 0).toFixed(0)} MB in ${s(performance.now() - t)} (pg_basebackup + pg_verifybackup)`);
    t = performance.now();
    await br.run(['--type=full', 'backup']);
    say(`pgBackRest full backup in ${s(performance.now() - t)}`);
    const record = await new BackupCatalog(join(dir, 'backups')).get(backup.id);
    if (!record) throw new Error(`backup ${backup.id} is not in the catalog`);

    t = performance.now();
    const wal = await generateWal(src, record.startLsn, walMb, 0.95, say);
    await switchAndWaitArchived(src);
    const expected = await expectedCounts(src, wal.target);
    say(`generated ${mb(wal.bytes).toFixed(0)} MB of WAL after the backup in ${s(performance.now() - t)}; target ${wal.target.toISOString()} (${(0.95 * 100).toFixed(0)}% into it)`);

    const planner = new RestorePlanner(runner, new BackupCatalog(join(dir, 'backups')), new WalArchive(runner, layout.archiveDir));
    t = performance.now();
    await planner.plan({ kind: 'time', at: wal.target });
    say(`Rewind pre-flight alone (verify backup, scan WAL to the target): ${s(performance.now() - t)}`);

    const best: Record<Method, RestoreTiming | undefined> = { scripted: undefined, rewind: undefined, pgbackrest: undefined };
    const order: Method[] = ['scripted', 'rewind', 'pgbackrest'];
    for (let round = 1; round <= rounds; round++) {
      for (const method of round % 2 === 1 ? order : [...order].reverse()) {
        const dataDir = join(dir, 'restores', `${method}-${round}`, 'data');
        if (method !== 'rewind') await runner.ensureOwnedDir(join(dir, 'restores', `${method}-${round}`), 0o750);
        if (method === 'pgbackrest') await br.settle();
        const timing =
          method === 'scripted'
            ? await scriptedRestore(runner, { backupPath: join(dir, 'backups', record.dir), archiveDir: layout.archiveDir, dataDir, target: wal.target })
            : method === 'pgbackrest'
              ? await pgBackRestRestore(runner, br, { dataDir, target: wal.target })
              : await rewindRestore(provider, { name: `rewind-${round}`, target: wal.target });
        const got = await countsAt(timing.url);
        const exact = got.big === expected.big && got.churn === expected.churn;
        say(`  round ${round} ${method.padEnd(10)} prepare ${s(timing.prepareMs).padStart(7)}  total ${s(timing.totalMs).padStart(7)}  ${exact ? 'rows exact' : `ROWS DIFFER: ${JSON.stringify(got)} vs ${JSON.stringify(expected)}`}`);
        if (!exact) throw new Error(`${method} restored the wrong rows`);
        if (!best[method] || timing.totalMs < (best[method]?.totalMs ?? Infinity)) best[method] = timing;
        await pgCtlStop(runner, timing.dataDir, 'immediate');
        await rm(join(timing.dataDir, '..'), { recursive: true, force: true });
      }
    }

    const rewind = best.rewind?.totalMs ?? NaN;
    const faster = Math.min(best.scripted?.totalMs ?? Infinity, best.pgbackrest?.totalMs ?? Infinity);
    say('');
    say(`best of ${rounds}: scripted ${s(best.scripted?.totalMs ?? NaN)}, pgBackRest ${s(best.pgbackrest?.totalMs ?? NaN)}, Rewind ${s(rewind)}`);
    say(`Rewind / scripted   = ${(rewind / (best.scripted?.totalMs ?? NaN)).toFixed(2)}×`);
    say(`Rewind / pgBackRest = ${(rewind / (best.pgbackrest?.totalMs ?? NaN)).toFixed(2)}×`);
    say(`Rewind / faster     = ${(rewind / faster).toFixed(2)}× (target ≤ 1.10×: ${rewind / faster <= 1.1 ? 'met' : 'NOT met'})`);

    const run = await engineRun(provider, wal.target);
    say('');
    say(`whole PITR run through the engine: ${s(run.e2eMs)} end to end (${s(run.gatesMs)} at the gates, approved at once)`);
    for (const step of run.steps) say(`  ${step.name.padEnd(56)} ${s(step.ms)}`);
    say(`restore inside the run (restore step start → promotion): ${s(run.restoreMs)}`);
    say(`orchestration overhead = end to end − gates − restore = ${s(run.e2eMs - run.gatesMs - run.restoreMs)}`);
  } finally {
    await pgCtlStop(runner, layout.dataDir, 'immediate').catch(() => undefined);
    if (process.env.REWIND_BENCH_KEEP === '1') say(`kept ${dir}`);
    else {
      await stopRestoresUnder(runner, join(dir, 'restores'));
      await rm(dir, { recursive: true, force: true });
    }
  }
}

async function stopRestoresUnder(runner: PgProcessRunner, root: string): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[])) await pgCtlStop(runner, join(root, name, 'data'), 'immediate').catch(() => undefined);
}
