import { startFakeSlack, type RunningFakeSlack } from '../../fakes/slack-api';
import { webClient } from './web-client';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

async function respond(url: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('local Slack response URLs', () => {
  let s: RunningFakeSlack;
  let t: number;
  beforeEach(async () => {
    t = 1_700_000_000_000;
    s = await startFakeSlack({ now: () => t });
  });
  afterEach(() => s.close());

  it('replies ephemerally by default, in the channel on request, and replaces its last reply', async () => {
    const url = s.slack.createResponseUrl('dr-ops', 'alice');
    expect(url.startsWith(`${s.url}/response/`)).toBe(true);
    expect(await respond(url, { text: 'Planning…' })).toEqual({ status: 200, body: { ok: true } });
    expect(s.slack.ephemerals('alice')).toEqual([expect.objectContaining({ channel: 'C0DROPS01', text: 'Planning…', via: 'response_url' })]);

    expect((await respond(url, { replace_original: true, text: 'Planned', blocks: [section('*Planned*')] })).status).toBe(200);
    expect(s.slack.ephemerals('alice')).toEqual([expect.objectContaining({ text: 'Planned', blocks: [section('*Planned*')] })]);

    expect((await respond(url, { response_type: 'in_channel', text: 'Run r-1 started' })).status).toBe(200);
    expect(s.slack.messages('dr-ops')).toEqual([expect.objectContaining({ text: 'Run r-1 started', user: 'U0REWINDB', bot_id: 'B0REWIND1' })]);
    expect(s.slack.calls('response_url').map((c) => c.status)).toEqual([200, 200, 200]);
  });

  it('replaces or deletes the message a click came from', async () => {
    const { ts } = await webClient(s.apiUrl, s.token).chat.postMessage({ channel: 'C0DROPS01', text: 'Approve restore?' });
    const url = s.slack.createResponseUrl('dr-ops', 'bob', { original: { ts: ts as string } });
    await respond(url, { replace_original: true, text: 'Approved by bob' });
    expect(s.slack.message('dr-ops', ts as string)?.text).toBe('Approved by bob');
    await respond(url, { delete_original: true });
    expect(s.slack.messages('dr-ops')).toEqual([]);
  });

  it('works five times, then answers 404 used_url', async () => {
    const url = s.slack.createResponseUrl('general', 'bob');
    for (let i = 1; i <= 5; i += 1) expect((await respond(url, { text: `reply ${i}` })).status).toBe(200);
    expect(await respond(url, { text: 'sixth' })).toEqual({ status: 404, body: { ok: false, error: 'used_url' } });
    expect(s.slack.ephemerals('bob')).toHaveLength(5);
  });

  it('expires after 30 minutes with 404 expired_url', async () => {
    const url = s.slack.createResponseUrl('general', 'bob');
    t += 30 * 60_000;
    expect((await respond(url, { text: 'just in time' })).status).toBe(200);
    t += 1;
    expect(await respond(url, { text: 'too late' })).toEqual({ status: 404, body: { ok: false, error: 'expired_url' } });
    expect(await respond(`${s.url}/response/T0REWIND1-999-00`, { text: 'never issued' })).toMatchObject({ status: 404 });
  });

  it('refuses a bad payload with HTTP 400 and the Web API code', async () => {
    const url = s.slack.createResponseUrl('general', 'carol');
    expect(await respond(url, {})).toEqual({ status: 400, body: { ok: false, error: 'no_text' } });
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(await respond(url, { text: 'x', blocks: tooMany })).toMatchObject({ status: 400, body: { ok: false, error: 'invalid_blocks' } });
  });
});
