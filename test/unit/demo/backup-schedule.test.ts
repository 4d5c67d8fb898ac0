import { BackupSchedule } from '../../../src/demo/backup-schedule';
import type { BackupInfo } from '../../../src/providers/ports';

const info = (id: string): BackupInfo => ({ id, finishedAt: new Date('2024-05-01T10:00:00Z'), valid: true });

describe('BackupSchedule', () => {
  it('waits for onBackup (the demo prunes there) before the backup counts as done', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const schedule = new BackupSchedule({
      cron: '*/30 * * * *',
      timezone: 'UTC',
      take: async () => {
        order.push('take');
        return info('b1');
      },
      onBackup: () =>
        new Promise<void>((resolve) => {
          order.push('prune started');
          release = () => {
            order.push('prune done');
            resolve();
          };
        }),
    });
    const done = schedule.backupNow().then(() => order.push('backup done'));
    await new Promise((r) => setImmediate(r));
    // A second request while the first (with its prune) is under way joins it.
    const joined = schedule.backupNow();
    expect(order).toEqual(['take', 'prune started']);
    release();
    await Promise.all([done, joined]);
    expect(order).toEqual(['take', 'prune started', 'prune done', 'backup done']);
  });

  it('passes a failing onBackup to onError instead of rejecting', async () => {
    const errors: unknown[] = [];
    const schedule = new BackupSchedule({
      cron: '*/30 * * * *',
      timezone: 'UTC',
      take: async () => info('b1'),
      onBackup: async () => {
        throw new Error('prune broke');
      },
      onError: (err) => {
        errors.push(err);
      },
    });
    await expect(schedule.backupNow()).resolves.toBeUndefined();
    expect(errors).toEqual([new Error('prune broke')]);
  });

  it('knows its period from the cron expression', () => {
    const at = (iso: string) => () => new Date(iso);
    expect(new BackupSchedule({ cron: '*/30 * * * *', timezone: 'UTC', take: async () => info('x'), now: at('2024-05-01T10:07:00Z') }).period()).toBe(30 * 60_000);
    expect(new BackupSchedule({ cron: '0 3 * * *', timezone: 'UTC', take: async () => info('x'), now: at('2024-05-01T10:07:00Z') }).period()).toBe(24 * 3_600_000);
  });
});
