import { formatDuration } from '../config/duration';
import { estimateEta, impliedRpoMs, rtoProgress } from '../recovery/objectives';
import { isActive, type Run } from '../recovery/run';
import { dataLossStatement, describeTarget } from '../recovery/target-time';
import { blocksTextLength, context, header, section, SLACK_LIMITS, type Block, type SectionBlock, type SlackMessage } from './blocks';
import { dualClock, humanDuration, utcClock } from './format';
import { cutoverRollbackOf } from '../recovery/cutover-rollback';
import { gateBlocks } from './gate-actions';
import { BLOCK } from './ids';
import { escapeClip, escapeMrkdwn, mention, truncate } from './mrkdwn';
import { percent, progressBar } from './progress-bar';
import { rollbackBlock } from './rollback-actions';
import { failedStep, problemText, restoredInstance } from './run-problem';
import { headerText, pathLabel, statusPhrase } from './run-labels';
import { checklistText } from './step-checklist';

/**
 * The run's live message: a pure function of the run and the clock. It stays inside Slack's
 * limits for any run (block count, per-block text, total text): long checklists collapse, long
 * errors are clipped, and when blocks must go the least useful go first; the current gate's
 * buttons are never dropped.
 */

export interface RenderContext {
  rtoMs: number;
  rpoMs: number;
  /** The channel's IANA zone; times show in UTC first and in this zone second. */
  zone: string;
  incidentCommander?: string;
  /** Durations (ms) of past runs of this database on the same path, for the ETA. */
  etaHistory?: readonly number[];
  /** Typical step durations of the database's source, for an ETA without history (default RDS-like). */
  stepTimes?: Readonly<Record<string, number>>;
  /** Slack allows 50; at least the header and the gate's buttons are always kept. */
  maxBlocks?: number;
  /** The database is production (its cutover gate asks for a typed confirmation). */
  production?: boolean;
  /** rewind.yml's approvers and two-person rule of the database (who can approve). */
  approvers?: readonly string[];
  twoPersonRule?: boolean;
}

const CHECKLIST_BUDGET = SLACK_LIMITS.sectionText;
const PROBLEM_BUDGET = 2000;

/** Lower rank = more important; blocks are dropped from the highest rank when over maxBlocks. */
type Ranked = { block: Block; rank: number };

export function render(run: Run, now: Date, ctx: RenderContext): SlackMessage {
  const ranked: Ranked[] = [
    { block: header(headerText(run), BLOCK.header), rank: 0 },
    { block: context(contextLine(run, ctx), BLOCK.context), rank: 2 },
    { block: section(objectiveText(run, ctx), BLOCK.objective), rank: 3 },
    { block: section(checklistText(run, now, CHECKLIST_BUDGET), BLOCK.checklist), rank: 1 },
  ];
  const problem = problemText(run, PROBLEM_BUDGET);
  if (problem !== undefined) ranked.push({ block: section(problem, BLOCK.problem), rank: 1 });
  ranked.push({ block: section(isActive(run.status) ? rtoText(run, now, ctx) : summaryText(run, now, ctx), isActive(run.status) ? BLOCK.rto : BLOCK.summary), rank: 2 });
  const approvals = approvalsText(run);
  if (approvals !== undefined) ranked.push({ block: context([approvals], BLOCK.approvals), rank: 4 });
  const [prompt, buttons] = gateBlocks(run, { zone: ctx.zone, incidentCommander: ctx.incidentCommander, production: ctx.production, approvers: ctx.approvers, twoPersonRule: ctx.twoPersonRule });
  if (prompt !== undefined) ranked.push({ block: prompt, rank: 1 });
  if (buttons !== undefined) ranked.push({ block: buttons, rank: 0 });
  const rollback = rollbackBlock(run, ctx.production ?? false);
  if (rollback !== undefined) ranked.push({ block: rollback, rank: 1 });
  const text = truncate(escapeMrkdwn(`${headerText(run)}: ${statusPhrase(run)} (${run.id})`), 300);
  return { text, blocks: fit(ranked, ctx.maxBlocks ?? SLACK_LIMITS.messageBlocks, SLACK_LIMITS.messageText - text.length) };
}

function contextLine(run: Run, ctx: RenderContext): string[] {
  const parts = [`Run \`${escapeClip(run.id, 64)}\``, `requested by ${mention(run.requestedBy)}`];
  if (ctx.incidentCommander) parts.push(`IC ${mention(ctx.incidentCommander)}`);
  parts.push(`*${statusPhrase(run)}*`);
  if (run.status === 'running' || run.status === 'planned') parts.push(`to stop it: \`/dr abort ${escapeClip(run.id, 64)}\``);
  return [parts.join(' · ')];
}

/** The data-loss statement, the target in both zones and the RPO objective. */
function objectiveText(run: Run, ctx: RenderContext): string {
  const lines = [`*${escapeMrkdwn(dataLossStatement(run.target, latestRestorable(run)))}*`];
  const target = run.target.kind === 'time' ? `Target: ${escapeMrkdwn(describeTarget(run.target, ctx.zone))}` : `Target: ${escapeClip(describeTarget(run.target, ctx.zone), 200)}`;
  let rpo = `RPO objective ${formatDuration(ctx.rpoMs)}`;
  const latest = latestRestorable(run);
  const discarded = latest === undefined ? undefined : impliedRpoMs(run.target, latest);
  if (discarded !== undefined && discarded > 0) rpo += ` · this target is ${humanDuration(discarded)} before the newest restorable point`;
  lines.push(`${target} · ${rpo}`);
  return lines.join('\n');
}

/** The newest restorable instant, as the window check recorded it. */
function latestRestorable(run: Run): Date | undefined {
  const output = run.steps.find((s) => s.kind === 'check-window' && s.status === 'succeeded')?.output;
  const latest = output?.latest;
  if (typeof latest !== 'string') return undefined;
  const d = new Date(latest);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function rtoText(run: Run, now: Date, ctx: RenderContext): string {
  const p = rtoProgress(run, now, ctx.rtoMs);
  const rto = formatDuration(ctx.rtoMs);
  const bar = `\`${progressBar(p.fraction)}\``;
  const first = p.breached
    ? `🔴 *RTO breached* ${bar} ${humanDuration(p.elapsedMs)} elapsed, ${humanDuration(p.elapsedMs - ctx.rtoMs)} over the ${rto} objective`
    : `*RTO* ${bar} ${percent(p.fraction)} · ${humanDuration(p.elapsedMs)} elapsed · ${humanDuration(p.remainingMs)} left of ${rto}`;
  if (run.status === 'rolling_back') {
    const rollback = cutoverRollbackOf(run);
    if (rollback) {
      return `${first}\n↩️ Rolling back the cutover (asked by ${mention(rollback.requestedBy)}): pointing applications back at the database the cutover replaced, then checking their health again (steps marked ↩️ are done).`;
    }
    return `${first}\n↩️ Aborted${run.endedBy ? ` by ${mention(run.endedBy)}` : ''}: undoing what the run created, newest first (steps marked ↩️ are undone). ${run.database} itself is not touched.`;
  }
  const eta = estimateEta(run, now, ctx.etaHistory, ctx.stepTimes);
  if (eta === undefined) return first;
  const basis = eta.basis === 'history' ? 'from past runs' : 'from typical step times';
  const caveat = run.status === 'awaiting_approval' ? ', if approved now' : '';
  return `${first}\nETA ~${dualClock(eta.at, ctx.zone)} (${basis}${caveat})`;
}

/** The final line of a finished run: elapsed against the RTO, and how it ended. */
function summaryText(run: Run, now: Date, ctx: RenderContext): string {
  const p = rtoProgress(run, now, ctx.rtoMs);
  const elapsed = humanDuration(p.elapsedMs);
  const rto = formatDuration(ctx.rtoMs);
  const verdict = p.breached ? `${humanDuration(p.elapsedMs - ctx.rtoMs)} over the ${rto} RTO` : `within the ${rto} RTO (${humanDuration(p.remainingMs)} to spare)`;
  const ended = run.finishedAt ? `, at ${dualClock(run.finishedAt, ctx.zone)}` : '';
  switch (run.status) {
    case 'succeeded':
      return `✅ *${pathLabel(run.path)} of ${run.database} succeeded in ${elapsed}*${ended}; ${verdict}.${nextAfterCutover(run)}`;
    case 'aborted': {
      const rollback = cutoverRollbackOf(run);
      if (rollback) {
        const kept = restoredInstance(run);
        return `↩️ *Cutover rolled back* by ${mention(rollback.requestedBy)}${ended}: applications use the database the cutover replaced again. The restored copy${kept ? ` \`${escapeClip(kept, 100)}\`` : ''} is kept under retention; writes made to it since the cutover are only there.`;
      }
      return `⏹️ *Aborted*${run.endedBy ? ` by ${mention(run.endedBy)}` : ''} after ${elapsed}${ended}. What the run created was removed; ${run.database} itself was not touched.`;
    }
    default: {
      const step = failedStep(run);
      const where = step ? ` at step ${step.idx + 1}` : '';
      return `❌ *Failed${where}* after ${elapsed}${ended}; ${run.database} is not recovered yet (RTO ${rto}).`;
    }
  }
}

/** LOCAL_PROVIDER of providers/local, not imported so this pure renderer stays free of that adapter. */
const LOCAL_SOURCE_PROVIDER = 'local-postgres';

/**
 * After a cutover elsewhere, rewind.yml still names the replaced database, which later runs
 * refuse (SOURCE_REPLACED) until the source is pointed at the restored one.
 */
function nextAfterCutover(run: Run): string {
  const cutOver = run.steps.some((s) => s.kind === 'cutover' && s.status === 'succeeded' && !s.compensatedAt);
  const restore = run.steps.find((s) => s.kind === 'restore');
  const ref = (restore?.output?.ref ?? restore?.state.ref) as { id?: unknown; provider?: unknown } | undefined;
  if (!cutOver || typeof ref?.id !== 'string' || ref.provider === LOCAL_SOURCE_PROVIDER) return '';
  return `\nNext: point rewind.yml's source at \`${escapeClip(ref.id, 100)}\`.`;
}

/** "Restore approved by <@U…> at 10:04 UTC", one line per decision. */
function approvalsText(run: Run): string | undefined {
  if (run.approvals.length === 0) return undefined;
  const lines = run.approvals.map((a) => {
    const gate = a.gate.charAt(0).toUpperCase() + a.gate.slice(1);
    return `${escapeClip(gate, 40)} ${a.decision} by ${mention(a.decidedBy)} at ${utcClock(a.decidedAt)}`;
  });
  return truncate(lines.join('\n'), 1000);
}

/**
 * Drops the least important blocks until at most `maxBlocks` remain (rank 0 always stays), then
 * shortens the longest sections until the text fits `textBudget`.
 */
function fit(ranked: Ranked[], maxBlocks: number, textBudget: number): Block[] {
  let kept = [...ranked];
  for (let rank = 4; kept.length > maxBlocks && rank > 0; rank--) {
    while (kept.length > maxBlocks && kept.some((r) => r.rank === rank)) {
      const at = kept.map((r) => r.rank).lastIndexOf(rank);
      kept = kept.filter((_, i) => i !== at);
    }
  }
  const blocks = kept.map((r) => r.block);
  for (let excess = blocksTextLength(blocks) - textBudget; excess > 0; excess = blocksTextLength(blocks) - textBudget) {
    const longest = blocks.filter((b): b is SectionBlock => b.type === 'section').sort((a, b) => b.text.text.length - a.text.text.length)[0];
    if (longest === undefined || longest.text.text.length <= 1) break;
    longest.text = { ...longest.text, text: truncate(longest.text.text, Math.max(1, longest.text.text.length - excess)) };
  }
  return blocks;
}
