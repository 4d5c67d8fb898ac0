import type { WebClient } from '@slack/web-api';
import { startFakeSlack, type RunningFakeSlack, type SlackView } from '../../fakes/slack-api';
import { slackError, webClient } from './web-client';

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const confirmModal = (over: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  callback_id: 'confirm_cutover',
  private_metadata: JSON.stringify({ run: 'r-1' }),
  title: plain('Confirm cutover'),
  submit: plain('Cut over'),
  close: plain('Cancel'),
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: 'Type *orders-db* to confirm.' } },
    { type: 'input', block_id: 'typed', label: plain('Database name'), element: { type: 'plain_text_input', action_id: 'name', max_length: 63 } },
  ],
  ...over,
});

describe('local Slack modals', () => {
  let s: RunningFakeSlack;
  let client: WebClient;
  let t: number;
  beforeEach(async () => {
    t = 1_700_000_000_000;
    s = await startFakeSlack({ now: () => t });
    client = webClient(s.apiUrl, s.token);
  });
  afterEach(() => s.close());

  it('opens a modal for the person a trigger belongs to, then updates it by id or external_id', async () => {
    const opened: SlackView[] = [];
    s.slack.on('view.opened', ({ view }) => opened.push(view));
    const res = await client.views.open({ trigger_id: s.slack.createTriggerId('alice'), view: confirmModal({ external_id: 'run-r-1' }) });
    const view = res.view as { id: string; hash: string; callback_id: string; state: unknown };
    expect(view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'confirm_cutover', state: { values: {} }, team_id: 'T0REWIND1' });
    expect(opened.map((v) => v.user)).toEqual(['U0ALICE01']);
    expect(s.slack.views('alice')).toHaveLength(1);

    const updated = await client.views.update({ view_id: view.id, hash: view.hash, view: confirmModal({ title: plain('Cutover (2)') }) });
    expect(updated.view).toMatchObject({ id: view.id, title: plain('Cutover (2)') });
    expect(updated.view?.hash).not.toBe(view.hash);
    expect((await slackError(client.views.update({ view_id: view.id, hash: view.hash, view: confirmModal() }))).error).toBe('hash_conflict');
    await expect(client.views.update({ external_id: 'run-r-1', view: confirmModal({ title: plain('Cutover (3)') }) })).resolves.toMatchObject({ ok: true });
    expect((await slackError(client.views.update({ view_id: 'V0NOPE', view: confirmModal() }))).error).toBe('not_found');
  });

  it('spends each trigger once and only within 3 seconds', async () => {
    const trigger = s.slack.createTriggerId('bob');
    await client.views.open({ trigger_id: trigger, view: confirmModal() });
    expect((await slackError(client.views.open({ trigger_id: trigger, view: confirmModal() }))).error).toBe('exchanged_trigger_id');
    const late = s.slack.createTriggerId('bob');
    t += 3_001;
    expect((await slackError(client.views.open({ trigger_id: late, view: confirmModal() }))).error).toBe('expired_trigger_id');
    expect((await slackError(client.views.open({ trigger_id: '1.2.3', view: confirmModal() }))).error).toBe('invalid_trigger_id');
  });

  it('pushes up to three views, then answers push_limit_reached', async () => {
    await client.views.open({ trigger_id: s.slack.createTriggerId('carol'), view: confirmModal() });
    await client.views.push({ trigger_id: s.slack.createTriggerId('carol'), view: confirmModal() });
    const third = await client.views.push({ trigger_id: s.slack.createTriggerId('carol'), view: confirmModal() });
    expect(s.slack.views('carol')).toHaveLength(3);
    expect((await slackError(client.views.push({ trigger_id: s.slack.createTriggerId('carol'), view: confirmModal() }))).error).toBe('push_limit_reached');
    const closed: string[] = [];
    s.slack.on('view.closed', ({ view }) => closed.push(view.id));
    s.slack.closeView(third.view?.id as string);
    expect(closed).toEqual([third.view?.id]);
    expect(s.slack.views('carol')).toHaveLength(2);
  });

  it.each([
    ['a title over 24 characters', confirmModal({ title: plain('t'.repeat(25)) }), 'must be less than 25 characters [json-pointer:/view/title/text]'],
    ['an input without submit', confirmModal({ submit: undefined }), 'must provide submit when blocks contain an input [json-pointer:/view/submit]'],
    ['101 blocks', confirmModal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }), 'no more than 100 items allowed [json-pointer:/view/blocks]'],
    ['private_metadata over 3000', confirmModal({ private_metadata: 'm'.repeat(3001) }), 'must be less than 3001 characters [json-pointer:/view/private_metadata]'],
    [
      'an input longer than 3000',
      confirmModal({ blocks: [{ type: 'input', label: plain('x'), element: { type: 'plain_text_input', max_length: 3001 } }] }),
      'must be between 1 and 3000 [json-pointer:/view/blocks/0/element/max_length]',
    ],
  ])('refuses %s with invalid_arguments and keeps the trigger', async (_name, view, problem) => {
    const trigger = s.slack.createTriggerId('alice');
    const { error, data } = await slackError(client.views.open({ trigger_id: trigger, view: view as never }));
    expect(error).toBe('invalid_arguments');
    expect(data.response_metadata).toMatchObject({ messages: expect.arrayContaining([`[ERROR] ${problem}`]) });
    await expect(client.views.open({ trigger_id: trigger, view: confirmModal() })).resolves.toMatchObject({ ok: true });
  });
});
