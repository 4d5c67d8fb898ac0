import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RewindError } from '../recovery/errors';

export interface DemoLock {
  /** True when the previous holder was gone without releasing it (it crashed or was killed). */
  stale: boolean;
  release(): Promise<void>;
}

/** The pid that holds the demo directory, if that process is still alive. */
export function lockHolder(dir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, 'demo.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * One demo per state directory: two would share a source cluster, an archive and a backup
 * catalog that only one writer may touch. A pid file left by a dead process is taken over.
 */
export async function acquireDemoLock(dir: string, shownDir: string): Promise<DemoLock> {
  const file = join(dir, 'demo.pid');
  const holder = lockHolder(dir);
  if (holder !== undefined) {
    throw new RewindError({
      code: 'DEMO_ALREADY_RUNNING',
      userMessage: `Another demo (pid ${holder}) is using ${shownDir}. Stop it first (Ctrl-C in its terminal, or kill ${holder}), or give this one its own REWIND_DEMO_DIR and ports.`,
    });
  }
  let stale = false;
  try {
    readFileSync(file);
    stale = true;
  } catch {
    // no pid file: the previous demo stopped cleanly, or there was none
  }
  await rm(file, { force: true });
  await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
  return {
    stale,
    release: () => rm(file, { force: true }),
  };
}
