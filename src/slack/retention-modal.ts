import type { RetentionPrompt } from '../recovery/retention-prompt';
import { parseChannelAndValue } from './approval-modal';
import { plain, section } from './blocks';
import { ACTION, BLOCK, CALLBACK, encodeRetentionValue, parseRetentionValue } from './ids';
import { escapeClip } from './mrkdwn';

/**
 * The typed confirmation before a production database's kept original is deleted: the resource's
 * id must be typed. Its private_metadata carries the prompt and the channel of the click; the
 * decision job re-checks rights, state and the typed text as for a button.
 */
export interface RetentionModalMetadata {
  promptId: string;
  channel: string;
}

export function parseRetentionModalMetadata(raw: unknown): RetentionModalMetadata | undefined {
  const m = parseChannelAndValue(raw, parseRetentionValue);
  return m && { promptId: m.value.promptId, channel: m.channel };
}

export function retentionDeletionView(p: RetentionPrompt, channel: string): Record<string, unknown> {
  const id = escapeClip(p.resourceId, 100);
  return {
    type: 'modal',
    callback_id: CALLBACK.typedRetentionDeletion,
    private_metadata: JSON.stringify({ channel, value: encodeRetentionValue({ promptId: p.id }) }),
    title: plain('Confirm deletion', 24),
    submit: plain('Delete', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(`You are about to delete \`${id}\`, kept from *${escapeClip(p.database, 63)}* (production) after run \`${escapeClip(p.retainedBy, 64)}\`. A final snapshot is taken first; the instance itself cannot be brought back.\nType *${id}* to confirm.`),
      {
        type: 'input',
        block_id: BLOCK.typedConfirmationInput,
        label: plain('Database identifier', 2000),
        element: { type: 'plain_text_input', action_id: ACTION.typedConfirmationInput, placeholder: plain(p.resourceId, 150) },
      },
    ],
  };
}

/** Exact match after trimming: an identifier is typed, not guessed. */
export function typedResourceMatches(typed: string, resourceId: string): boolean {
  return typed.trim() === resourceId;
}
