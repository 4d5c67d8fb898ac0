import type { Run } from '../recovery/run';
import { dataLossStatement } from '../recovery/target-time';
import { section, plain } from './blocks';
import { BLOCK, CALLBACK, ACTION, encodeGateValue, parseGateValue, type GateButtonValue } from './ids';
import { escapeClip } from './mrkdwn';

/**
 * The typed confirmation before a production cutover: a modal that asks for the database's name.
 * Its private_metadata carries the gate value and the channel of the click; Slack keeps it on
 * its side, yet the approval job re-checks everything as for a button.
 */

export interface ModalMetadata {
  value: GateButtonValue;
  channel: string;
}

const CHANNEL = /^[CGD][A-Z0-9]{6,}$/;

export function encodeModalMetadata(m: ModalMetadata): string {
  return JSON.stringify({ channel: m.channel, value: encodeGateValue(m.value) });
}

export function parseModalMetadata(raw: unknown): ModalMetadata | undefined {
  return parseChannelAndValue(raw, parseGateValue);
}

/**
 * The private_metadata of Rewind's confirmation modals: `{ channel, value }` where value is a
 * button value (untrusted, parsed by `parseValue`) and channel the conversation of the click.
 */
export function parseChannelAndValue<T>(raw: unknown, parseValue: (v: unknown) => T | undefined): { value: T; channel: string } | undefined {
  if (typeof raw !== 'string' || raw.length > 3000) return undefined;
  try {
    const o = JSON.parse(raw) as { channel?: unknown; value?: unknown };
    const value = parseValue(o.value);
    if (value === undefined || typeof o.channel !== 'string' || !CHANNEL.test(o.channel)) return undefined;
    return { value, channel: o.channel };
  } catch {
    return undefined;
  }
}

/** The modal for a production cutover (`rollback`: for rolling one back). */
export function typedConfirmationView(run: Run, value: GateButtonValue, channel: string, rollback = false): Record<string, unknown> {
  const db = escapeClip(run.database, 63);
  const what = rollback
    ? `You are about to point applications back at the database the cutover of *${db}* replaced (run \`${escapeClip(run.id, 64)}\`). Writes made to the restored copy since the cutover stay only there.`
    : `You are about to point applications at the restored copy of *${db}* (run \`${escapeClip(run.id, 64)}\`).\n${escapeClip(dataLossStatement(run.target), 300)}`;
  const text = `${what}\nType *${db}* to confirm.`;
  return {
    type: 'modal',
    callback_id: rollback ? CALLBACK.typedRollback : CALLBACK.typedConfirmation,
    private_metadata: encodeModalMetadata({ value, channel }),
    title: plain(rollback ? 'Confirm rollback' : 'Confirm cutover', 24),
    submit: plain(rollback ? 'Roll back' : 'Cut over', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(text),
      {
        type: 'input',
        block_id: BLOCK.typedConfirmationInput,
        label: plain('Database name', 2000),
        element: { type: 'plain_text_input', action_id: ACTION.typedConfirmationInput, placeholder: plain(run.database, 150) },
      },
    ],
  };
}

/** What was typed into the confirmation, or '' when nothing was. */
export function typedConfirmation(view: { state?: { values?: Record<string, Record<string, { value?: unknown }>> } }): string {
  const v = view.state?.values?.[BLOCK.typedConfirmationInput]?.[ACTION.typedConfirmationInput]?.value;
  return typeof v === 'string' ? v : '';
}
