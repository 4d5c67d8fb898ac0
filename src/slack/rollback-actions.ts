import { cutoverRollbackOf, replacedDeletionOf } from '../recovery/cutover-rollback';
import type { Run } from '../recovery/run';
import { actions, button, confirmDialog, type ActionsBlock } from './blocks';
import { ACTION, BLOCK, encodeGateValue } from './ids';

/**
 * The "Roll back cutover" button of a succeeded run that cut over: it points applications back
 * at the database the cutover replaced (kept under retention). It carries the run and its plan
 * hash like a gate button; the server re-checks rights and state on every click. A production
 * database's rollback asks for its name to be typed; others ask in a confirm dialog.
 */

/** The gate name rollback buttons and modals carry. */
export const ROLLBACK_GATE = 'rollback';

export function canOfferRollback(run: Pick<Run, 'status' | 'steps' | 'meta'>): boolean {
  return run.status === 'succeeded' && cutoverRollbackOf(run) === undefined && replacedDeletionOf(run) === undefined && run.steps.some((s) => s.kind === 'cutover' && s.status === 'succeeded' && !s.compensatedAt);
}

export function rollbackBlock(run: Run, production: boolean): ActionsBlock | undefined {
  if (!canOfferRollback(run)) return undefined;
  const value = encodeGateValue({ runId: run.id, gate: ROLLBACK_GATE, planHash: run.planHash });
  const rollback = production
    ? button({ text: 'Roll back cutover…', actionId: ACTION.rollbackCutover, value, style: 'danger' })
    : button({
        text: 'Roll back cutover',
        actionId: ACTION.rollbackCutover,
        value,
        style: 'danger',
        confirm: confirmDialog({
          title: 'Roll back the cutover?',
          text: `Point applications back at the database the cutover of ${run.database} replaced. The restored copy is kept: writes made to it since the cutover stay only there.`,
          confirm: 'Roll back',
          deny: 'Keep it',
          style: 'danger',
        }),
      });
  return actions([rollback], BLOCK.rollbackActions);
}
