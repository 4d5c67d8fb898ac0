import { createServer } from 'node:http';
import { join } from 'node:path';
import { findFreePort, PgProcessRunner, pgCtlStatus } from '../../../src/providers/local/pg-process';
import { createDemoProcess, waitForHttp, type DemoProcess } from './demo-process';

// `npm run demo` as a user runs it: a child process from the repository, here with its own
// state directory, store database and free ports.

describe('npm run demo', () => {
  let demo: DemoProcess;
  const runner = new PgProcessRunner();

  beforeAll(async () => {
    demo = await createDemoProcess('cmd');
  });
  afterAll(async () => demo?.cleanup());

  it('starts everything from nothing, answers, and stops cleanly on SIGTERM', async () => {
    await demo.start();
    await demo.waitFor(/Rewind demo is running/, 90_000);
    const page = await waitForHttp(`http://127.0.0.1:${demo.ports.console}/`);
    expect(await page.text()).toContain('<html');
    const health = await waitForHttp(`http://127.0.0.1:${demo.ports.bot}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const app = await waitForHttp(`http://127.0.0.1:${demo.ports.app}/healthz`);
    expect(await app.json()).toMatchObject({ status: 'ok', database: `127.0.0.1:${demo.ports.source}/demo` });
    const out = demo.output();
    expect(out).toContain('demo source cluster created');
    expect(out).toMatch(/base backup base-\S+ \(\d+ MB, verified\)/);
    expect(out).toContain('✓ keeping the newest 6 base backups (one every 30m, */30 * * * *: about 3h to restore into)');
    const suggested = /\/dr pitr demo-db (\S+)/.exec(out)?.[1];
    expect(suggested).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(suggested ?? '')).toBeLessThan(Date.now());
    expect(await pgCtlStatus(runner, join(demo.dir, 'source'))).toBe('running');

    expect(await demo.stop('SIGTERM')).toBe(0);
    expect(demo.output()).toContain('Demo stopped.');
    expect(await pgCtlStatus(runner, join(demo.dir, 'source'))).toBe('stopped');
    await expect(fetch(`http://127.0.0.1:${demo.ports.bot}/healthz`)).rejects.toThrow();
  }, 120_000);

  it('reuses the source cluster and its data on the next start', async () => {
    await demo.start();
    await demo.waitFor(/Rewind demo is running/, 60_000);
    const out = demo.output();
    expect(out).toContain('demo source cluster started');
    const orders = Number(/demo data: ([\d,]+) orders/.exec(out)?.[1]?.replace(/,/g, ''));
    expect(orders).toBeGreaterThan(5000);
    expect(await demo.stop('SIGINT')).toBe(0);
    expect(await pgCtlStatus(runner, join(demo.dir, 'source'))).toBe('stopped');
  }, 90_000);

  it('says how to start Redis when it does not answer', async () => {
    await demo.start([], { REDIS_URL: `redis://127.0.0.1:${await findFreePort()}` });
    expect(await demo.exited()).toBe(1);
    expect(demo.output()).toContain('redis-server --daemonize yes');
  }, 30_000);

  it("says how to start PostgreSQL when Rewind's store does not answer", async () => {
    await demo.start([], { DATABASE_URL: `postgres://postgres@127.0.0.1:${await findFreePort()}/rewind` });
    expect(await demo.exited()).toBe(1);
    expect(demo.output()).toMatch(/pg_ctlcluster \d+ main start/);
  }, 30_000);

  it('names the variable to change when a port is taken, and refuses bad settings', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(demo.ports.console, '127.0.0.1', () => resolve()));
    try {
      await demo.start();
      expect(await demo.exited()).toBe(1);
      expect(demo.output()).toContain(`port ${demo.ports.console} (the console) is in use; stop what uses it or set REWIND_DEMO_PORT to a free port`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    await demo.start([], { REWIND_DEMO_BOT_PORT: 'abc' });
    expect(await demo.exited()).toBe(1);
    expect(demo.output()).toContain('REWIND_DEMO_BOT_PORT: expected a port number 1-65535, got "abc"');
    expect(await pgCtlStatus(runner, join(demo.dir, 'source'))).toBe('stopped');
  }, 30_000);

  it('--reset removes the demo directory', async () => {
    await demo.start(['--reset']);
    expect(await demo.exited()).toBe(0);
    expect(demo.output()).toContain('The next npm run demo starts afresh');
    expect(await pgCtlStatus(runner, join(demo.dir, 'source'))).toBe('missing');
  }, 30_000);
});
