import type { ProviderResolver } from '../src/providers/ports';
import type { StepContext } from '../src/recovery/step-processor';

/**
 * The newest instant the restored copy can contain, to compare with what changed since (a
 * password rotated after it). For "latest" that is the window's end when it was checked, a lower
 * bound, so a warning errs on the side of being shown. Undefined when it cannot be told.
 */
export async function restorePointOf(providers: ProviderResolver, ctx: Pick<StepContext, 'run' | 'outputOf'>): Promise<Date | undefined> {
  const target = ctx.run.target;
  if (target.kind === 'time') return target.at;
  if (target.kind === 'latest') {
    const latest = ctx.outputOf('check-window')?.latest;
    return typeof latest === 'string' ? new Date(latest) : undefined;
  }
  const backups = (await providers(ctx.run.database).source.describe()).backups;
  return backups.find((b) => b.id === target.backupId)?.finishedAt;
}
