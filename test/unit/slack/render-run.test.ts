import type { Plan, Run, RunStatus } from '../../../src/recovery/run';
import { parseGateValue } from '../../../src/slack/ids';
import { render, type RenderContext } from '../../../src/slack/render-run';
import type { ActionsBlock } from '../../../src/slack/blocks';
import { expectGolden } from '../../support/golden';
import { APPROVER, at, IC, makeRun, makeStep, scenario, SCENARIOS, setStep, TARGET_AT } from '../../support/run-factory';
import { slackLimitProblems } from '../../support/slack-limits';

const MIN = 60_000;
const ctx: RenderContext = { rtoMs: 30 * MIN, rpoMs: 5 * MIN, zone: 'Europe/Berlin', incidentCommander: IC, production: true };

function actionsOf(blocks: ReturnType<typeof render>['blocks']): ActionsBlock | undefined {
  return blocks.find((b): b is ActionsBlock => b.type === 'actions');
}

describe('render golden messages', () => {
  it.each(SCENARIOS)('%s', (name) => {
    const { run, now } = scenario(name);
    const message = render(run, now, ctx);
    expect(slackLimitProblems(message)).toEqual([]);
    expectGolden(__dirname, `render-${name}`, message);
  });

  it('running past the RTO, with an ETA from history', () => {
    const { run } = scenario('running-waiting');
    const message = render(run, at('10:40:00'), { ...ctx, etaHistory: [20 * MIN, 24 * MIN, 60 * MIN] });
    expectGolden(__dirname, 'render-rto-breached', message);
  });

  it('a non-production cutover gate asks with a confirm dialog, in a UTC channel', () => {
    const { run, now } = scenario('awaiting-cutover');
    expectGolden(__dirname, 'render-awaiting-cutover-non-production', render(run, now, { rtoMs: 30 * MIN, rpoMs: 5 * MIN, zone: 'UTC' }));
  });
});

describe('render buttons', () => {
  it('carries run, gate and plan hash in both buttons, with confirm dialogs', () => {
    const { run, now } = scenario('awaiting-restore');
    const actions = actionsOf(render(run, now, ctx).blocks);
    expect(actions?.elements.map((e) => [e.text.text, e.style, parseGateValue(e.value), e.confirm?.title.text])).toEqual([
      ['Approve restore', 'primary', { runId: run.id, gate: 'restore', planHash: run.planHash }, 'Approve restore?'],
      ['Abort', 'danger', { runId: run.id, gate: 'restore', planHash: run.planHash }, 'Abort this run?'],
    ]);
  });

  it('names who can approve when the two-person rule keeps the requester out, and what to do when nobody is left', () => {
    const { run, now } = scenario('awaiting-restore');
    const prompt = (c: RenderContext) => JSON.stringify(render(run, now, c).blocks);
    // the requester is not a decider: the general sentence
    expect(prompt({ ...ctx, approvers: [APPROVER], twoPersonRule: true })).toContain(`An approver of prod-db-01 or the incident commander <@${IC}> can approve.`);
    // the requester is the incident commander: the approvers are named
    const byIc = { ...run, requestedBy: IC };
    expect(JSON.stringify(render(byIc, now, { ...ctx, approvers: [APPROVER], twoPersonRule: true }).blocks)).toContain(
      `<@${APPROVER}> can approve (not <@${IC}>, who started it: prod-db-01 follows the two-person rule).`,
    );
    // the requester is the only decider
    const alone = JSON.stringify(render(byIc, now, { ...ctx, approvers: [IC], twoPersonRule: true }).blocks);
    expect(alone).toContain(`Nobody else can approve: prod-db-01 follows the two-person rule and <@${IC}> started this run.`);
    expect(alone).toContain('/dr ic @someone');
    // without the rule the requester may approve their own run
    expect(JSON.stringify(render(byIc, now, { ...ctx, approvers: [IC], twoPersonRule: false }).blocks)).toContain('can approve.');
  });

  it.each(['planned', 'running-waiting', 'failed', 'aborted', 'rolling-back'] as const)('shows no buttons when %s', (name) => {
    const { run, now } = scenario(name);
    expect(actionsOf(render(run, now, ctx).blocks)).toBeUndefined();
  });

  it('says to point rewind.yml at the restored database after a cutover, except for a local source', () => {
    const { run, now } = scenario('succeeded');
    expect(JSON.stringify(render(run, now, ctx))).toContain("Next: point rewind.yml's source at `prod-db-01-dr-k3m9qz`.");
    const local = { ...run, steps: run.steps.map((s) => (s.kind === 'restore' ? { ...s, output: { ref: { provider: 'local-postgres', id: 'x' } }, state: {} } : s)) };
    expect(JSON.stringify(render(local, now, ctx))).not.toContain('Next: point');
    const noCutover = { ...run, steps: run.steps.filter((s) => s.kind !== 'cutover') };
    expect(JSON.stringify(render(noCutover, now, ctx))).not.toContain('Next: point');
  });

  it('offers only a cutover rollback once succeeded, bound to the plan, typed for production', () => {
    const { run, now } = scenario('succeeded');
    const rollback = actionsOf(render(run, now, ctx).blocks);
    expect(rollback).toMatchObject({ block_id: 'rewind.rollback.actions', elements: [{ action_id: 'rewind.run.rollback', style: 'danger', text: { text: 'Roll back cutover…' } }] });
    expect(parseGateValue(rollback?.elements[0]?.value)).toEqual({ runId: run.id, gate: 'rollback', planHash: run.planHash });
    expect(rollback?.elements[0]?.confirm).toBeUndefined();
    expect(actionsOf(render(run, now, { ...ctx, production: false }).blocks)?.elements[0]?.confirm?.title.text).toBe('Roll back the cutover?');
    const rolledBack = { ...run, status: 'aborted' as const, meta: { cutoverRollback: { requestedBy: IC, at: now.toISOString(), steps: [6] } } };
    const message = render(rolledBack, now, ctx);
    expect(actionsOf(message.blocks)).toBeUndefined();
    expect(JSON.stringify(message)).toContain(`↩️ *Cutover rolled back* by <@${IC}>`);
    expect(message.text).toContain('cutover rolled back');
  });

  it('opens a typed confirmation for a production cutover instead of a one-click confirm', () => {
    const { run, now } = scenario('awaiting-cutover');
    const approve = actionsOf(render(run, now, ctx).blocks)?.elements[0];
    expect(approve?.text.text).toBe('Approve cutover…');
    expect(approve?.confirm).toBeUndefined();
    const plain = actionsOf(render(run, now, { ...ctx, production: false }).blocks)?.elements[0];
    expect(plain?.text.text).toBe('Approve cutover');
    expect(plain?.confirm?.confirm.text).toBe('Approve cutover');
  });
});

const HUGE = `Provider said: ${'x'.repeat(1990)}`;

/** A 40-step custom run where every step carries a 2 kB error and a 2 kB detail. */
function hugeRun(status: RunStatus, gateAt: number): Run {
  const specs: Plan['steps'] = Array.from({ length: 40 }, (_, i) =>
    i === gateAt ? { kind: 'gate', name: `Approve step ${i + 1} ${'n'.repeat(300)}`, gate: 'cutover' } : { kind: 'cutover', name: `Cut over: service-${i + 1} ${'<!channel> '.repeat(30)}` },
  );
  const plan: Plan = { path: 'custom', database: 'prod-db-01', target: { kind: 'backup', backupId: `b-${'9'.repeat(300)}` }, steps: specs };
  const run = makeRun(plan, { status, currentStep: gateAt });
  run.steps = specs.map((spec, idx) => makeStep(run.id, idx, spec));
  const error = { code: 'PROVIDER_ERROR', message: HUGE, retryable: true };
  run.steps.forEach((s, idx) => {
    if (idx < gateAt) setStep(run, idx, { status: 'succeeded', startedAt: at('10:05:00'), finishedAt: at('10:06:00'), error, detail: HUGE });
    else if (idx === gateAt) setStep(run, idx, { status: status === 'failed' ? 'failed' : 'waiting', startedAt: at('10:06:00'), error, detail: HUGE });
    else setStep(run, idx, { error, detail: HUGE });
  });
  run.approvals = Array.from({ length: 30 }, (_, i) => ({ stepIdx: i, gate: `gate-${i}`, decidedBy: 'U0APPROVER1', decision: 'approved' as const, decidedAt: at('10:05:30') }));
  if (status === 'failed') Object.assign(run, { error, finishedAt: at('10:20:00') });
  return run;
}

describe('render within Slack limits for any run', () => {
  it.each([0, 1, 20, 39])('40 steps with 2 kB errors, waiting at gate %i: fits and keeps the gate buttons', (gateAt) => {
    const run = hugeRun('awaiting_approval', gateAt);
    const message = render(run, at('10:10:00'), ctx);
    expect(slackLimitProblems(message)).toEqual([]);
    const actions = actionsOf(message.blocks);
    expect(parseGateValue(actions?.elements[0]?.value)).toEqual({ runId: run.id, gate: 'cutover', planHash: run.planHash });
    const checklist = message.blocks.find((b) => b.block_id === 'rewind.steps');
    expect(checklist?.type === 'section' && checklist.text.text).toContain(`${gateAt + 1}. *Approve step ${gateAt + 1}`);
    expect(JSON.stringify(message)).not.toContain('<!channel>');
  });

  it('collapses the checklist around the focus with counts before and "…and N more" after', () => {
    const message = render(hugeRun('awaiting_approval', 20), at('10:10:00'), ctx);
    const checklist = message.blocks.find((b) => b.block_id === 'rewind.steps');
    const text = checklist?.type === 'section' ? checklist.text.text : '';
    expect(text).toMatch(/^…\d+ earlier steps: \d+ ✅/);
    expect(text).toMatch(/\n…and \d+ more$/);
  });

  it('fits when failed with a 2 kB error and every status in between', () => {
    for (const status of ['failed', 'running', 'rolling_back', 'succeeded', 'aborted', 'planned'] as const) {
      const message = render(hugeRun(status, 25), at('10:30:00'), ctx);
      expect({ status, problems: slackLimitProblems(message) }).toEqual({ status, problems: [] });
    }
  });

  it('drops the least important blocks first when maxBlocks is small, keeping header and buttons', () => {
    const { run, now } = scenario('awaiting-cutover');
    const message = render(run, now, { ...ctx, maxBlocks: 3 });
    expect(message.blocks.map((b) => b.block_id)).toEqual(['rewind.header', 'rewind.steps', 'rewind.gate.actions']);
    expect(slackLimitProblems(message, 3)).toEqual([]);
  });

  it('clamps a long header to 150 characters', () => {
    const run = makeRun({ path: 'restore', database: 'prod-db-01', target: { kind: 'backup', backupId: 'b'.repeat(400) }, steps: [] });
    const header = render(run, at('10:06:00'), ctx).blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBe(150);
    expect(render(run, at('10:06:00'), ctx).blocks.find((b) => b.block_id === 'rewind.steps')).toMatchObject({ text: { text: '_This run has no steps._' } });
  });

  it('uses the header the design names', () => {
    const { run, now } = scenario('planned');
    expect(render(run, now, ctx).blocks[0]).toEqual({ type: 'header', block_id: 'rewind.header', text: { type: 'plain_text', text: 'PITR prod-db-01 → 2024-05-01 10:02:00 UTC', emoji: true } });
    expect(TARGET_AT.toISOString()).toBe('2024-05-01T10:02:00.000Z');
  });
});
