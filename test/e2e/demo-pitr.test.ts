import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { listRestoredClusters } from '../../src/demo/demo-restores';
import { isoSecond, waitUntilRestorable } from '../../src/demo/suggested-command';
import { LocalPostgresRecoverySource } from '../../src/providers/local/local-recovery-source';
import { PgProcessRunner } from '../../src/providers/local/pg-process';
import { createDemoProcess, waitForHttp, type DemoProcess } from '../integration/demo/demo-process';

// The embedded default, for real: `npm run demo`, then in Chromium (Debian's, never a
// downloaded one) Riley asks for a PITR to a few seconds ago, Sam approves the restore and the
// cutover, and the run completes in the page. The restored cluster must hold exactly the rows
// committed at or before the target, and the demo app must now use it.

const ARTIFACTS = join(__dirname, '..', '..', 'artifacts');

async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

describe('demo: PITR in the browser', () => {
  let demo: DemoProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await createDemoProcess('e2e');
    await demo.start();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await demo.waitFor(/Rewind demo is running/, 60_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.cleanup();
  });

  it('restores to a time seconds ago, approved by the incident commander, and cuts the app over', async () => {
    const sourceUrl = `postgres://postgres@127.0.0.1:${demo.ports.source}/demo`;
    const target = new Date(Math.floor((Date.now() - 3000) / 1000) * 1000);
    const provider = new LocalPostgresRecoverySource({ archiveDir: join(demo.dir, 'wal-archive'), backupDir: join(demo.dir, 'base-backups'), restoreRoot: join(demo.dir, 'restores') });
    expect(await waitUntilRestorable(provider, target, 20_000)).toBe(true);

    await page.goto(`http://127.0.0.1:${demo.ports.console}/`);
    await page.getByTestId('connection-status').getByText('Live').waitFor();
    expect(await page.getByTestId('user-switcher').locator('option').allTextContents()).toEqual(['Riley (requester)', 'Sam (incident commander)']);
    await page.getByTestId('user-switcher').selectOption('U0DEMOREQ01');
    await page.getByTestId('composer').fill(`/dr pitr demo-db ${isoSecond(target)}`);
    await page.getByTestId('composer').press('Enter');

    const run = page.locator('[data-testid="message"]:not([data-ephemeral])').filter({ hasText: 'demo-db' }).filter({ has: page.locator('[data-testid="button"]') });
    const approve = (label: RegExp) => run.locator('[data-testid="button"]').filter({ hasText: label });
    await approve(/Approve restore/).waitFor({ timeout: 20_000 });
    await page.getByTestId('user-switcher').selectOption('U0DEMOIC001');
    await approve(/Approve restore/).click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-ok').click();

    await approve(/Approve cutover/).waitFor({ timeout: 45_000 });
    await approve(/Approve cutover/).click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-ok').click();

    const done = page.locator('[data-testid="message"]:not([data-ephemeral])').filter({ hasText: /succeeded in/ });
    await done.waitFor({ timeout: 30_000 });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-pitr.png'), fullPage: true });

    const restored = await listRestoredClusters(new PgProcessRunner(), join(demo.dir, 'restores'));
    expect(restored).toHaveLength(1);
    const copy = restored[0];
    if (!copy) throw new Error('no restored cluster');
    expect(copy.status).toBe('running');
    const restoredUrl = `postgres://postgres@127.0.0.1:${copy.port}/demo`;

    // Commits at or before the target, by their commit timestamps in the source (which kept writing).
    const expected = await query<{ id: string }>(
      sourceUrl,
      'SELECT id FROM orders WHERE coalesce(pg_xact_commit_timestamp(xmin), \'-infinity\') <= $1 ORDER BY id',
      [target.toISOString()],
    );
    const later = await query<{ n: string }>(sourceUrl, 'SELECT count(*) AS n FROM orders WHERE pg_xact_commit_timestamp(xmin) > $1', [target.toISOString()]);
    const got = await query<{ id: string }>(restoredUrl, 'SELECT id FROM orders ORDER BY id');
    expect(Number(later[0]?.n)).toBeGreaterThan(0);
    expect(got.map((r) => r.id)).toEqual(expected.map((r) => r.id));

    const status = (await (await waitForHttp(`http://127.0.0.1:${demo.ports.app}/status`)).json()) as { ok: boolean; database: string };
    expect(status).toMatchObject({ ok: true, database: `127.0.0.1:${copy.port}/demo` });
    expect(pageErrors).toEqual([]);

    expect(await demo.stop('SIGTERM')).toBe(0);
    expect(demo.output()).toContain('Restored clusters, left for inspection');
    expect(demo.output()).toContain(copy.name);
  }, 120_000);
});
