/**
 * Every action_id, block_id and callback_id Rewind puts into Slack, and the codecs for the values
 * buttons carry back. Values come back from the client and are untrusted: parsers accept exactly
 * the shape the builders produce and return undefined for anything else. Whatever a value says,
 * the server re-checks rights, run state and plan hash before acting on it.
 */

/** action_id of interactive elements; handlers register on these exact strings. */
export const ACTION = {
  approveGate: 'rewind.gate.approve',
  abortRun: 'rewind.run.abort',
  resumeRun: 'rewind.run.resume',
  /** Rolls back the cutover of a succeeded run (typed confirmation first when production). */
  rollbackCutover: 'rewind.run.rollback',
  /** Deletes a kept database whose retention is over (retention prompt). */
  deleteRetained: 'rewind.retention.delete',
  /** Keeps it for another retention period. */
  keepRetained: 'rewind.retention.keep',
  skipDrill: 'rewind.drill.skip',
  postponeDrill: 'rewind.drill.postpone',
  typedConfirmationInput: 'rewind.confirm.input',
} as const;

/** block_id of blocks Rewind renders; each appears at most once per message (Slack requires unique ids). */
export const BLOCK = {
  header: 'rewind.header',
  context: 'rewind.context',
  objective: 'rewind.rpo',
  checklist: 'rewind.steps',
  problem: 'rewind.problem',
  rto: 'rewind.rto',
  approvals: 'rewind.approvals',
  gatePrompt: 'rewind.gate.prompt',
  gateActions: 'rewind.gate.actions',
  rollbackActions: 'rewind.rollback.actions',
  summary: 'rewind.summary',
  preflightTarget: 'rewind.preflight.target',
  preflightPlan: 'rewind.preflight.plan',
  preflightObjectives: 'rewind.preflight.objectives',
  help: 'rewind.help',
  typedConfirmationInput: 'rewind.confirm',
  retentionBody: 'rewind.retention.body',
  retentionStatus: 'rewind.retention.status',
  retentionActions: 'rewind.retention.actions',
} as const;

/** callback_id of modals; view submissions are routed by these. */
export const CALLBACK = {
  typedConfirmation: 'rewind.modal.typed-confirmation',
  typedRollback: 'rewind.modal.typed-rollback',
  /** Deleting a production database's kept original: its identifier is typed. */
  typedRetentionDeletion: 'rewind.modal.typed-retention-deletion',
  abortReason: 'rewind.modal.abort-reason',
} as const;

export type ActionId = (typeof ACTION)[keyof typeof ACTION];
export type CallbackId = (typeof CALLBACK)[keyof typeof CALLBACK];

/** Matches every Rewind action_id, for registering one handler that dispatches. */
export const ACTION_ID_PATTERN = /^rewind\.[a-z.-]+$/;

/** Slack's limit on a button value; private_metadata allows 3000, so gate values fit there too. */
export const MAX_BUTTON_VALUE = 2000;

/**
 * What a gate button (approve, abort at a gate, typed-confirmation modal) carries; the rollback
 * button carries the same shape with gate "rollback", binding the click to the run's plan.
 */
export interface GateButtonValue {
  runId: string;
  gate: string;
  planHash: string;
}

/** A value that names only a run (resume, drill skip/postpone). */
export interface RunButtonValue {
  runId: string;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const GATE = /^[a-z][a-z0-9_-]{0,31}$/;
const PLAN_HASH = /^[0-9a-f]{8,64}$/;

/** JSON with keys in a fixed order; throws when a field would not parse back (a bug, not input). */
export function encodeGateValue(v: GateButtonValue): string {
  const text = JSON.stringify({ runId: v.runId, gate: v.gate, planHash: v.planHash });
  if (parseGateValue(text) === undefined) throw new Error(`cannot encode gate value ${text}: run id, gate or plan hash has an unexpected shape`);
  return text;
}

export function parseGateValue(raw: unknown): GateButtonValue | undefined {
  const o = parseObject(raw, ['gate', 'planHash', 'runId']);
  if (o === undefined) return undefined;
  const { runId, gate, planHash } = o;
  if (!matches(runId, RUN_ID) || !matches(gate, GATE) || !matches(planHash, PLAN_HASH)) return undefined;
  return { runId, gate, planHash };
}

export function encodeRunValue(v: RunButtonValue): string {
  const text = JSON.stringify({ runId: v.runId });
  if (parseRunValue(text) === undefined) throw new Error(`cannot encode run value ${text}: the run id has an unexpected shape`);
  return text;
}

export function parseRunValue(raw: unknown): RunButtonValue | undefined {
  const o = parseObject(raw, ['runId']);
  if (o === undefined || !matches(o.runId, RUN_ID)) return undefined;
  return { runId: o.runId };
}

/** What the buttons of a retention prompt carry: only the prompt; the server looks up the rest. */
export interface RetentionButtonValue {
  promptId: string;
}

const PROMPT_ID = /^[1-9][0-9]{0,17}$/;

export function encodeRetentionValue(v: RetentionButtonValue): string {
  const text = JSON.stringify({ promptId: v.promptId });
  if (parseRetentionValue(text) === undefined) throw new Error(`cannot encode retention value ${text}: unexpected prompt id`);
  return text;
}

export function parseRetentionValue(raw: unknown): RetentionButtonValue | undefined {
  const o = parseObject(raw, ['promptId']);
  if (o === undefined || !matches(o.promptId, PROMPT_ID)) return undefined;
  return { promptId: o.promptId };
}

/** A plain JSON object with exactly `keys` (sorted), from a string of at most MAX_BUTTON_VALUE chars. */
function parseObject(raw: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_BUTTON_VALUE) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const own = Object.keys(value).sort();
  if (own.length !== keys.length || own.some((k, i) => k !== keys[i])) return undefined;
  return value as Record<string, unknown>;
}

function matches(value: unknown, pattern: RegExp): value is string {
  return typeof value === 'string' && pattern.test(value);
}
