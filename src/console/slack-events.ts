import { EventEmitter } from 'node:events';
import type { EphemeralMessage, SlackMessage } from './slack-message-store';
import type { SlackView } from './slack-views';

/** One Web API call as the local Slack saw it (`args` never include the token). */
export interface CallRecord {
  method: string;
  args: Record<string, unknown>;
  /** Clock time (ms) the call arrived. */
  at: number;
  status: number;
  ok: boolean;
  error?: string;
}

/** What changed in the local Slack, for tests and for the browser console to mirror. */
export interface SlackEventMap {
  'message.posted': { channel: string; message: SlackMessage };
  'message.updated': { channel: string; message: SlackMessage; previous: SlackMessage };
  'message.deleted': { channel: string; ts: string };
  ephemeral: { user: string; channel: string; message: EphemeralMessage };
  'ephemeral.updated': { user: string; channel: string; message: EphemeralMessage };
  'ephemeral.deleted': { user: string; ts: string };
  'view.opened': { user: string; view: SlackView };
  'view.pushed': { user: string; view: SlackView };
  'view.updated': { user: string; view: SlackView };
  'view.closed': { user: string; view: SlackView };
  call: CallRecord;
}

export type SlackEventType = keyof SlackEventMap;
export type SlackEvent = { [K in SlackEventType]: { type: K } & SlackEventMap[K] }[SlackEventType];

/** Typed events; every event is also delivered to `onAny` listeners with its `type`. */
export class SlackEventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit<K extends SlackEventType>(type: K, payload: SlackEventMap[K]): void {
    this.emitter.emit(type, payload);
    this.emitter.emit('*', { type, ...payload });
  }

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<K extends SlackEventType>(type: K, listener: (payload: SlackEventMap[K]) => void): () => void {
    this.emitter.on(type, listener);
    return () => this.emitter.off(type, listener);
  }

  onAny(listener: (event: SlackEvent) => void): () => void {
    this.emitter.on('*', listener);
    return () => this.emitter.off('*', listener);
  }
}
