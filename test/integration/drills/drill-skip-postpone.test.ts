import type { ConsoleInteractions } from '../../../src/console/console-interactions';
import { DRILL_ACTION, DRILL_BLOCK } from '../../../src/slack/drill-ids';
import { APPROVER, CHANNEL, createDrillHarness, IC, OPERATOR, STRANGER, waitFor, type DrillHarness } from './drill-harness';

// Skip and Postpone through a real Bolt app, clicked and submitted the way Slack does (signed
// requests from the local Slack console): authorized people give a reason in a modal, everyone
// else is refused with an ephemeral explanation, and both leave an audit row.

const SLOT = new Date('2024-05-06T03:00:00Z');

describe('skipping and postponing a drill', () => {
  let h: DrillHarness;
  let ui: ConsoleInteractions;
  let drillId: string;
  let ts: string;

  beforeEach(async () => {
    h = await createDrillHarness();
    ui = await h.startBolt();
    const fired = await h.service.fire('orders-db', new Date(SLOT.getTime() - 2000));
    if (fired.type !== 'announced') throw new Error(fired.type);
    drillId = fired.drill.id;
    ts = fired.drill.announcementTs as string;
  });
  afterEach(async () => h.close());

  const click = (user: string, actionId: string) => ui.run('action', { user, channel: CHANNEL, messageTs: ts, actionId, blockId: DRILL_BLOCK.actions });
  const openView = (user: string) => waitFor(() => h.slack.slack.views(user)[0], `a modal for ${user}`);
  const submit = (user: string, viewId: string, reason: string, postponeBy?: string) =>
    ui.run('view-submission', {
      user,
      viewId,
      values: {
        [DRILL_BLOCK.reason]: { [DRILL_ACTION.reasonInput]: reason },
        ...(postponeBy === undefined ? {} : { [DRILL_BLOCK.postponeBy]: { [DRILL_ACTION.postponeBy]: postponeBy } }),
      },
    });

  it('lets an operator skip it with a reason, audited, and the start then does nothing', async () => {
    expect((await click(OPERATOR, DRILL_ACTION.skip)).status).toBe(200);
    const view = await openView(OPERATOR);
    const empty = await submit(OPERATOR, view.id, '   ');
    expect(empty.body).toMatchObject({ responseAction: 'errors', errors: { [DRILL_BLOCK.reason]: expect.stringContaining('Say why') } });
    expect((await h.store.get(drillId))?.status).toBe('announced');

    expect((await submit(OPERATOR, view.id, 'release week, the team is busy')).body.ok).toBe(true);
    const skipped = await h.waitForDrill(drillId, (d) => d.status === 'skipped', 'the skip');
    expect(skipped).toMatchObject({ note: 'release week, the team is busy', decidedBy: OPERATOR });
    expect(await h.audit('drill.skipped')).toEqual([{ actor: OPERATOR, detail: expect.objectContaining({ drillId, reason: 'release week, the team is busy' }) }]);
    const message = await waitFor(() => (h.slack.slack.message(CHANNEL, ts)?.text.includes('skipped') ? h.slack.slack.message(CHANNEL, ts) : undefined), 'the announcement to say skipped');
    expect(JSON.stringify(message.blocks)).toContain(`<@${OPERATOR}>`);
    expect(JSON.stringify(message.blocks)).not.toContain(DRILL_ACTION.skip);
    h.clock.set(SLOT);
    expect(await h.service.start(drillId, SLOT.getTime())).toMatchObject({ type: 'stale' });
    expect(await h.engine.store.listRuns({ database: 'orders-db' })).toEqual([]);
  });

  it('refuses anyone else with an ephemeral explanation and an audit row, and opens no modal', async () => {
    await click(STRANGER, DRILL_ACTION.skip);
    const refusal = await waitFor(() => h.slack.slack.ephemerals(STRANGER)[0], 'the refusal');
    expect(refusal.text).toContain('You cannot skip this drill');
    expect(refusal.text).toContain('Only operators and approvers of orders-db');
    expect(h.slack.slack.views(STRANGER)).toEqual([]);
    expect(await h.audit('drill.skip_refused')).toEqual([{ actor: STRANGER, detail: expect.objectContaining({ drillId, reason: expect.stringContaining('Only operators') }) }]);
    expect((await h.store.get(drillId))?.status).toBe('announced');
  });

  it('lets the channel incident commander postpone it; the new time starts it, the old one is stale', async () => {
    await click(IC, DRILL_ACTION.postpone);
    const view = await openView(IC);
    expect((await submit(IC, view.id, 'database migration running', '4h')).body.ok).toBe(true);
    const postponed = await h.waitForDrill(drillId, (d) => d.postponements === 1, 'the postponement');
    expect(postponed.startsAt).toEqual(new Date(SLOT.getTime() + 4 * 3_600_000));
    expect(await h.audit('drill.postponed')).toEqual([{ actor: IC, detail: expect.objectContaining({ reason: 'database migration running' }) }]);
    expect(await h.service.start(drillId, SLOT.getTime())).toMatchObject({ type: 'stale', reason: 'drill was postponed' });
    await waitFor(() => h.slack.slack.message(CHANNEL, ts)?.text.includes('starts at 07:00 UTC'), 'the announcement to show the new time');
  });

  it('refuses a postponement that is not a sensible duration in the modal itself', async () => {
    await click(APPROVER, DRILL_ACTION.postpone);
    const view = await openView(APPROVER);
    for (const typed of ['soon', '1s', '30d']) {
      const res = await submit(APPROVER, view.id, 'why not', typed);
      expect(res.body).toMatchObject({ responseAction: 'errors', errors: { [DRILL_BLOCK.postponeBy]: expect.stringContaining('between 15m and 14d') } });
    }
    expect((await h.store.get(drillId))?.postponements).toBe(0);
  });
});
