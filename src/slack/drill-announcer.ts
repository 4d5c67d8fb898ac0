import type { RewindConfig } from '../config/schema';
import type { ComplianceEntry } from '../drills/compliance';
import type { Drill, DrillReport } from '../drills/drill';
import type { DrillAnnouncer, DrillNotice } from '../drills/drill-ports';
import type { SlackMessage } from './blocks';
import { channelZone, databaseOf } from './channel-context';
import { renderDrillAnnouncement } from './drill-announcement';
import { renderOverdueReminder } from './drill-compliance';
import { renderDrillNotice } from './drill-notice';
import { renderScorecard } from './drill-scorecard';
import { classifySlackError, type SlackClient } from './slack-api';

/**
 * Drill messages through the Slack Web API. The announcement is one message updated in place;
 * notices go in its thread (a teardown failure is also broadcast to the channel); scorecards
 * and reminders are top-level. Drill messages are few, so a rate-limited or transient failure
 * is waited out here (Retry-After, at most a few tries); what still fails is thrown, and a
 * drill's state never depends on a message having been delivered.
 */
export class SlackDrillAnnouncer implements DrillAnnouncer {
  constructor(private readonly o: { client: SlackClient; config: RewindConfig; now: () => Date; maxTries?: number }) {}

  async announce(drill: Drill): Promise<string | undefined> {
    const res = await this.post(drill.channel, this.announcement(drill));
    return typeof res.ts === 'string' ? res.ts : undefined;
  }

  async refresh(drill: Drill): Promise<void> {
    if (!drill.announcementTs) return;
    const ts = drill.announcementTs;
    await this.retrying(() => this.o.client.chat.update({ channel: drill.channel, ts, ...this.announcement(drill) } as never));
  }

  async notice(drill: Drill, notice: DrillNotice): Promise<void> {
    const message = renderDrillNotice(drill, notice, channelZone(this.o.config, drill.channel));
    const thread = drill.announcementTs ? { thread_ts: drill.announcementTs, reply_broadcast: notice.kind === 'teardown-failed' } : {};
    await this.post(drill.channel, message, thread);
  }

  async scorecard(drill: Drill, report: DrillReport): Promise<void> {
    await this.post(drill.channel, renderScorecard(report));
  }

  async remind(channel: string, overdue: readonly ComplianceEntry[], now: Date): Promise<void> {
    await this.post(channel, renderOverdueReminder(overdue, now, channelZone(this.o.config, channel)));
  }

  private announcement(drill: Drill): SlackMessage {
    const db = databaseOf(this.o.config, drill.database);
    return renderDrillAnnouncement(drill, {
      zone: channelZone(this.o.config, drill.channel),
      now: this.o.now(),
      rtoMs: db?.rto ?? 0,
      rpoMs: db?.rpo ?? 0,
      target: drill.kind === 'drill' ? (db?.drills?.target ?? 'latest') : 'latest',
    });
  }

  private post(channel: string, message: SlackMessage, extra: Record<string, unknown> = {}) {
    return this.retrying(() => this.o.client.chat.postMessage({ channel, ...message, ...extra, unfurl_links: false, unfurl_media: false } as never));
  }

  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const failure = classifySlackError(err);
        if (failure.kind === 'refused' || attempt >= (this.o.maxTries ?? 4)) throw err;
        const waitMs = failure.kind === 'rate_limited' ? Math.min(failure.retryAfterMs, 30_000) : 1000 * attempt;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }
}
