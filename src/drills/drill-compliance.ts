import { complianceOf, overdueByChannel, type ComplianceEntry } from './compliance';
import type { DrillDeps } from './drill-ports';

/** `/dr drills`: every database's drill record against its policy, as of now. */
export async function drillCompliance(deps: Pick<DrillDeps, 'config' | 'store' | 'now'>): Promise<ComplianceEntry[]> {
  return complianceOf(deps.config, await deps.store.records(), deps.now());
}

/** The weekly reminder: each drill channel hears which of its databases are overdue (silent when none are). */
export async function remindOverdue(deps: Pick<DrillDeps, 'config' | 'store' | 'now' | 'announcer' | 'logger'>): Promise<{ channel: string; databases: string[] }[]> {
  const now = deps.now();
  const sent: { channel: string; databases: string[] }[] = [];
  for (const [channel, entries] of overdueByChannel(await drillCompliance(deps))) {
    try {
      await deps.announcer.remind(channel, entries, now);
      sent.push({ channel, databases: entries.map((e) => e.database) });
    } catch (err) {
      deps.logger.warn({ channel, err: (err as Error).message }, 'could not post the overdue drill reminder');
    }
  }
  return sent;
}
