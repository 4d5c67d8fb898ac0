import { randomBytes } from 'node:crypto';
import { SlackApiError } from './slack-api-error';

/**
 * Modals as Slack keeps them: one-use trigger IDs that expire after 3 seconds, a stack of at
 * most 3 views per person (`views.push`), and a `hash` that changes on every update so a stale
 * `views.update` is refused with `hash_conflict`.
 */
export const TRIGGER_TTL_MS = 3_000;
export const VIEW_STACK_MAX = 3;

export interface SlackView {
  id: string;
  team_id: string;
  app_id: string;
  bot_id: string;
  type: 'modal';
  title: unknown;
  blocks: unknown[];
  close: unknown;
  submit: unknown;
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, unknown> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  submit_disabled: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  /** The person the modal is shown to (not part of Slack's view object). */
  user: string;
}

interface Trigger {
  user: string;
  issuedAt: number;
  used: boolean;
}

type Owner = Pick<SlackView, 'team_id' | 'app_id' | 'bot_id'>;

export class SlackViews {
  private readonly triggers = new Map<string, Trigger>();
  private readonly stacks = new Map<string, SlackView[]>();
  private seq = 0;

  constructor(
    private readonly now: () => number,
    private readonly owner: Owner,
  ) {}

  /** A trigger ID as Slack puts in a slash command, button click or view submission. */
  createTriggerId(user: string): string {
    const id = `${Math.floor(this.now() / 1000)}.${++this.seq}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, { user, issuedAt: this.now(), used: false });
    return id;
  }

  /** Spends a trigger; returns the person it was issued for. */
  consumeTrigger(triggerId: unknown): string {
    const t = typeof triggerId === 'string' ? this.triggers.get(triggerId) : undefined;
    if (!t) throw new SlackApiError('invalid_trigger_id');
    if (t.used) throw new SlackApiError('exchanged_trigger_id');
    if (this.now() - t.issuedAt > TRIGGER_TTL_MS) throw new SlackApiError('expired_trigger_id');
    t.used = true;
    return t.user;
  }

  private build(user: string, input: Record<string, unknown>, root: string | undefined, previous: string | null): SlackView {
    const id = `V${(++this.seq).toString(36).toUpperCase().padStart(8, '0')}`;
    return {
      id,
      ...this.owner,
      type: 'modal',
      title: input.title,
      blocks: Array.isArray(input.blocks) ? input.blocks : [],
      close: input.close ?? null,
      submit: input.submit ?? null,
      private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
      callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
      external_id: typeof input.external_id === 'string' ? input.external_id : '',
      state: { values: {} },
      hash: this.newHash(),
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      submit_disabled: input.submit_disabled === true,
      root_view_id: root ?? id,
      previous_view_id: previous,
      user,
    };
  }

  private newHash(): string {
    return `${Math.floor(this.now() / 1000)}.${randomBytes(6).toString('hex')}`;
  }

  private checkExternalId(input: Record<string, unknown>, except?: string): void {
    const ext = input.external_id;
    if (typeof ext !== 'string' || ext === '') return;
    if (this.all().some((v) => v.external_id === ext && v.id !== except)) throw new SlackApiError('duplicate_external_id');
  }

  /** Opens a new modal for `user`; any modal already open for them is closed and returned. */
  open(user: string, input: Record<string, unknown>): { view: SlackView; closed: SlackView[] } {
    this.checkExternalId(input);
    const closed = this.stacks.get(user) ?? [];
    const view = this.build(user, input, undefined, null);
    this.stacks.set(user, [view]);
    return { view: structuredClone(view), closed: structuredClone(closed) };
  }

  push(user: string, input: Record<string, unknown>): SlackView {
    const stack = this.stacks.get(user);
    const top = stack?.at(-1);
    if (!stack || !top) throw new SlackApiError('not_found');
    if (stack.length >= VIEW_STACK_MAX) throw new SlackApiError('push_limit_reached');
    this.checkExternalId(input);
    const view = this.build(user, input, top.root_view_id, top.id);
    stack.push(view);
    return structuredClone(view);
  }

  /** Replaces a view found by `view_id` or `external_id`, keeping its place, state and external_id. */
  update(ref: { viewId?: string; externalId?: string; hash?: string }, input: Record<string, unknown>): SlackView {
    const current = this.all().find((v) => (ref.viewId ? v.id === ref.viewId : ref.externalId !== undefined && v.external_id === ref.externalId));
    if (!current) throw new SlackApiError('not_found');
    if (ref.hash !== undefined && ref.hash !== current.hash) throw new SlackApiError('hash_conflict');
    this.checkExternalId(input, current.id);
    const next = this.build(current.user, input, current.root_view_id, current.previous_view_id);
    const externalId = next.external_id || current.external_id;
    Object.assign(current, { ...next, id: current.id, state: current.state, external_id: externalId });
    return structuredClone(current);
  }

  /** Closes a view and every view pushed above it; returns what was closed. */
  close(viewId: string): SlackView[] {
    for (const [user, stack] of this.stacks) {
      const i = stack.findIndex((v) => v.id === viewId);
      if (i < 0) continue;
      const closed = stack.splice(i);
      if (stack.length === 0) this.stacks.delete(user);
      return structuredClone(closed);
    }
    return [];
  }

  get(viewId: string): SlackView | undefined {
    const v = this.all().find((x) => x.id === viewId);
    return v && structuredClone(v);
  }

  /** Open views, bottom of each stack first; only `user`'s when given. */
  list(user?: string): SlackView[] {
    return structuredClone(user === undefined ? this.all() : (this.stacks.get(user) ?? []));
  }

  private all(): SlackView[] {
    return [...this.stacks.values()].flat();
  }
}
