import { escapeCommandText } from './slack-escaping';
import { ackJson, deliverToBot, describeFailure, SLACK_ACK_TIMEOUT_MS, type BotOutcome } from './bot-delivery';
import {
  blockActionsPayload,
  findButton,
  interactionForm,
  slashCommandForm,
  viewClosedPayload,
  viewStateValues,
  viewSubmissionPayload,
  type ActionSource,
  type ClickedButton,
  type SubmittedValues,
} from './interaction-payloads';
import type { FakeSlack } from './slack-api-server';
import type { SlackChannel, SlackUser } from './slack-workspace';

/**
 * What the browser asks the local Slack to do on a person's behalf: run a slash command, click
 * a button, submit or close a modal, post a message. Each turns into the request Slack would
 * send the app; the app's answer (or its absence) comes back for the page to show.
 */
export interface UiResult {
  status: number;
  body: {
    ok: boolean;
    error?: string;
    /** The app's HTTP status and acknowledgement body, when it answered. */
    botStatus?: number;
    botBody?: string;
    responseAction?: string;
    /** `response_action: errors` of a view submission: block_id → message. */
    errors?: Record<string, string>;
    /** The timestamp of a message the page posted. */
    ts?: string;
  };
}

export interface InteractionOptions {
  slack: FakeSlack;
  botEventsUrl: string;
  signingSecret: string;
  /** The slash command the app registered; other commands are refused as Slack refuses them. */
  command: string;
  ackTimeoutMs?: number;
  now?: () => number;
}

/** A request the page should not have sent (unknown person, channel, message or view). */
class UiRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Input = Record<string, unknown>;

function field(input: Input, key: string): string | undefined {
  const v = input[key];
  return typeof v === 'string' ? v : undefined;
}

function required(input: Input, key: string): string {
  const v = field(input, key);
  if (v === undefined || v === '') throw new UiRefusal(400, `missing ${key}`);
  return v;
}

export class ConsoleInteractions {
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly o: InteractionOptions) {
    this.timeoutMs = o.ackTimeoutMs ?? SLACK_ACK_TIMEOUT_MS;
    this.now = o.now ?? Date.now;
  }

  /** Runs one UI request; refusals become 4xx results, never exceptions. */
  async run(kind: string, input: Input): Promise<UiResult> {
    try {
      switch (kind) {
        case 'command':
          return await this.command(input);
        case 'action':
          return await this.action(input);
        case 'view-submission':
          return await this.viewSubmission(input);
        case 'view-close':
          return await this.viewClose(input);
        case 'message':
          return this.message(input);
        default:
          return { status: 404, body: { ok: false, error: `unknown console request ${kind}` } };
      }
    } catch (err) {
      if (err instanceof UiRefusal) return { status: err.status, body: { ok: false, error: err.message } };
      throw err;
    }
  }

  private person(input: Input): SlackUser {
    const ref = required(input, 'user');
    const user = this.o.slack.workspace.user(ref);
    if (!user || user.isBot) throw new UiRefusal(400, `unknown user ${ref}`);
    return user;
  }

  private channel(input: Input): SlackChannel {
    const ref = required(input, 'channel');
    const channel = this.o.slack.workspace.channel(ref);
    if (!channel) throw new UiRefusal(400, `unknown channel ${ref}`);
    return channel;
  }

  private async deliver(what: string, body: string): Promise<{ outcome: BotOutcome; failed?: UiResult }> {
    const outcome = await deliverToBot({ url: this.o.botEventsUrl, signingSecret: this.o.signingSecret, timeoutMs: this.timeoutMs, now: this.now }, body);
    const answered = outcome.kind === 'answered' ? { botStatus: outcome.status, botBody: outcome.body } : {};
    const error = describeFailure(what, this.o.botEventsUrl, outcome, this.timeoutMs);
    return error === undefined ? { outcome } : { outcome, failed: { status: 502, body: { ok: false, error, ...answered } } };
  }

  private ok(outcome: BotOutcome, extra: UiResult['body'] = { ok: true }): UiResult {
    const answered = outcome.kind === 'answered' ? { botStatus: outcome.status, botBody: outcome.body } : {};
    return { status: 200, body: { ...answered, ...extra } };
  }

  private async command(input: Input): Promise<UiResult> {
    const user = this.person(input);
    const channel = this.channel(input);
    const raw = (field(input, 'text') ?? '').trim();
    const m = /^(\/\S+)(?:\s+([\s\S]*))?$/.exec(raw);
    const command = m?.[1] ?? this.o.command;
    const text = m ? (m[2] ?? '').trim() : raw;
    if (command !== this.o.command) {
      throw new UiRefusal(400, `${command} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`);
    }
    const responseUrl = this.o.slack.createResponseUrl(channel.id, user.id);
    const triggerId = this.o.slack.createTriggerId(user.id);
    const form = slashCommandForm({ workspace: this.o.slack.workspace, channel, user, command, text: escapeCommandText(text, this.o.slack.workspace), responseUrl, triggerId });
    const { outcome, failed } = await this.deliver(command, form);
    if (failed) return failed;
    // Slack shows a command's acknowledgement body as the reply (ephemeral unless in_channel).
    const ackBody = outcome.kind === 'answered' ? outcome.body.trim() : '';
    if (ackBody !== '') {
      const id = new URL(responseUrl).pathname.split('/').pop() ?? '';
      const payload = ackJson(outcome) ?? { text: ackBody };
      const shown = this.o.slack.respond(id, payload);
      if (shown.status !== 200) return { status: 502, body: { ok: false, error: `${command}: the bot's acknowledgement could not be shown (${String(shown.body.error)})` } };
    }
    return this.ok(outcome);
  }

  private actionSource(input: Input, user: SlackUser): ActionSource {
    const viewId = field(input, 'viewId');
    if (viewId) {
      const view = this.o.slack.views(user.id).find((v) => v.id === viewId);
      if (!view) throw new UiRefusal(404, `view ${viewId} is not open for ${user.name}`);
      return { kind: 'view', view };
    }
    const channel = this.channel(input);
    const ts = required(input, 'messageTs');
    const message = this.o.slack.message(channel.id, ts);
    if (message) return { kind: 'message', channel, message };
    const ephemeral = this.o.slack.ephemerals(user.id).find((e) => e.ts === ts);
    if (ephemeral) return { kind: 'ephemeral', channel, message: ephemeral };
    throw new UiRefusal(404, `message ${ts} not found`);
  }

  private async action(input: Input): Promise<UiResult> {
    const user = this.person(input);
    const source = this.actionSource(input, user);
    const actionId = required(input, 'actionId');
    const blockId = field(input, 'blockId') ?? '';
    const blocks = source.kind === 'view' ? source.view.blocks : source.message.blocks;
    // What the message holds wins; a button no longer there is sent as the page saw it, since
    // Slack also delivers clicks on stale messages and the app must re-check them.
    const value = field(input, 'value');
    const button: ClickedButton = findButton(blocks, blockId, actionId) ?? { action_id: actionId, block_id: blockId, ...(value === undefined ? {} : { value }) };
    const slack = this.o.slack;
    const responseUrl =
      source.kind === 'view'
        ? undefined
        : slack.createResponseUrl(source.channel.id, user.id, { original: { ts: source.message.ts, ephemeral: source.kind === 'ephemeral' } });
    const payload = blockActionsPayload({
      workspace: slack.workspace,
      user,
      source,
      button,
      triggerId: slack.createTriggerId(user.id),
      ...(responseUrl === undefined ? {} : { responseUrl }),
      actionTs: (this.now() / 1000).toFixed(6),
    });
    const { outcome, failed } = await this.deliver('The button', interactionForm(payload));
    return failed ?? this.ok(outcome);
  }

  private openView(input: Input, user: SlackUser) {
    const viewId = required(input, 'viewId');
    const view = this.o.slack.views(user.id).find((v) => v.id === viewId);
    if (!view) throw new UiRefusal(404, `view ${viewId} is not open for ${user.name}`);
    return view;
  }

  private async viewSubmission(input: Input): Promise<UiResult> {
    const user = this.person(input);
    const view = this.openView(input, user);
    const submitted = (typeof input.values === 'object' && input.values !== null ? input.values : {}) as SubmittedValues;
    const slack = this.o.slack;
    const values = viewStateValues(view, submitted);
    const payload = viewSubmissionPayload({ workspace: slack.workspace, user, view, values, triggerId: slack.createTriggerId(user.id) });
    const { outcome, failed } = await this.deliver('The form', interactionForm(payload));
    if (failed) return failed;
    const ack = ackJson(outcome);
    const action = typeof ack?.response_action === 'string' ? ack.response_action : undefined;
    if (action === 'errors') {
      const errors = typeof ack?.errors === 'object' && ack.errors !== null ? (ack.errors as Record<string, string>) : {};
      return this.ok(outcome, { ok: true, responseAction: 'errors', errors });
    }
    if (action === 'update' || action === 'push') {
      const args = action === 'update' ? { view_id: view.id, view: ack?.view } : { trigger_id: slack.createTriggerId(user.id), view: ack?.view };
      const result = slack.call(`views.${action}`, args, slack.token);
      if (result.body.ok !== true) {
        return { status: 502, body: { ok: false, error: `The form's response_action ${action} was refused: ${String(result.body.error)}` } };
      }
      return this.ok(outcome, { ok: true, responseAction: action });
    }
    slack.closeView(action === 'clear' ? view.root_view_id : view.id);
    return this.ok(outcome, { ok: true, ...(action ? { responseAction: action } : {}) });
  }

  private async viewClose(input: Input): Promise<UiResult> {
    const user = this.person(input);
    const view = this.openView(input, user);
    this.o.slack.closeView(view.id);
    if (!view.notify_on_close) return { status: 200, body: { ok: true } };
    const payload = viewClosedPayload({ workspace: this.o.slack.workspace, user, view });
    const { outcome, failed } = await this.deliver('Closing the form', interactionForm(payload));
    return failed ?? this.ok(outcome);
  }

  private message(input: Input): UiResult {
    const user = this.person(input);
    const channel = this.channel(input);
    const text = required(input, 'text');
    const threadTs = field(input, 'threadTs');
    const message = this.o.slack.postAsUser(channel.id, user.id, text, threadTs || undefined);
    return { status: 200, body: { ok: true, ts: message.ts } };
  }
}
