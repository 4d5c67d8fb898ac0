import type { EphemeralMessage, SlackMessage } from './slack-message-store';
import type { SlackView } from './slack-views';
import type { SlackChannel, SlackUser, SlackWorkspace } from './slack-workspace';

/**
 * The bodies Slack sends an app: slash commands as a form, interactions as a form whose
 * `payload` field holds JSON. Field names and nesting follow Slack's published payloads so
 * Bolt's parsers and middleware (command, action, view) accept them unchanged.
 */

/** Slack's deprecated verification token; still sent, never to be relied upon. */
export const LOCAL_VERIFICATION_TOKEN = 'rewind-local-verification-token';

/** Where a clicked button lives; ephemeral messages carry no `message` in the payload, as in Slack. */
export type ActionSource =
  | { kind: 'message'; channel: SlackChannel; message: SlackMessage }
  | { kind: 'ephemeral'; channel: SlackChannel; message: EphemeralMessage }
  | { kind: 'view'; view: SlackView };

export interface ClickedButton {
  action_id: string;
  block_id: string;
  value?: string;
  text?: unknown;
  style?: string;
  url?: string;
}

/** Stable IDs for blocks and elements that have none (Slack invents random ones; the page and server must agree). */
export function blockIdAt(block: Record<string, unknown>, index: number): string {
  return typeof block.block_id === 'string' ? block.block_id : `block-${index}`;
}

export function actionIdAt(element: Record<string, unknown>, index: number): string {
  return typeof element.action_id === 'string' ? element.action_id : `action-${index}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The button a click names, looked up in the blocks the local Slack holds (not what the page claims). */
export function findButton(blocks: unknown, blockId: string, actionId: string): ClickedButton | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const [i, block] of blocks.entries()) {
    if (!isRecord(block)) continue;
    const bid = blockIdAt(block, i);
    if (blockId !== '' && bid !== blockId) continue;
    const elements = block.type === 'actions' && Array.isArray(block.elements) ? block.elements : [block.accessory];
    for (const [j, el] of elements.entries()) {
      if (!isRecord(el) || el.type !== 'button' || actionIdAt(el, j) !== actionId) continue;
      return {
        action_id: actionId,
        block_id: bid,
        text: el.text,
        ...(typeof el.value === 'string' ? { value: el.value } : {}),
        ...(typeof el.style === 'string' ? { style: el.style } : {}),
        ...(typeof el.url === 'string' ? { url: el.url } : {}),
      };
    }
  }
  return undefined;
}

function userRef(ws: SlackWorkspace, user: SlackUser): Record<string, unknown> {
  return { id: user.id, username: user.name, name: user.name, team_id: ws.team.id };
}

function team(ws: SlackWorkspace): Record<string, unknown> {
  return { id: ws.team.id, domain: ws.team.domain };
}

export function slashCommandForm(c: {
  workspace: SlackWorkspace;
  channel: SlackChannel;
  user: SlackUser;
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}): string {
  const ws = c.workspace;
  return new URLSearchParams({
    token: LOCAL_VERIFICATION_TOKEN,
    team_id: ws.team.id,
    team_domain: ws.team.domain,
    channel_id: c.channel.id,
    channel_name: c.channel.name,
    user_id: c.user.id,
    user_name: c.user.name,
    command: c.command,
    text: c.text,
    api_app_id: ws.bot.appId,
    is_enterprise_install: 'false',
    response_url: c.responseUrl,
    trigger_id: c.triggerId,
  }).toString();
}

/** A form body of one `payload` field, as interactions are sent. */
export function interactionForm(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function withoutChannel<T extends { channel: string }>(m: T): Omit<T, 'channel'> {
  const { channel: _channel, ...rest } = m;
  return rest;
}

/** The view as Slack sends it in payloads: no local `user` field, state as given. */
export function payloadView(view: SlackView, values: Record<string, unknown> = view.state.values): Record<string, unknown> {
  const { user: _user, ...rest } = view;
  return { ...rest, state: { values } };
}

export function blockActionsPayload(c: {
  workspace: SlackWorkspace;
  user: SlackUser;
  source: ActionSource;
  button: ClickedButton;
  triggerId: string;
  responseUrl?: string;
  actionTs: string;
}): Record<string, unknown> {
  const ws = c.workspace;
  const { button: b, source } = c;
  const action = {
    type: 'button',
    action_id: b.action_id,
    block_id: b.block_id,
    text: b.text,
    ...(b.value === undefined ? {} : { value: b.value }),
    ...(b.style === undefined ? {} : { style: b.style }),
    ...(b.url === undefined ? {} : { url: b.url }),
    action_ts: c.actionTs,
  };
  const common = {
    type: 'block_actions',
    user: userRef(ws, c.user),
    api_app_id: ws.bot.appId,
    token: LOCAL_VERIFICATION_TOKEN,
    trigger_id: c.triggerId,
    team: team(ws),
    enterprise: null,
    is_enterprise_install: false,
  };
  if (source.kind === 'view') {
    return {
      ...common,
      container: { type: 'view', view_id: source.view.id },
      view: payloadView(source.view),
      state: { values: source.view.state.values },
      actions: [action],
    };
  }
  const m = source.message;
  const thread = m.thread_ts !== undefined && m.thread_ts !== m.ts ? { thread_ts: m.thread_ts } : {};
  return {
    ...common,
    container: { type: 'message', message_ts: m.ts, channel_id: source.channel.id, is_ephemeral: source.kind === 'ephemeral', ...thread },
    channel: { id: source.channel.id, name: source.channel.name },
    ...(source.kind === 'message' ? { message: withoutChannel(source.message) } : {}),
    state: { values: {} },
    ...(c.responseUrl === undefined ? {} : { response_url: c.responseUrl }),
    actions: [action],
  };
}

/** Typed values for a view's input blocks: `{block_id: {action_id: value}}` from the page. */
export type SubmittedValues = Record<string, Record<string, string | null | undefined> | undefined>;

/** `view.state.values` as Slack builds it: one entry per input block, `value: null` when empty. */
export function viewStateValues(view: SlackView, submitted: SubmittedValues): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  view.blocks.forEach((block, i) => {
    if (!isRecord(block) || block.type !== 'input' || !isRecord(block.element)) return;
    const bid = blockIdAt(block, i);
    const aid = actionIdAt(block.element, i);
    const typed = submitted[bid]?.[aid];
    values[bid] = { [aid]: { type: block.element.type, value: typeof typed === 'string' && typed !== '' ? typed : null } };
  });
  return values;
}

export function viewSubmissionPayload(c: {
  workspace: SlackWorkspace;
  user: SlackUser;
  view: SlackView;
  values: Record<string, Record<string, unknown>>;
  triggerId: string;
}): Record<string, unknown> {
  const ws = c.workspace;
  return {
    type: 'view_submission',
    team: team(ws),
    user: userRef(ws, c.user),
    api_app_id: ws.bot.appId,
    token: LOCAL_VERIFICATION_TOKEN,
    trigger_id: c.triggerId,
    view: payloadView(c.view, c.values),
    response_urls: [],
    enterprise: null,
    is_enterprise_install: false,
  };
}

/** Sent when a modal opened with `notify_on_close: true` is dismissed. */
export function viewClosedPayload(c: { workspace: SlackWorkspace; user: SlackUser; view: SlackView }): Record<string, unknown> {
  const ws = c.workspace;
  return {
    type: 'view_closed',
    team: team(ws),
    user: userRef(ws, c.user),
    api_app_id: ws.bot.appId,
    token: LOCAL_VERIFICATION_TOKEN,
    view: payloadView(c.view),
    is_cleared: false,
    enterprise: null,
    is_enterprise_install: false,
  };
}
