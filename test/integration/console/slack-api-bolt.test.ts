import { App, LogLevel } from '@slack/bolt';
import { startFakeSlack, type RunningFakeSlack } from '../../fakes/slack-api';

async function waitFor(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function boltApp(s: RunningFakeSlack, token = s.token, deferInitialization = false): App {
  return new App({
    token,
    signingSecret: 'local-signing-secret',
    logLevel: LogLevel.ERROR,
    deferInitialization,
    clientOptions: { slackApiUrl: s.apiUrl, retryConfig: { retries: 0 } },
  });
}

describe('Bolt against the local Slack', () => {
  let s: RunningFakeSlack;
  beforeEach(async () => {
    s = await startFakeSlack();
  });
  afterEach(() => s.close());

  it('verifies its token with auth.test at construction and serves a slash command end to end', async () => {
    const app = boltApp(s);
    await waitFor(() => s.slack.calls('auth.test').length === 1);
    expect(s.slack.calls('auth.test')[0]).toMatchObject({ ok: true });

    app.command('/dr', async ({ ack, command, respond, say, client }) => {
      await ack();
      await respond({ text: `Planning ${command.text}…` });
      await client.views.open({
        trigger_id: command.trigger_id,
        view: { type: 'modal', title: { type: 'plain_text', text: 'Restore' }, blocks: [{ type: 'divider' }] },
      });
      await say({ text: 'Run r-1 planned', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'PITR orders-db' } }] });
    });
    await app.processEvent({
      body: {
        token: 'legacy-verification-token',
        team_id: 'T0REWIND1',
        api_app_id: 'A0REWIND1',
        channel_id: 'C0DROPS01',
        channel_name: 'dr-ops',
        user_id: 'U0ALICE01',
        user_name: 'alice',
        command: '/dr',
        text: 'pitr orders-db 10:00',
        response_url: s.slack.createResponseUrl('C0DROPS01', 'U0ALICE01'),
        trigger_id: s.slack.createTriggerId('U0ALICE01'),
      },
      ack: async () => undefined,
    });

    expect(s.slack.ephemerals('alice')).toEqual([expect.objectContaining({ text: 'Planning pitr orders-db 10:00…' })]);
    expect(s.slack.views('alice')).toEqual([expect.objectContaining({ title: { type: 'plain_text', text: 'Restore' } })]);
    expect(s.slack.messages('dr-ops')).toEqual([expect.objectContaining({ text: 'Run r-1 planned', bot_id: 'B0REWIND1' })]);
  });

  it('reaches every method through app.client', async () => {
    const app = boltApp(s);
    const posted = await app.client.chat.postMessage({ channel: 'C0GENERAL', text: 'live' });
    await app.client.chat.postMessage({ channel: 'C0GENERAL', thread_ts: posted.ts as string, text: 'detail' });
    await app.client.chat.update({ channel: 'C0GENERAL', ts: posted.ts as string, text: 'live (updated)' });
    await app.client.chat.postEphemeral({ channel: 'C0GENERAL', user: 'U0CAROL01', text: 'psst' });
    const user = await app.client.users.info({ user: 'U0CAROL01' });
    const channel = await app.client.conversations.info({ channel: 'C0GENERAL' });
    expect(user.user?.name).toBe('carol');
    expect(channel.channel?.name).toBe('general');
    expect(s.slack.thread('general', posted.ts as string).map((m) => m.text)).toEqual(['live (updated)', 'detail']);
    expect(s.slack.ephemerals('carol').map((e) => e.text)).toEqual(['psst']);
  });

  it('fails to initialise with a token the workspace does not know', async () => {
    const app = boltApp(s, 'xoxb-revoked', true);
    await expect(app.init()).rejects.toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
  });
});
