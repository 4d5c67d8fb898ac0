/**
 * Ids of the drill messages and modals, and the codecs for what their buttons and views carry.
 * The prefix is "rewind-drill." rather than "rewind.": the Slack listeners acknowledge every
 * "rewind.*" action themselves, and Bolt refuses a second acknowledgement, so drill actions
 * have listeners of their own (registerDrillHandlers). Values are untrusted: parsers accept
 * exactly what the builders produce, and the server re-checks rights and state on every use.
 */

export const DRILL_ACTION = {
  skip: 'rewind-drill.skip',
  postpone: 'rewind-drill.postpone',
  reasonInput: 'rewind-drill.reason',
  postponeBy: 'rewind-drill.postpone-by',
} as const;

export const DRILL_BLOCK = {
  header: 'rewind-drill.header',
  body: 'rewind-drill.body',
  context: 'rewind-drill.context',
  actions: 'rewind-drill.actions',
  objectives: 'rewind-drill.objectives',
  steps: 'rewind-drill.steps',
  checks: 'rewind-drill.checks',
  teardown: 'rewind-drill.teardown',
  problem: 'rewind-drill.problem',
  reason: 'rewind-drill.reason',
  postponeBy: 'rewind-drill.postpone-by',
  list: 'rewind-drill.list',
} as const;

export const DRILL_CALLBACK = {
  skip: 'rewind-drill.modal.skip',
  postpone: 'rewind-drill.modal.postpone',
} as const;

/** Drill ids as newDrillId makes them ("d-k3m9qz"). */
export const DRILL_ID = /^d-[a-z0-9]{4,16}$/;
const CHANNEL = /^[CGD][A-Z0-9]{6,}$/;

export function encodeDrillValue(drillId: string): string {
  if (!DRILL_ID.test(drillId)) throw new Error(`cannot encode drill id ${JSON.stringify(drillId)}: unexpected shape`);
  return JSON.stringify({ drillId });
}

export function parseDrillValue(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 200) return undefined;
  try {
    const o = JSON.parse(raw) as Record<string, unknown>;
    const keys = Object.keys(o);
    return keys.length === 1 && typeof o.drillId === 'string' && DRILL_ID.test(o.drillId) ? o.drillId : undefined;
  } catch {
    return undefined;
  }
}

export interface DrillModalMetadata {
  drillId: string;
  channel: string;
}

export function encodeDrillModalMetadata(m: DrillModalMetadata): string {
  if (!DRILL_ID.test(m.drillId) || !CHANNEL.test(m.channel)) throw new Error(`cannot encode drill modal metadata ${JSON.stringify(m)}`);
  return JSON.stringify({ channel: m.channel, drillId: m.drillId });
}

export function parseDrillModalMetadata(raw: unknown): DrillModalMetadata | undefined {
  if (typeof raw !== 'string' || raw.length > 300) return undefined;
  try {
    const o = JSON.parse(raw) as Record<string, unknown>;
    if (typeof o.drillId !== 'string' || !DRILL_ID.test(o.drillId) || typeof o.channel !== 'string' || !CHANNEL.test(o.channel)) return undefined;
    return { drillId: o.drillId, channel: o.channel };
  } catch {
    return undefined;
  }
}
