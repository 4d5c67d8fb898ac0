import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { RewindConfig } from '../config/schema';
import type { DrillChange } from '../drills/drill-decisions';
import type { DrillService } from '../drills/drill-service';
import { RewindError } from '../recovery/errors';
import { channelZone } from './channel-context';
import { DRILL_ACTION, DRILL_BLOCK, DRILL_CALLBACK, parseDrillModalMetadata, parseDrillValue } from './drill-ids';
import { drillChangeView, submittedPostponeMs, submittedReason } from './drill-modals';
import type { SlackClient } from './slack-api';

export interface DrillHandlerDeps {
  service: DrillService;
  client: SlackClient;
  config: RewindConfig;
  warn(obj: object, msg: string): void;
}

/**
 * The Skip and Postpone buttons of drill announcements and their modals. A click by someone who
 * may not change the drill is refused with an ephemeral explanation (and an audit row); anyone
 * else gets the modal, which must open while the click's trigger is valid (3 s). A submission is
 * validated before it is acknowledged, so a problem shows in the modal; then it is applied.
 * Call once per Bolt app, next to the other listeners.
 */
export function registerDrillHandlers(app: App, deps: DrillHandlerDeps): void {
  for (const change of ['skip', 'postpone'] as const) {
    app.action<BlockAction>(change === 'skip' ? DRILL_ACTION.skip : DRILL_ACTION.postpone, async ({ ack, body, action }) => {
      await ack();
      const user = body.user.id;
      const channel = body.channel?.id ?? String(body.container?.channel_id ?? '');
      const drillId = parseDrillValue((action as ButtonAction).value);
      if (!drillId) {
        await ephemeral(deps, channel, user, 'This button does not name a Rewind drill; it may come from an old message. /dr drills shows the drills.');
        return;
      }
      const check = await deps.service.checkChange(drillId, user, change);
      if (!check.ok) {
        await ephemeral(deps, channel, user, `You cannot ${change} this drill. ${check.reason}`);
        return;
      }
      try {
        await deps.client.views.open({ trigger_id: body.trigger_id, view: drillChangeView(change, check.drill, channel || check.drill.channel, channelZone(deps.config, check.drill.channel)) as never });
      } catch (err) {
        deps.warn({ drillId, err: (err as Error).message }, `could not open the ${change} modal`);
        await ephemeral(deps, channel, user, `Could not open the ${change} form (${(err as Error).message.slice(0, 100)}). Nothing was changed; click again.`);
      }
    });
    app.view(change === 'skip' ? DRILL_CALLBACK.skip : DRILL_CALLBACK.postpone, async ({ ack, body, view }) => {
      const meta = parseDrillModalMetadata(view.private_metadata);
      if (!meta) {
        await ack({ response_action: 'errors', errors: { [DRILL_BLOCK.reason]: 'This form no longer matches a drill. Cancel, and use the buttons on the announcement.' } });
        return;
      }
      const user = body.user.id;
      const reason = submittedReason(view as never);
      const byMs = change === 'postpone' ? submittedPostponeMs(view as never) : undefined;
      const v = await deps.service.validateChange(meta.drillId, user, change, reason, byMs);
      if (!v.ok) {
        await ack({ response_action: 'errors', errors: { [v.field === 'postponeBy' ? DRILL_BLOCK.postponeBy : DRILL_BLOCK.reason]: v.message.slice(0, 2000) } });
        return;
      }
      await ack();
      await apply(deps, change, meta, user, reason, byMs);
    });
  }
}

async function apply(deps: DrillHandlerDeps, change: DrillChange, meta: { drillId: string; channel: string }, user: string, reason: string, byMs: number | undefined): Promise<void> {
  try {
    if (change === 'skip') await deps.service.skip(meta.drillId, user, reason);
    else await deps.service.postpone(meta.drillId, user, reason, byMs as number);
  } catch (err) {
    const why = err instanceof RewindError ? err.userMessage : `Rewind could not record it (${(err as Error).message.slice(0, 120)}); nothing was changed, try again.`;
    await ephemeral(deps, meta.channel, user, `The drill was not ${change === 'skip' ? 'skipped' : 'postponed'}: ${why}`);
  }
}

async function ephemeral(deps: DrillHandlerDeps, channel: string, user: string, text: string): Promise<void> {
  if (!channel) return;
  try {
    await deps.client.chat.postEphemeral({ channel, user, text });
  } catch (err) {
    deps.warn({ channel, err: (err as Error).message }, 'could not post an ephemeral drill reply');
  }
}
