import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import { startConsole, type RunningConsole } from '../../../src/console/console-server';

// The console against a real Bolt app (ExpressReceiver, signature verification on): Bolt must
// accept its signed commands, block_actions and view_submissions, and the console must honour
// what Bolt answers (ack text, respond, response_action errors, empty ack).

const SECRET = 'console-bolt-signing-secret';
const USERS = [
  { id: 'U0RILEY01', name: 'Riley', title: 'requester' },
  { id: 'U0SAM0001', name: 'Sam', title: 'incident commander' },
];
const CHANNEL = { id: 'C0DROPS01', name: 'dr-ops' };

async function waitFor<T>(check: () => T | undefined | false, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('console against a Bolt app', () => {
  let server: Server;
  let con: RunningConsole;
  let app: App;

  beforeEach(async () => {
    const receiver = new ExpressReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR, processBeforeResponse: true });
    server = createServer(receiver.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    con = await startConsole({ botEventsUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRET, users: USERS, channel: CHANNEL });
    app = new App({ receiver, token: con.slack.token, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: `${con.url}/api/`, retryConfig: { retries: 0 } } });
  });
  afterEach(async () => {
    await con.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  const ui = async (kind: string, body: unknown) => {
    const res = await fetch(`${con.url}/ui/${kind}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('serves a command, a click and a modal through Bolt’s own verification and parsing', async () => {
    app.command('/dr', async ({ ack, command, say, client }) => {
      await ack(`Got \`${command.text}\``);
      await say({
        text: 'Run r-1',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Run r-1' } },
          { type: 'actions', block_id: 'gate', elements: [{ type: 'button', action_id: 'approve', value: 'r-1', text: { type: 'plain_text', text: 'Approve' } }] },
        ],
      });
      await client.views.open({
        trigger_id: command.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'typed_confirm',
          title: { type: 'plain_text', text: 'Confirm' },
          submit: { type: 'plain_text', text: 'Go' },
          blocks: [{ type: 'input', block_id: 'db', label: { type: 'plain_text', text: 'Database' }, element: { type: 'plain_text_input', action_id: 'name' } }],
        },
      });
    });
    app.action('approve', async ({ ack, respond, body }) => {
      await ack();
      await respond({ replace_original: true, text: `Approved by <@${body.user.id}>` });
    });
    app.view('typed_confirm', async ({ ack, view }) => {
      if (view.state.values.db?.name?.value === 'orders-db') await ack();
      else await ack({ response_action: 'errors', errors: { db: 'Type orders-db' } });
    });

    expect(await ui('command', { user: 'U0RILEY01', channel: CHANNEL.id, text: '/dr pitr orders-db' })).toMatchObject({ status: 200, body: { ok: true } });
    expect(con.slack.ephemerals('U0RILEY01').map((e) => e.text)).toEqual(['Got `pitr orders-db`']);
    const run = await waitFor(() => con.slack.messages(CHANNEL.id)[0]);
    const view = await waitFor(() => con.slack.views('U0RILEY01')[0]);

    expect(await ui('action', { user: 'U0SAM0001', channel: CHANNEL.id, messageTs: run.ts, actionId: 'approve', blockId: 'gate' })).toMatchObject({ status: 200 });
    await waitFor(() => con.slack.message(CHANNEL.id, run.ts)?.text === 'Approved by <@U0SAM0001>');

    expect(await ui('view-submission', { user: 'U0RILEY01', viewId: view.id, values: { db: { name: 'x' } } })).toMatchObject({
      body: { ok: true, responseAction: 'errors', errors: { db: 'Type orders-db' } },
    });
    expect(await ui('view-submission', { user: 'U0RILEY01', viewId: view.id, values: { db: { name: 'orders-db' } } })).toMatchObject({ body: { ok: true } });
    expect(con.slack.views('U0RILEY01')).toEqual([]);
  });

  it('is refused by Bolt when the console signs with another secret', async () => {
    const other = await startConsole({ botEventsUrl: new URL('/slack/events', `http://127.0.0.1:${(server.address() as AddressInfo).port}`).href, signingSecret: 'not-the-secret', users: USERS, channel: CHANNEL });
    try {
      let called = false;
      app.command('/dr', async ({ ack }) => {
        called = true;
        await ack();
      });
      const res = await fetch(`${other.url}/ui/command`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'U0RILEY01', channel: CHANNEL.id, text: '/dr help' }) });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ ok: false, botStatus: 401 });
      expect(called).toBe(false);
    } finally {
      await other.close();
    }
  });
});
