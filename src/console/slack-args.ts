import { SlackApiError } from './slack-api-error';

/**
 * Reading Web API arguments the way Slack does whatever the body was: form fields arrive as
 * strings (`"true"`, JSON text for `blocks`), JSON bodies as real values; both are accepted.
 */
export type Args = Record<string, unknown>;

/** A string argument; numbers are accepted as Slack accepts `ts` sent as a number. */
export function str(args: Args, key: string): string | undefined {
  const v = args[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

export function bool(args: Args, key: string): boolean {
  const v = args[key];
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** A JSON-valued argument: parsed when it came as text; `errorCode` when the text is not JSON. */
export function json(args: Args, key: string, errorCode: string): unknown {
  const v = args[key];
  if (typeof v !== 'string') return v;
  if (v.trim() === '') return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw new SlackApiError(errorCode);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Slack's timestamp shape, "<seconds>.<digits>". */
export function isTs(value: string): boolean {
  return /^\d+\.\d+$/.test(value);
}
