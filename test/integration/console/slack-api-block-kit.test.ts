import { startFakeSlack, type RunningFakeSlack } from '../../fakes/slack-api';
import { slackError, webClient } from './web-client';
import type { WebClient } from '@slack/web-api';

const plain = (text: string) => ({ type: 'plain_text', text });
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (over: Record<string, unknown> = {}) => ({ type: 'button', text: plain('Approve'), action_id: 'approve', value: 'run-1', ...over });
const actions = (...elements: unknown[]) => ({ type: 'actions', elements });

describe('local Slack refuses what Slack refuses, with Slack\'s error codes', () => {
  let s: RunningFakeSlack;
  let client: WebClient;
  beforeEach(async () => {
    s = await startFakeSlack();
    client = webClient(s.apiUrl, s.token);
  });
  afterEach(() => s.close());

  const post = (blocks: unknown[], text = 'fallback') => client.chat.postMessage({ channel: 'C0GENERAL', text, blocks: blocks as never });

  it('accepts every block type Rewind uses at its limits', async () => {
    const blocks = [
      { type: 'header', text: plain('h'.repeat(150)) },
      { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3000) }, accessory: button({ action_id: 'a'.repeat(255) }) },
      { type: 'section', fields: Array.from({ length: 10 }, (_, i) => ({ type: 'mrkdwn', text: `*f${i}*` })) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'RTO 30 min' }, { type: 'image', image_url: 'https://x/y.png', alt_text: 'icon' }] },
      { type: 'divider' },
      actions(
        button({ text: plain('b'.repeat(75)), value: 'v'.repeat(2000), style: 'primary' }),
        button({
          action_id: 'abort',
          style: 'danger',
          confirm: { title: plain('Abort?'), text: { type: 'mrkdwn', text: 'Really abort?' }, confirm: plain('Abort'), deny: plain('Keep going'), style: 'danger' },
        }),
      ),
      ...Array.from({ length: 44 }, () => ({ type: 'divider' })),
    ];
    expect(blocks).toHaveLength(50);
    await expect(post(blocks)).resolves.toMatchObject({ ok: true });
  });

  it('refuses a 51st block with invalid_blocks and Slack\'s message', async () => {
    const { error, data } = await slackError(post(Array.from({ length: 51 }, () => ({ type: 'divider' }))));
    expect(error).toBe('invalid_blocks');
    expect(data.errors).toEqual(['no more than 50 items allowed [json-pointer:/blocks]']);
    expect(data.response_metadata).toMatchObject({ messages: ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'] });
  });

  it.each([
    ['section text over 3000', [section('s'.repeat(3001))], 'must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    ['header over 150', [{ type: 'header', text: plain('h'.repeat(151)) }], 'must be less than 151 characters [json-pointer:/blocks/0/text/text]'],
    ['header in mrkdwn', [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], 'must be one of: plain_text [json-pointer:/blocks/0/text/type]'],
    ['button text over 75', [actions(button({ text: plain('b'.repeat(76)) }))], 'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]'],
    ['action_id over 255', [actions(button({ action_id: 'a'.repeat(256) }))], 'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]'],
    ['value over 2000', [actions(button({ value: 'v'.repeat(2001) }))], 'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]'],
    ['unknown button style', [actions(button({ style: 'secondary' }))], 'must be one of: primary, danger [json-pointer:/blocks/0/elements/0/style]'],
    ['confirm without deny', [actions(button({ confirm: { title: plain('t'), text: plain('x'), confirm: plain('y') } }))], 'missing required field [json-pointer:/blocks/0/elements/0/confirm/deny]'],
    ['duplicate action_id', [actions(button(), button())], 'duplicate action_id: approve [json-pointer:/blocks/0/elements/1/action_id]'],
    ['duplicate block_id', [{ type: 'divider', block_id: 'x' }, { type: 'divider', block_id: 'x' }], 'duplicate block_id: x [json-pointer:/blocks/1/block_id]'],
    ['section without text', [{ type: 'section' }], 'must provide text or fields [json-pointer:/blocks/0]'],
    ['misspelt field', [{ type: 'section', text: plain('x'), acessory: button() }], 'unsupported field: acessory [json-pointer:/blocks/0/acessory]'],
    ['unknown block type', [{ type: 'rich_text', elements: [] }], 'failed to match all allowed schemas (unsupported block type: rich_text) [json-pointer:/blocks/0]'],
  ])('refuses %s with invalid_blocks', async (_name, blocks, problem) => {
    const { error, data } = await slackError(post(blocks));
    expect(error).toBe('invalid_blocks');
    expect(data.errors).toContain(problem);
  });

  it('refuses blocks that are not a JSON array with invalid_blocks_format', async () => {
    const form = new URLSearchParams({ channel: 'C0GENERAL', text: 'x', blocks: '[{"type":' });
    const res = await fetch(`${s.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${s.token}` },
      body: form,
    });
    expect(await res.json()).toEqual({ ok: false, error: 'invalid_blocks_format' });
  });

  it('refuses text over 40,000 characters with msg_too_long', async () => {
    expect((await slackError(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x'.repeat(40_001) }))).error).toBe('msg_too_long');
  });

  it('refuses blocks carrying more than 12,000 characters of text with msg_blocks_too_long', async () => {
    const blocks = Array.from({ length: 5 }, () => section('s'.repeat(2500)));
    expect((await slackError(post(blocks))).error).toBe('msg_blocks_too_long');
    await expect(post(blocks.slice(0, 4))).resolves.toMatchObject({ ok: true });
  });

  it('applies the same checks to chat.update and chat.postEphemeral', async () => {
    const { ts } = await post([section('ok')]);
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect((await slackError(client.chat.update({ channel: 'C0GENERAL', ts: ts as string, text: 'x', blocks: tooMany as never }))).error).toBe('invalid_blocks');
    expect((await slackError(client.chat.postEphemeral({ channel: 'C0GENERAL', user: 'U0BOB0001', text: 'x', blocks: tooMany as never }))).error).toBe('invalid_blocks');
    expect(s.slack.message('general', ts as string)?.blocks).toEqual([section('ok')]);
  });
});
