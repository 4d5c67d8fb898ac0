import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PgProcessRunner, pgCtlStop } from '../providers/local/pg-process';
import { RewindError } from '../recovery/errors';
import { loadDemoConfig } from './demo-config';
import { DEMO_MARKER } from './demo-layout';
import { lockHolder } from './demo-lock';
import type { DemoSettings } from './demo-settings';

/**
 * `npm run demo -- --reset`: stops the demo's clusters (source and restored) and deletes its
 * directory, so the next start creates everything afresh. Refuses while a demo runs, and for a
 * directory the demo did not create.
 */
export async function resetDemo(s: DemoSettings, say: (line: string) => void): Promise<void> {
  if (!existsSync(s.dir)) {
    say(`Nothing to reset: ${s.shownDir} does not exist.`);
    return;
  }
  const holder = lockHolder(s.dir);
  if (holder !== undefined) {
    throw new RewindError({ code: 'DEMO_ALREADY_RUNNING', userMessage: `A demo (pid ${holder}) is using ${s.shownDir}; stop it (Ctrl-C) before resetting.` });
  }
  if (!existsSync(join(s.dir, DEMO_MARKER)) && (await readdir(s.dir)).length > 0) {
    throw new RewindError({ code: 'DEMO_RESET_REFUSED', userMessage: `${s.shownDir} has no ${DEMO_MARKER}, so the demo did not create it; not deleting it.` });
  }
  const dc = loadDemoConfig(s);
  const runner = new PgProcessRunner();
  const dataDirs = existsSync(dc.restoreRoot) ? (await readdir(dc.restoreRoot)).map((name) => join(dc.restoreRoot, name, 'data')) : [];
  for (const dataDir of [...dataDirs, dc.dataDir]) {
    if (existsSync(join(dataDir, 'PG_VERSION'))) await pgCtlStop(runner, dataDir, 'immediate');
  }
  await rm(s.dir, { recursive: true, force: true });
  say(`Removed ${s.shownDir}: the demo source cluster, WAL archive, base backups and ${dataDirs.length} restored cluster(s). The next npm run demo starts afresh.`);
}
