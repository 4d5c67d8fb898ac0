import type { RetainedResource } from '../providers/ports';

/**
 * A question Rewind asked in a channel: "this kept database is past its retain-until time —
 * delete it?". One per resource and retain-until; its status says where the answer stands.
 * `deciding` holds the prompt while one click is carried out, so two clicks never both act.
 */
export type RetentionPromptStatus = 'open' | 'deciding' | 'deleted' | 'kept' | 'gone';

export interface RetentionPrompt {
  id: string;
  database: string;
  provider: string;
  resourceId: string;
  role: RetainedResource['role'];
  retainUntil: Date;
  /** The run that asked to keep the resource. */
  retainedBy: string;
  channel: string;
  messageTs?: string;
  status: RetentionPromptStatus;
  decidedBy?: string;
  decidedAt?: Date;
  outcome: RetentionOutcome;
  updatedAt: Date;
}

/** What came of the last decision; `error` on an open prompt is why the last click did not work. */
export interface RetentionOutcome {
  finalSnapshot?: string;
  keptUntil?: string;
  error?: string;
  note?: string;
}
