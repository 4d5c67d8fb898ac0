import { MESSAGE_BLOCKS_TEXT_MAX, MESSAGE_TEXT_MAX } from './block-kit-limits';
import { blocksTextLength, validateBlocks } from './block-kit-validator';
import { SlackApiError, blockKitError } from './slack-api-error';
import { json, isRecord, str, type Args } from './slack-args';
import type { MessageContent } from './slack-message-store';

export const MAX_ATTACHMENTS = 100;

/**
 * The text, blocks, attachments and metadata of a message being posted or updated, checked as
 * Slack checks them: `invalid_blocks_format` (not a JSON array), `invalid_blocks` (Block Kit
 * problems, listed), `invalid_attachments`, `too_many_attachments`, `msg_too_long` (text),
 * `msg_blocks_too_long` (text across blocks) and, when content is required, `no_text`.
 * Fields absent from the request stay undefined (chat.update keeps the old value for them).
 */
export function readMessageContent(args: Args, opts: { required: boolean }): Partial<MessageContent> {
  const content: Partial<MessageContent> = {};
  const text = str(args, 'text');
  if (text !== undefined) {
    if (text.length > MESSAGE_TEXT_MAX) throw new SlackApiError('msg_too_long');
    content.text = text;
  }
  const blocks = json(args, 'blocks', 'invalid_blocks_format');
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
    const problems = validateBlocks(blocks, 'message');
    if (problems.length > 0) throw blockKitError('invalid_blocks', problems);
    if (blocksTextLength(blocks) > MESSAGE_BLOCKS_TEXT_MAX) throw new SlackApiError('msg_blocks_too_long');
    content.blocks = blocks;
  }
  const attachments = json(args, 'attachments', 'invalid_attachments');
  if (attachments !== undefined) {
    if (!Array.isArray(attachments) || !attachments.every(isRecord)) throw new SlackApiError('invalid_attachments');
    if (attachments.length > MAX_ATTACHMENTS) throw new SlackApiError('too_many_attachments');
    const problems = attachments.flatMap((a, i) => (a.blocks === undefined ? [] : validateBlocks(a.blocks, 'message', `/attachments/${i}/blocks`)));
    if (problems.length > 0) throw blockKitError('invalid_attachments', problems);
    content.attachments = attachments;
  }
  const metadata = json(args, 'metadata', 'invalid_metadata_format');
  if (metadata !== undefined) {
    if (!isRecord(metadata) || typeof metadata.event_type !== 'string' || !isRecord(metadata.event_payload)) {
      throw new SlackApiError('invalid_metadata_format');
    }
    content.metadata = metadata;
  }
  const empty = !content.text && !content.blocks?.length && !content.attachments?.length;
  if (opts.required && empty) throw new SlackApiError('no_text');
  return content;
}
