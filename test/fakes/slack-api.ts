import { FakeSlack, type FakeSlackOptions } from '../../src/console/slack-api-server';

export { FakeSlack } from '../../src/console/slack-api-server';
export type { FakeSlackOptions, InjectedFailure, StartedSlackApi } from '../../src/console/slack-api-server';
export type { CallRecord, SlackEvent, SlackEventMap } from '../../src/console/slack-events';
export type { EphemeralMessage, SlackMessage } from '../../src/console/slack-message-store';
export type { SlackView } from '../../src/console/slack-views';

export interface RunningFakeSlack {
  slack: FakeSlack;
  url: string;
  /** For `new WebClient(token, { slackApiUrl: apiUrl })` and Bolt's `clientOptions.slackApiUrl`. */
  apiUrl: string;
  /** The workspace's bot token. */
  token: string;
  close(): Promise<void>;
}

/** Starts a local Slack Web API on a free loopback port. */
export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<RunningFakeSlack> {
  const slack = new FakeSlack(opts);
  const { url, apiUrl, close } = await slack.start();
  return { slack, url, apiUrl, token: slack.token, close };
}
