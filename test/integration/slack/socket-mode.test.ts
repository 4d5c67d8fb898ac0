import { parseConfig } from '../../../src/config/load';
import { startServices } from '../../../src/main/services';
import { mountSlack } from '../../../src/main/slack-mount';
import { ACTION } from '../../../src/slack/ids';
import { startFakeSlack } from '../../fakes/slack-api';
import { FakeSocketMode } from '../../fakes/slack-socket-mode';
import { createTestDatabase } from '../../support/database';
import { TEST_REDIS_URL } from '../../support/env';
import { APP_TOKEN, APPROVER, buttonLabels, CHANNEL, CONFIG_YAML, IC, messageText, OPERATOR, startSlackHarness, STRANGER, waitFor, type SlackHarness } from './slack-harness';

// Socket Mode (SLACK_APP_TOKEN): no public URL. Rewind opens the connection with the real SDK
// (apps.connections.open on the fake Web API, then a WebSocket to the fake's Socket Mode side)
// and receives commands and clicks as envelopes it must acknowledge within Slack's 3 s.

describe('Rewind over Socket Mode', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ socketMode: true });
    await h.socket?.connected();
  });
  afterAll(async () => h.close());

  it('connects with the app-level token and does not serve /slack/events', async () => {
    expect(h.socket?.connections).toBe(1);
    const opened = h.slack.slack.calls('apps.connections.open');
    expect(opened.map((c) => c.ok)).toEqual([true]);
    const res = await h.postSigned(h.commandBody(OPERATOR, 'help'));
    expect(res.status).toBe(404);
  });

  it('answers a command in its acknowledgement, and refuses someone who may not start runs', async () => {
    const help = await h.socketCommand(OPERATOR, 'help');
    expect(help).toMatchObject({ acked: true, payload: { response_type: 'ephemeral', text: expect.stringContaining('/dr pitr') } });
    const refused = await h.socketCommand(STRANGER, 'restore staging-db latest');
    expect(refused).toMatchObject({ acked: true, payload: { text: expect.stringContaining('You are not an operator of staging-db') } });
    await h.idle();
    expect(await h.runs('staging-db')).toEqual([]);
  });

  it('runs a restore through both gates with commands and clicks arriving over the socket', async () => {
    const ack = await h.socketCommand(OPERATOR, 'restore staging-db latest');
    expect(ack).toMatchObject({ acked: true, payload: { text: expect.stringContaining('staging-db') } });
    const run = await waitFor(async () => (await h.runs('staging-db'))[0], 'the run');
    for (const [label, who] of [
      ['Approve restore', IC],
      ['Approve cutover', APPROVER],
    ] as const) {
      const message = await waitFor(async () => {
        const m = await h.liveMessage(run.id);
        return m && buttonLabels(m).includes(label) && m;
      }, `the "${label}" button`);
      expect(await h.socketClick(who, message, ACTION.approveGate)).toMatchObject({ acked: true });
    }
    const done = await h.waitForStatus(run.id, 'succeeded');
    expect(done.approvals.map((a) => [a.gate, a.decidedBy])).toEqual([
      ['restore', IC],
      ['cutover', APPROVER],
    ]);
    const final = await waitFor(async () => {
      const m = await h.liveMessage(run.id);
      return m && messageText(m).includes('succeeded in') && m;
    }, 'the final message');
    expect(final.channel).toBe(CHANNEL);
  });

  it('reconnects when Slack asks it to, and keeps taking commands', async () => {
    const before = h.slack.slack.calls('apps.connections.open').length;
    h.socket?.askToReconnect();
    await waitFor(() => h.slack.slack.calls('apps.connections.open').length > before && (h.socket?.connections ?? 0) >= 1, 'the new connection');
    await waitFor(async () => (await h.socketCommand(OPERATOR, 'help')).acked, 'a command on the new connection');
  });
});

describe('Socket Mode with a token Slack refuses', () => {
  it('does not start, and says which token to create where', async () => {
    const db = await createTestDatabase('socketbad');
    const slack = await startFakeSlack();
    const socket = await FakeSocketMode.start(slack.slack, APP_TOKEN);
    try {
      await expect(
        startServices({
          env: { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'silent', REWIND_QUEUE_PREFIX: `rwsock${Date.now()}` },
          config: parseConfig(CONFIG_YAML),
          worker: false,
          port: 0,
          mount: async (app, rt) => (await mountSlack(app, rt, { token: slack.token, appToken: 'xapp-1-A0FAKEAPP01-999-not-this-apps-token', apiUrl: slack.apiUrl })).stop,
        }),
      ).rejects.toMatchObject({
        code: 'SLACK_SOCKET_MODE_FAILED',
        userMessage: expect.stringContaining('Slack refused the Socket Mode connection (invalid_auth). SLACK_APP_TOKEN must be an app-level token'),
      });
      expect(socket.connections).toBe(0);
    } finally {
      await socket.close();
      await slack.close();
      await db.drop();
    }
  });
});
