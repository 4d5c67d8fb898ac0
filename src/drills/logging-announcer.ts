import type { DrillAnnouncer, DrillLogger } from './drill-ports';

/** Without Slack, drills still run and report (the store has everything); their messages go to the log. */
export function loggingAnnouncer(logger: DrillLogger): DrillAnnouncer {
  return {
    async announce(drill) {
      logger.info({ drillId: drill.id, database: drill.database, startsAt: drill.startsAt.toISOString() }, 'drill announced (Slack is not configured)');
      return undefined;
    },
    async refresh() {},
    async notice(drill, notice) {
      logger.warn({ drillId: drill.id, database: drill.database, notice }, 'drill notice (Slack is not configured)');
    },
    async scorecard(drill, report) {
      logger.info({ drillId: drill.id, result: report.result, rtoMs: report.rto.ms, rpoMs: report.rpo.ms, teardown: report.teardown.status }, 'drill scorecard (Slack is not configured)');
    },
    async remind(channel, overdue) {
      logger.warn({ channel, overdue: overdue.map((e) => e.database) }, 'drills overdue (Slack is not configured)');
    },
  };
}
