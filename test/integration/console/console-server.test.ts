import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startConsole, type RunningConsole } from '../../../src/console/console-server';
import { signSlackRequest } from '../../../src/console/signing';
import { CONFIRM_WORD, startTinyBot, verifySignature, type TinyBot } from '../../fakes/tiny-slack-bot';

const SECRET = 'console-test-signing-secret';
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

async function ui(c: RunningConsole, kind: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${c.url}/ui/${kind}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('local console server', () => {
  let bot: TinyBot;
  let con: RunningConsole;

  beforeEach(async () => {
    bot = await startTinyBot(SECRET);
    con = await startConsole({ botEventsUrl: bot.eventsUrl, signingSecret: SECRET, users: USERS, channel: CHANNEL });
    bot.apiUrl = `${con.url}/api/`;
  });
  afterEach(async () => {
    await con.close();
    await bot.close();
  });

  async function runCommand(): Promise<string> {
    const res = await ui(con, 'command', { user: 'U0RILEY01', channel: CHANNEL.id, text: '/dr pitr orders-db 10:02' });
    expect(res).toMatchObject({ status: 200, body: { ok: true, botStatus: 200 } });
    const posted = await waitFor(() => con.slack.messages(CHANNEL.id)[0]);
    return posted.ts;
  }

  it('sends a slash command as a signed form with Slack’s fields', async () => {
    await runCommand();
    const [req] = bot.received;
    expect(req?.verified).toBe(true);
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req?.form).toMatchObject({
      token: expect.any(String),
      team_id: 'T0REWIND1',
      team_domain: 'rewind-local',
      channel_id: 'C0DROPS01',
      channel_name: 'dr-ops',
      user_id: 'U0RILEY01',
      user_name: 'riley',
      command: '/dr',
      text: 'pitr orders-db 10:02',
      api_app_id: 'A0REWIND1',
      response_url: expect.stringMatching(new RegExp(`^${con.url}/response/`)),
      trigger_id: expect.any(String),
    });
    const ts = req?.headers['x-slack-request-timestamp'] as string;
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
    expect(req?.headers['x-slack-signature']).toBe(signSlackRequest(SECRET, ts, req?.raw ?? ''));
    expect(signSlackRequest('forged-secret', ts, req?.raw ?? '')).not.toBe(req?.headers['x-slack-signature']);
    expect(verifySignature('forged-secret', req?.headers ?? {}, req?.raw ?? '')).toBe(false);
    // The bot's replies reached the local Slack through the console's own /api and /response.
    await waitFor(() => con.slack.ephemerals('U0RILEY01').length === 1);
    expect(con.slack.ephemerals('U0RILEY01')[0]?.text).toBe('Planning `pitr orders-db 10:02`…');
    expect(con.slack.messages(CHANNEL.id)[0]).toMatchObject({ text: 'PITR orders-db', bot_id: 'B0REWIND1' });
  });

  it('computes the signature Slack documents', () => {
    // Slack's published example (api.slack.com/authentication/verifying-requests-from-slack).
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  it('sends a button click as a Slack-shaped block_actions payload', async () => {
    const ts = await runCommand();
    const res = await ui(con, 'action', { user: 'U0SAM0001', channel: CHANNEL.id, messageTs: ts, actionId: 'approve', blockId: 'gate', value: 'forged' });
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    const req = bot.received[1];
    expect(req?.verified).toBe(true);
    expect(Object.keys(req?.form ?? {})).toEqual(['payload']);
    expect(req?.payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0SAM0001', username: 'sam', team_id: 'T0REWIND1' },
      api_app_id: 'A0REWIND1',
      team: { id: 'T0REWIND1', domain: 'rewind-local' },
      channel: { id: CHANNEL.id, name: 'dr-ops' },
      container: { type: 'message', message_ts: ts, channel_id: CHANNEL.id, is_ephemeral: false },
      message: { ts, text: 'PITR orders-db', bot_id: 'B0REWIND1', blocks: expect.arrayContaining([expect.objectContaining({ type: 'header' })]) },
      response_url: expect.stringMatching(/\/response\//),
      trigger_id: expect.any(String),
      // The value is the one in the message, not what the page claimed.
      actions: [{ type: 'button', action_id: 'approve', block_id: 'gate', value: 'run-1:restore', style: 'primary', text: { type: 'plain_text', text: 'Approve restore' }, action_ts: expect.stringMatching(/^\d+\.\d{6}$/) }],
    });
    await waitFor(() => con.slack.message(CHANNEL.id, ts)?.edited);
    expect(con.slack.message(CHANNEL.id, ts)?.text).toBe('Approved');
    expect(await waitFor(() => con.slack.thread(CHANNEL.id, ts)[1])).toMatchObject({ text: '<@U0SAM0001> approved the restore gate' });
  });

  it('sends a view submission shaped like Slack’s and honours response_action errors', async () => {
    const ts = await runCommand();
    await ui(con, 'action', { user: 'U0SAM0001', channel: CHANNEL.id, messageTs: ts, actionId: 'open_form', blockId: 'gate' });
    const view = await waitFor(() => con.slack.views('U0SAM0001')[0]);

    const wrong = await ui(con, 'view-submission', { user: 'U0SAM0001', viewId: view.id, values: { db_name: { value: 'nope' } } });
    expect(wrong).toMatchObject({ status: 200, body: { ok: true, responseAction: 'errors', errors: { db_name: `Type ${CONFIRM_WORD} to confirm` } } });
    expect(con.slack.views('U0SAM0001')).toHaveLength(1);
    expect(bot.received.at(-1)?.payload).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0SAM0001' },
      team: { id: 'T0REWIND1' },
      api_app_id: 'A0REWIND1',
      trigger_id: expect.any(String),
      view: {
        id: view.id,
        callback_id: 'typed_confirm',
        private_metadata: 'run-1',
        state: { values: { db_name: { value: { type: 'plain_text_input', value: 'nope' } } } },
      },
    });
    expect((bot.received.at(-1)?.payload?.view as Record<string, unknown>).user).toBeUndefined();

    const right = await ui(con, 'view-submission', { user: 'U0SAM0001', viewId: view.id, values: { db_name: { value: CONFIRM_WORD } } });
    expect(right).toMatchObject({ status: 200, body: { ok: true } });
    expect(con.slack.views('U0SAM0001')).toEqual([]);
    await waitFor(() => con.slack.messages(CHANNEL.id).some((m) => m.text === 'Cutover of run-1 confirmed by <@U0SAM0001>'));
  });

  it('streams a snapshot and then every local Slack event over SSE', async () => {
    const ac = new AbortController();
    const res = await fetch(`${con.url}/events`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const events: Record<string, unknown>[] = [];
    let buffer = '';
    const pump = async (): Promise<void> => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += Buffer.from(value).toString('utf8');
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)) as Record<string, unknown>);
        }
      }
    };
    const pumping = pump().catch(() => undefined);
    const snapshot = await waitFor(() => events[0]);
    expect(snapshot).toMatchObject({
      type: 'snapshot',
      channel: { id: CHANNEL.id, name: 'dr-ops', members: ['U0RILEY01', 'U0SAM0001'] },
      people: USERS,
      command: '/dr',
      messages: [],
    });
    await runCommand();
    const posted = await waitFor(() => events.find((e) => e.type === 'message.posted'));
    expect(posted).toMatchObject({ channel: CHANNEL.id, message: { text: 'PITR orders-db' } });
    expect(events.some((e) => e.type === 'ephemeral')).toBe(true);
    ac.abort();
    await pumping;
  });

  it('reports an unreachable bot, a non-200 answer and a wrong signing secret as failures', async () => {
    bot.failNextWith = 500;
    const failed = await ui(con, 'command', { user: 'U0RILEY01', channel: CHANNEL.id, text: '/dr help' });
    expect(failed).toMatchObject({ status: 502, body: { ok: false, botStatus: 500, error: expect.stringContaining('HTTP 500') } });

    const forged = await startConsole({ botEventsUrl: bot.eventsUrl, signingSecret: 'forged-secret', users: USERS, channel: CHANNEL });
    try {
      const refused = await ui(forged, 'command', { user: 'U0RILEY01', channel: CHANNEL.id, text: '/dr help' });
      expect(refused).toMatchObject({ status: 502, body: { ok: false, botStatus: 401 } });
      expect(bot.received.at(-1)?.verified).toBe(false);
    } finally {
      await forged.close();
    }

    await bot.close();
    const unreachable = await ui(con, 'command', { user: 'U0RILEY01', channel: CHANNEL.id, text: '/dr help' });
    expect(unreachable).toMatchObject({ status: 502, body: { ok: false, error: expect.stringContaining('could not reach the bot') } });
  });

  it('reports a bot that does not acknowledge in time as operation_timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const slow = await startConsole({
      botEventsUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/slack/events`,
      signingSecret: SECRET,
      users: USERS,
      channel: CHANNEL,
      ackTimeoutMs: 200,
    });
    try {
      expect(await ui(slow, 'command', { user: 'U0RILEY01', channel: CHANNEL.id, text: '/dr help' })).toMatchObject({
        status: 502,
        body: { ok: false, error: expect.stringContaining('operation_timeout') },
      });
    } finally {
      await slow.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses unknown commands, people and messages without calling the bot', async () => {
    expect(await ui(con, 'command', { user: 'U0RILEY01', channel: CHANNEL.id, text: '/deploy prod' })).toMatchObject({
      status: 400,
      body: { ok: false, error: expect.stringContaining('/deploy is not a valid command') },
    });
    expect(await ui(con, 'command', { user: 'U0NOBODY1', channel: CHANNEL.id, text: '/dr help' })).toMatchObject({ status: 400 });
    expect(await ui(con, 'action', { user: 'U0RILEY01', channel: CHANNEL.id, messageTs: '1.000001', actionId: 'approve' })).toMatchObject({ status: 404 });
    expect(bot.received).toEqual([]);
  });

  it('serves the page, its assets and the Web API from one origin', async () => {
    const page = await fetch(`${con.url}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('data-testid="composer"');
    expect((await fetch(`${con.url}/assets/console.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${con.url}/assets/..%2Fconsole-server.ts`)).status).toBe(404);
    const auth = await fetch(`${con.url}/api/auth.test`, { method: 'POST', headers: { Authorization: `Bearer ${con.slack.token}` } });
    expect(await auth.json()).toMatchObject({ ok: true, team_id: 'T0REWIND1' });
  });
});
