import type { Args } from './slack-args';
import type { SlackEventBus } from './slack-events';
import type { SlackMessageStore } from './slack-message-store';
import type { SlackViews } from './slack-views';
import type { SlackUser, SlackWorkspace } from './slack-workspace';

/** What a Web API method handler may read and change; `caller` is the token's user. */
export interface MethodContext {
  workspace: SlackWorkspace;
  store: SlackMessageStore;
  views: SlackViews;
  events: SlackEventBus;
  caller: SlackUser;
  now: () => number;
}

/** Returns the success body without `ok`; refuses by throwing a SlackApiError. */
export type MethodHandler = (args: Args, ctx: MethodContext) => Record<string, unknown>;
