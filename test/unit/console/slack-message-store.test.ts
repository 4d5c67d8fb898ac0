import { SlackMessageStore } from '../../../src/console/slack-message-store';

const base = { channel: 'C1', user: 'U1', team: 'T1', text: 'x' };

describe('SlackMessageStore', () => {
  it('issues unique, increasing timestamps in Slack\'s format even when the clock stands still', () => {
    const store = new SlackMessageStore(() => 1_700_000_000_123);
    expect([store.nextTs(), store.nextTs()]).toEqual(['1700000000.123000', '1700000000.123001']);
  });

  it('files a reply to a reply under the thread\'s parent', () => {
    const store = new SlackMessageStore(() => 1_000);
    const parent = store.post(base);
    const reply = store.post({ ...base, text: 'r1', thread_ts: parent.ts });
    const nested = store.post({ ...base, text: 'r2', thread_ts: reply.ts });
    expect(nested.thread_ts).toBe(parent.ts);
    expect(store.thread('C1', parent.ts).map((m) => m.text)).toEqual(['x', 'r1', 'r2']);
    expect(store.messages('C1')).toEqual([expect.objectContaining({ ts: parent.ts, reply_count: 2, latest_reply: nested.ts })]);
  });

  it('hands out copies', () => {
    const store = new SlackMessageStore(() => 1_000);
    const m = store.post({ ...base, blocks: [{ type: 'divider' }] });
    store.messages('C1')[0]?.blocks?.push({ type: 'divider' });
    expect(store.get('C1', m.ts)?.blocks).toHaveLength(1);
  });
});
