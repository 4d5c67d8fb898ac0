import { blocksTextLength, SLACK_LIMITS, type SlackMessage } from '../../src/slack/blocks';

/**
 * Every Slack limit a Rewind message must respect, checked independently of the builders'
 * own clamping: returns the violations as readable strings (empty when the message fits).
 */
export function slackLimitProblems(message: SlackMessage, maxBlocks: number = SLACK_LIMITS.messageBlocks): string[] {
  const problems: string[] = [];
  const { blocks } = message;
  if (blocks.length > maxBlocks) problems.push(`${blocks.length} blocks > ${maxBlocks}`);
  const total = blocksTextLength(blocks) + message.text.length;
  if (total > SLACK_LIMITS.messageText) problems.push(`total text ${total} > ${SLACK_LIMITS.messageText}`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    if (b.block_id !== undefined) {
      if (ids.has(b.block_id)) problems.push(`duplicate block_id ${b.block_id}`);
      ids.add(b.block_id);
    }
    const at = `block ${i} (${b.type})`;
    const check = (text: string, max: number, what: string) => {
      if (text.length === 0) problems.push(`${at}: empty ${what}`);
      if (text.length > max) problems.push(`${at}: ${what} is ${text.length} > ${max}`);
    };
    if (b.type === 'header') check(b.text.text, SLACK_LIMITS.headerText, 'header text');
    if (b.type === 'section') check(b.text.text, SLACK_LIMITS.sectionText, 'section text');
    if (b.type === 'context') {
      if (b.elements.length > SLACK_LIMITS.contextElements) problems.push(`${at}: ${b.elements.length} elements`);
      b.elements.forEach((e) => check(e.text, SLACK_LIMITS.contextText, 'context text'));
    }
    if (b.type === 'actions') {
      b.elements.forEach((e) => {
        check(e.text.text, SLACK_LIMITS.buttonText, 'button text');
        if (e.value !== undefined) check(e.value, SLACK_LIMITS.buttonValue, 'button value');
        if (e.confirm) {
          check(e.confirm.title.text, SLACK_LIMITS.confirmTitle, 'confirm title');
          check(e.confirm.text.text, SLACK_LIMITS.confirmText, 'confirm text');
          check(e.confirm.confirm.text, SLACK_LIMITS.confirmButton, 'confirm button');
          check(e.confirm.deny.text, SLACK_LIMITS.confirmButton, 'deny button');
        }
      });
    }
  });
  return problems;
}
