import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signSlackRequest } from '../../src/console/signing';

/**
 * A minimal Slack app for console tests: it verifies each request's v0 signature with
 * `signSlackRequest`, records what arrived, and drives a small approve/confirm flow through
 * the console's Web API — enough to exercise messages, buttons with confirms, threads,
 * ephemerals, edits and modals with validation errors.
 */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  raw: string;
  form: Record<string, string>;
  /** The parsed `payload` field of an interaction. */
  payload?: Record<string, unknown>;
  verified: boolean;
}

export interface TinyBot {
  url: string;
  eventsUrl: string;
  received: ReceivedRequest[];
  /** Set once the console is up: where the bot calls the Web API. */
  apiUrl: string;
  /** Next request is answered with this HTTP status (then back to normal). */
  failNextWith?: number;
  close(): Promise<void>;
}

export const TINY_BOT_TOKEN = 'xoxb-rewind-local';
export const CONFIRM_WORD = 'orders-db';

export function verifySignature(secret: string, headers: IncomingHttpHeaders, raw: string): boolean {
  const ts = headers['x-slack-request-timestamp'];
  const sig = headers['x-slack-signature'];
  if (typeof ts !== 'string' || typeof sig !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const expected = Buffer.from(signSlackRequest(secret, ts, raw));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const runBlocks = (db: string) => [
  { type: 'header', text: { type: 'plain_text', text: `PITR ${db}` } },
  {
    type: 'section',
    text: { type: 'mrkdwn', text: `*Restore* \`${db}\` to _10:02 UTC_ :hourglass_flowing_sand:\nRequested via <https://example.com/runs/1|run r-1>` },
    fields: [
      { type: 'mrkdwn', text: '*RTO*\n30 min' },
      { type: 'mrkdwn', text: '*RPO*\n5 min' },
    ],
  },
  { type: 'context', elements: [{ type: 'mrkdwn', text: 'Waiting for approval · two-person rule on' }] },
  { type: 'divider' },
  {
    type: 'actions',
    block_id: 'gate',
    elements: [
      {
        type: 'button',
        action_id: 'approve',
        style: 'primary',
        value: 'run-1:restore',
        text: { type: 'plain_text', text: 'Approve restore' },
        confirm: {
          title: { type: 'plain_text', text: 'Approve the restore?' },
          text: { type: 'mrkdwn', text: `This restores *${db}* into a new instance.` },
          confirm: { type: 'plain_text', text: 'Approve' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
      { type: 'button', action_id: 'open_form', value: 'run-1', text: { type: 'plain_text', text: 'Type to confirm…' } },
      { type: 'button', action_id: 'abort', style: 'danger', value: 'run-1', text: { type: 'plain_text', text: 'Abort' } },
    ],
  },
];

const confirmView = {
  type: 'modal',
  callback_id: 'typed_confirm',
  private_metadata: 'run-1',
  title: { type: 'plain_text', text: 'Confirm cutover' },
  submit: { type: 'plain_text', text: 'Cut over' },
  close: { type: 'plain_text', text: 'Cancel' },
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: 'Type the database name to cut over.' } },
    { type: 'input', block_id: 'db_name', label: { type: 'plain_text', text: 'Database name' }, element: { type: 'plain_text_input', action_id: 'value' } },
  ],
};

export async function startTinyBot(secret: string): Promise<TinyBot> {
  const bot: TinyBot = { url: '', eventsUrl: '', received: [], apiUrl: '', close: async () => undefined };

  /** A Web API call; a 429 is waited out for its Retry-After, as Slack asks. */
  const api = async (method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    for (;;) {
      const res = await fetch(`${bot.apiUrl}${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: `Bearer ${TINY_BOT_TOKEN}` },
        body: JSON.stringify(args),
      });
      const body = (await res.json()) as Record<string, unknown>;
      if (res.status === 429) {
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
        continue;
      }
      if (body.ok !== true) throw new Error(`${method}: ${String(body.error)}`);
      return body;
    }
  };

  let channel = '';
  /** What the bot does after acknowledging; errors surface in the test through missing results. */
  const after = async (r: ReceivedRequest): Promise<void> => {
    if (r.form.command) {
      channel = r.form.channel_id ?? '';
      await fetch(r.form.response_url ?? '', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: `Planning \`${r.form.text}\`…` }) });
      const db = (r.form.text ?? '').split(/\s+/)[1] ?? 'db';
      await api('chat.postMessage', { channel: r.form.channel_id, text: `PITR ${db}`, blocks: runBlocks(db) });
      return;
    }
    const p = r.payload ?? {};
    const user = (p.user as { id: string }).id;
    if (p.type === 'block_actions') {
      const action = (p.actions as { action_id: string }[])[0];
      const container = p.container as { channel_id: string; message_ts: string };
      if (action?.action_id === 'approve') {
        await api('chat.update', { channel: container.channel_id, ts: container.message_ts, text: 'Approved', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: Restore approved by <@${user}>` } }] });
        await api('chat.postMessage', { channel: container.channel_id, thread_ts: container.message_ts, text: `<@${user}> approved the restore gate` });
      } else if (action?.action_id === 'open_form') {
        await api('views.open', { trigger_id: p.trigger_id, view: confirmView });
      }
    } else if (p.type === 'view_submission') {
      const view = p.view as { private_metadata: string };
      await api('chat.postMessage', { channel, text: `Cutover of ${view.private_metadata} confirmed by <@${user}>` });
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const form = Object.fromEntries(new URLSearchParams(raw));
      const r: ReceivedRequest = { headers: req.headers, raw, form, verified: verifySignature(secret, req.headers, raw) };
      if (form.payload) r.payload = JSON.parse(form.payload) as Record<string, unknown>;
      bot.received.push(r);
      if (!r.verified) {
        res.writeHead(401).end('invalid signature');
        return;
      }
      if (bot.failNextWith !== undefined) {
        res.writeHead(bot.failNextWith).end('boom');
        delete bot.failNextWith;
        return;
      }
      const p = r.payload;
      const view = p?.view as { state: { values: Record<string, Record<string, { value: string | null }>> } } | undefined;
      if (p?.type === 'view_submission' && view?.state.values.db_name?.value?.value !== CONFIRM_WORD) {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ response_action: 'errors', errors: { db_name: `Type ${CONFIRM_WORD} to confirm` } }));
        return;
      }
      res.writeHead(200).end();
      after(r).catch((err: unknown) => console.error('tiny bot:', err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  bot.url = `http://127.0.0.1:${port}`;
  bot.eventsUrl = `${bot.url}/slack/events`;
  bot.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return bot;
}
