import { patterned } from './text';

/** Slack user IDs (U… for regular workspaces, W… for Enterprise Grid). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{6,}$/;
/** Slack conversation IDs: public channels (C…), private channels (G…), direct messages (D…). */
export const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

/** A Slack user ID such as "U0123456789". Names and @mentions are refused: they change. */
export function slackUserIdSchema() {
  return patterned(
    SLACK_USER_ID,
    'a Slack user ID like "U0123456789"',
    'names and @mentions are not IDs: open the person\'s profile in Slack and use "Copy member ID"',
  );
}

/** A Slack channel ID such as "C0123456789". Channel names are refused: they can be renamed. */
export function slackChannelIdSchema() {
  return patterned(
    SLACK_CHANNEL_ID,
    'a Slack channel ID like "C0123456789"',
    'channel names are not IDs: open the channel details in Slack and copy the ID shown at the bottom',
  );
}
