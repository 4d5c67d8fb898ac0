import { CronExpressionParser } from 'cron-parser';
import type { BackupInfo } from '../providers/ports';

export interface BackupScheduleOptions {
  /** 5-field cron expression (rewind.yml's backupSchedule). */
  cron: string;
  timezone: string;
  take: () => Promise<BackupInfo>;
  /** Called after each successful backup; a returned promise is awaited before the next backup. */
  onBackup?: (backup: BackupInfo) => void | Promise<void>;
  /** A failed backup (or a throwing onBackup). */
  onError?: (err: unknown) => void;
  now?: () => Date;
}

/** Longest single wait; setTimeout cannot wait more than about 24.8 days. */
const MAX_WAIT_MS = 24 * 3_600_000;

/**
 * Takes base backups on the configured schedule while the demo runs. One backup at a time;
 * stop() waits for one in progress, so the source is never stopped under pg_basebackup.
 */
export class BackupSchedule {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly o: BackupScheduleOptions) {}

  /** When the next scheduled backup starts. */
  next(): Date {
    const now = this.o.now?.() ?? new Date();
    return CronExpressionParser.parse(this.o.cron, { currentDate: now, tz: this.o.timezone }).next().toDate();
  }

  /** Time between two scheduled backups, from the next two that the schedule fires. */
  period(): number {
    const now = this.o.now?.() ?? new Date();
    const it = CronExpressionParser.parse(this.o.cron, { currentDate: now, tz: this.o.timezone });
    const first = it.next().getTime();
    return it.next().getTime() - first;
  }

  start(): void {
    this.arm();
  }

  /** Takes a backup now (also used at start, so the restorable window exists right away). */
  backupNow(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.o
      .take()
      .then(async (b) => this.o.onBackup?.(b))
      .catch((err: unknown) => this.o.onError?.(err))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private arm(): void {
    if (this.stopped) return;
    const wait = Math.max(0, this.next().getTime() - (this.o.now?.() ?? new Date()).getTime());
    this.timer = setTimeout(
      () => {
        if (wait > MAX_WAIT_MS) return this.arm();
        void this.backupNow().finally(() => this.arm());
      },
      Math.min(wait, MAX_WAIT_MS),
    );
    this.timer.unref();
  }
}
