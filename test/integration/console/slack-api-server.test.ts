import { startFakeSlack, type RunningFakeSlack, type SlackEvent } from '../../fakes/slack-api';
import { slackError, webClient } from './web-client';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('local Slack Web API over HTTP, driven by the real WebClient', () => {
  let s: RunningFakeSlack;
  beforeEach(async () => {
    s = await startFakeSlack();
  });
  afterEach(() => s.close());

  it('answers auth.test for the bot token', async () => {
    const res = await webClient(s.apiUrl, s.token).auth.test();
    expect(res).toMatchObject({ ok: true, user_id: 'U0REWINDB', bot_id: 'B0REWIND1', team_id: 'T0REWIND1', user: 'rewind' });
  });

  it('refuses a missing token with not_authed and an unknown one with invalid_auth', async () => {
    expect((await slackError(webClient(s.apiUrl).auth.test())).error).toBe('not_authed');
    expect((await slackError(webClient(s.apiUrl, 'xoxb-wrong').chat.postMessage({ channel: 'C0GENERAL', text: 'x' }))).error).toBe('invalid_auth');
    expect(s.slack.messages('general')).toEqual([]);
  });

  it('posts, threads and updates messages, and emits events', async () => {
    const events: SlackEvent[] = [];
    s.slack.onAny((e) => events.push(e));
    const client = webClient(s.apiUrl, s.token);
    const posted = await client.chat.postMessage({ channel: '#dr-ops', text: 'Restore planned', blocks: [section('*Restore* planned')] });
    expect(posted).toMatchObject({ ok: true, channel: 'C0DROPS01', message: { text: 'Restore planned', bot_id: 'B0REWIND1', user: 'U0REWINDB' } });
    const ts = posted.ts as string;
    expect(ts).toMatch(/^\d+\.\d{6}$/);

    const reply = await client.chat.postMessage({ channel: 'C0DROPS01', thread_ts: ts, text: 'step 1 done' });
    expect(reply.message?.thread_ts).toBe(ts);
    const updated = await client.chat.update({ channel: 'C0DROPS01', ts, text: 'Restore running', blocks: [section('*Restore* running')] });
    expect(updated).toMatchObject({ ok: true, ts, text: 'Restore running' });

    expect(s.slack.messages('dr-ops')).toHaveLength(1);
    expect(s.slack.messages('dr-ops')[0]).toMatchObject({ ts, text: 'Restore running', reply_count: 1, edited: { user: 'U0REWINDB' } });
    expect(s.slack.thread('C0DROPS01', ts).map((m) => m.text)).toEqual(['Restore running', 'step 1 done']);
    expect(events.filter((e) => e.type !== 'call').map((e) => e.type)).toEqual(['message.posted', 'message.posted', 'message.updated']);
    expect(s.slack.calls('chat.update')).toEqual([expect.objectContaining({ ok: true, status: 200, args: expect.objectContaining({ ts }) })]);
  });

  it('keeps blocks on chat.update when only text is sent, and removes them for an empty array', async () => {
    const client = webClient(s.apiUrl, s.token);
    const { ts } = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'a', blocks: [section('a')] });
    await client.chat.update({ channel: 'C0GENERAL', ts: ts as string, text: 'b' });
    expect(s.slack.message('general', ts as string)?.blocks).toEqual([section('a')]);
    await client.chat.update({ channel: 'C0GENERAL', ts: ts as string, text: 'c', blocks: [] });
    expect(s.slack.message('general', ts as string)?.blocks).toEqual([]);
  });

  it('refuses unknown channels, unknown messages, other people\'s messages and bad threads', async () => {
    const client = webClient(s.apiUrl, s.token);
    expect((await slackError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).error).toBe('channel_not_found');
    expect((await slackError(client.chat.update({ channel: 'C0NOPE', ts: '1.000001', text: 'x' }))).error).toBe('channel_not_found');
    expect((await slackError(client.chat.update({ channel: 'C0GENERAL', ts: '1.000001', text: 'x' }))).error).toBe('message_not_found');
    const human = s.slack.postAsUser('general', 'alice', 'hello');
    expect((await slackError(client.chat.update({ channel: 'C0GENERAL', ts: human.ts, text: 'x' }))).error).toBe('cant_update_message');
    expect((await slackError(client.chat.postMessage({ channel: 'C0GENERAL', thread_ts: '9.000009', text: 'x' }))).error).toBe('thread_not_found');
    expect((await slackError(client.chat.postMessage({ channel: 'C0GENERAL', text: '' }))).error).toBe('no_text');
  });

  it('answers not_in_channel for a public channel the app has not joined', async () => {
    s.slack.workspace.addChannel({ id: 'C0QUIET01', name: 'quiet', botIsMember: false });
    const client = webClient(s.apiUrl, s.token);
    expect((await slackError(client.chat.postMessage({ channel: 'C0QUIET01', text: 'x' }))).error).toBe('not_in_channel');
  });

  it('posts ephemeral messages to members only', async () => {
    const client = webClient(s.apiUrl, s.token);
    const res = await client.chat.postEphemeral({ channel: 'C0DROPS01', user: 'U0BOB0001', text: 'only you', blocks: [section('only *you*')] });
    expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(s.slack.ephemerals('bob')).toEqual([expect.objectContaining({ channel: 'C0DROPS01', text: 'only you', via: 'chat.postEphemeral' })]);
    expect(s.slack.messages('C0DROPS01')).toEqual([]);
    s.slack.workspace.addChannel({ id: 'C0SMALL01', name: 'small', members: ['alice'] });
    expect((await slackError(client.chat.postEphemeral({ channel: 'C0SMALL01', user: 'U0BOB0001', text: 'x' }))).error).toBe('user_not_in_channel');
    expect((await slackError(client.chat.postEphemeral({ channel: 'C0SMALL01', user: 'U0NOBODY', text: 'x' }))).error).toBe('user_not_found');
  });

  it('describes users and conversations', async () => {
    s.slack.workspace.addUser({ id: 'U0PARIS01', name: 'paris', tz: 'Europe/Paris' });
    const client = webClient(s.apiUrl, s.token);
    const alice = await client.users.info({ user: 'U0ALICE01' });
    expect(alice.user).toMatchObject({ id: 'U0ALICE01', name: 'alice', real_name: 'Alice Admin', is_admin: true, is_bot: false, tz: 'UTC', tz_offset: 0 });
    const paris = await client.users.info({ user: 'U0PARIS01' });
    expect([3600, 7200]).toContain(paris.user?.tz_offset);
    expect((await slackError(client.users.info({ user: 'U0NOBODY' }))).error).toBe('user_not_found');
    const ch = await client.conversations.info({ channel: 'C0DROPS01', include_num_members: true });
    expect(ch.channel).toMatchObject({ id: 'C0DROPS01', name: 'dr-ops', is_channel: true, is_private: false, is_member: true, num_members: 4 });
    expect((await slackError(client.conversations.info({ channel: 'C0NOPE' }))).error).toBe('channel_not_found');
  });

  it('accepts JSON bodies with a bearer token and form bodies with a token field', async () => {
    const json = await fetch(`${s.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: `Bearer ${s.token}` },
      body: JSON.stringify({ channel: 'C0GENERAL', text: 'json', blocks: [section('json')] }),
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ ok: true, message: { text: 'json', blocks: [section('json')] } });

    const form = new URLSearchParams({ token: s.token, channel: 'general', text: 'form', blocks: JSON.stringify([section('form')]) });
    const res = await fetch(`${s.apiUrl}chat.postMessage`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form });
    expect(await res.json()).toMatchObject({ ok: true, message: { text: 'form', blocks: [section('form')] } });

    const tokenInJson = await fetch(`${s.apiUrl}auth.test`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: s.token }) });
    expect(await tokenInJson.json()).toEqual({ ok: false, error: 'not_authed' });
    const unknown = await fetch(`${s.apiUrl}chat.meMessage`, { method: 'POST', headers: { Authorization: `Bearer ${s.token}` } });
    expect(await unknown.json()).toMatchObject({ ok: false, error: 'unknown_method' });
  });

  it('answers injected failures once, in order', async () => {
    s.slack.failNext('chat.update', { error: 'message_not_found' });
    const client = webClient(s.apiUrl, s.token);
    const { ts } = await client.chat.postMessage({ channel: 'general', text: 'a' });
    expect((await slackError(client.chat.update({ channel: 'C0GENERAL', ts: ts as string, text: 'b' }))).error).toBe('message_not_found');
    await expect(client.chat.update({ channel: 'C0GENERAL', ts: ts as string, text: 'b' })).resolves.toMatchObject({ ok: true });
  });
});
