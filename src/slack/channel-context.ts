import type { DatabaseConfig, RewindConfig } from '../config/schema';
import { drillEtaHistory } from '../persistence/drill-eta';
import { getIncidentCommander } from '../persistence/incident-commanders';
import { recentDurations } from '../persistence/slack-run-queries';
import type { Queryable } from '../persistence/transaction';
import { typicalStepTimes } from '../recovery/objectives';
import type { Run } from '../recovery/run';
import type { RenderContext } from './render-run';

/**
 * What a channel and a database contribute to a message: the channel's zone, its incident
 * commander (set with /dr ic, else rewind.yml's), the database's objectives. Objectives of a
 * database no longer in rewind.yml fall back to the schema's defaults so old runs still render.
 */

const DEFAULT_RTO_MS = 15 * 60_000;
const DEFAULT_RPO_MS = 5 * 60_000;

export function channelZone(config: RewindConfig, channel: string | null | undefined): string {
  return (channel ? config.channels[channel]?.timezone : undefined) ?? config.timezone;
}

export async function incidentCommanderOf(db: Queryable, config: RewindConfig, channel: string | null | undefined): Promise<string | undefined> {
  if (!channel) return undefined;
  const set = await getIncidentCommander(db, channel);
  return set?.userId ?? config.channels[channel]?.incidentCommander;
}

export function databaseOf(config: RewindConfig, name: string): DatabaseConfig | undefined {
  return Object.prototype.hasOwnProperty.call(config.databases, name) ? config.databases[name] : undefined;
}

/** Past drills of the database first (the design's ETA source), else past runs on the same path. */
async function etaHistoryOf(db: Queryable, run: Run): Promise<number[]> {
  const drills = await drillEtaHistory(db, run.database, run.path);
  return drills.length > 0 ? drills : recentDurations(db, run.database, run.path);
}

export async function renderContextFor(db: Queryable, config: RewindConfig, run: Run): Promise<RenderContext> {
  const database = databaseOf(config, run.database);
  const [incidentCommander, etaHistory] = await Promise.all([incidentCommanderOf(db, config, run.channel), etaHistoryOf(db, run)]);
  return {
    rtoMs: database?.rto ?? DEFAULT_RTO_MS,
    rpoMs: database?.rpo ?? DEFAULT_RPO_MS,
    zone: channelZone(config, run.channel),
    ...(incidentCommander ? { incidentCommander } : {}),
    etaHistory,
    stepTimes: typicalStepTimes(database?.provider),
    production: database?.production ?? false,
    approvers: database?.approvers ?? [],
    twoPersonRule: database?.twoPersonRule ?? false,
  };
}
