import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { blockActionsPayload, interactionForm } from '../src/console/interaction-payloads';
import type { SlackChannel, SlackUser } from '../src/console/slack-workspace';
import { buildRecoveryPlan } from '../src/recovery/plans';
import { ACTION, BLOCK } from '../src/slack/ids';
import { APPROVER, buttonLabels, CHANNEL, OPERATOR, SECRET, startSlackHarness, STRANGER, waitFor, type SlackHarness } from '../test/integration/slack/slack-harness';

/**
 * Slack console figures: acknowledgement latency of /dr commands and button clicks at 20
 * concurrent requests (signed HTTP to the running receiver, target p99 < 100 ms), and chat.update
 * calls per run-minute for runs waiting at gates and moving through them (in compressed time:
 * the fake Slack's clock and the notifier's limiter and tick run SCALE times faster).
 */

const CONCURRENCY = 20;
const ROUNDS = 15;
const SCALE = 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms, max ${(s[s.length - 1] ?? NaN).toFixed(1)} ms (${s.length} requests)`;
}

/** Sends a round of requests at once from the load process; resolves with their latencies. */
function sendRound(client: ChildProcess, h: SlackHarness, bodies: string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.once('message', (m: { latencies?: number[]; error?: string }) => (m.latencies ? resolve(m.latencies) : reject(new Error(m.error))));
    client.send({ url: h.eventsUrl, secret: SECRET, bodies });
  });
}

async function ackLatency(): Promise<void> {
  const h = await startSlackHarness();
  const client = fork(join(__dirname, 'slack-load-client.ts'), [], { execArgv: ['-r', '@swc-node/register'] });
  try {
    const texts = ['status', 'help', 'pitr prod-db-01 15m ago', 'backups prod-db-01', 'pitr prod-db-99 15m ago', 'restore staging-db latest'];
    const users = [OPERATOR, APPROVER, STRANGER];
    await sendRound(client, h, Array.from({ length: CONCURRENCY }, (_, i) => h.commandBody(users[i % 3] as string, 'help'))); // warm-up
    const commands: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const bodies = Array.from({ length: CONCURRENCY }, (_, i) => h.commandBody(users[i % 3] as string, texts[(round + i) % texts.length] as string));
      commands.push(...(await sendRound(client, h, bodies)));
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`/dr command ack at ${CONCURRENCY} concurrent: ${summary(commands)} (target p99 < 100 ms)`);

    const run = (await h.runs('prod-db-01'))[0];
    if (!run) throw new Error('no run to click on');
    const message = await waitFor(async () => {
      const m = await h.liveMessage(run.id);
      return m && buttonLabels(m).includes('Approve restore') && m;
    }, 'a gate to click', 30_000);
    const ws = h.slack.slack.workspace;
    const channel = ws.channel(CHANNEL) as SlackChannel;
    const clicks: number[] = [];
    let seq = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const bodies = Array.from({ length: CONCURRENCY }, (_, i) => {
        const who = ws.user(i % 2 === 0 ? STRANGER : OPERATOR) as SlackUser;
        const actionId = i % 4 === 3 ? ACTION.abortRun : ACTION.approveGate;
        const button = { action_id: actionId, block_id: BLOCK.gateActions, value: JSON.stringify({ runId: run.id, gate: 'restore', planHash: run.planHash }) };
        const payload = blockActionsPayload({
          workspace: ws,
          user: who,
          source: { kind: 'message', channel, message: h.slack.slack.message(CHANNEL, message.ts) as never },
          button,
          triggerId: h.slack.slack.createTriggerId(who.id),
          responseUrl: h.slack.slack.createResponseUrl(CHANNEL, who.id),
          actionTs: `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`,
        });
        return interactionForm(payload);
      });
      clicks.push(...(await sendRound(client, h, bodies)));
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`button click ack at ${CONCURRENCY} concurrent: ${summary(clicks)} (target p99 < 100 ms)`);
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    client.disconnect();
    await h.close();
  }
}

async function updatesPerRunMinute(): Promise<void> {
  const started = Date.now();
  const fakeNow = () => started + (Date.now() - started) * SCALE;
  const runs = 10;
  const databases = Array.from({ length: runs }, (_, i) => `db-${i + 1}`);
  const config = `databases:\n${databases.map((d) => `  ${d}:\n    provider: rds-instance\n    rto: 15m\n    rpo: 5m\n    operators: [${OPERATOR}]\n    approvers: [${APPROVER}]\n    source: { instanceId: ${d}, region: eu-central-1 }`).join('\n')}\n`;
  const h = await startSlackHarness({
    config,
    slack: { now: fakeNow, rateLimits: { 'chat.postMessage': null } },
    mount: { limiter: { max: 3, duration: 4_000 / SCALE }, tickMs: 10_000 / SCALE, staleMs: 20_000 / SCALE },
  });
  try {
    const rt = h.services.runtime;
    const gate = async (id: string) => {
      const r = await rt.store.getRun(id);
      return r?.status === 'awaiting_approval' ? r.steps[r.currentStep]?.params.gate : undefined;
    };
    const all = await Promise.all(databases.map((database) => rt.engine.start({ plan: buildRecoveryPlan({ database, cutovers: ['app secret'], healthChecks: 1, validationChecks: 1 }, { kind: 'latest' }), requestedBy: OPERATOR, channel: CHANNEL })));
    await waitFor(async () => (await Promise.all(all.map((r) => gate(r.id)))).every((g) => g === 'restore'), 'restore gates', 30_000);
    await new Promise((r) => setTimeout(r, (3 * 60_000) / SCALE)); // 3 minutes waiting for people
    await Promise.all(all.map((r) => rt.engine.approve({ runId: r.id, gate: 'restore', planHash: r.planHash, actor: APPROVER })));
    await waitFor(async () => (await Promise.all(all.map((r) => gate(r.id)))).every((g) => g === 'cutover'), 'cutover gates', 30_000);
    await new Promise((r) => setTimeout(r, (2 * 60_000) / SCALE));
    await Promise.all(all.map((r) => rt.engine.approve({ runId: r.id, gate: 'cutover', planHash: r.planHash, actor: APPROVER })));
    const ended = await Promise.all(all.map((r) => h.waitForStatus(r.id, 'succeeded', 30_000)));
    await new Promise((r) => setTimeout(r, 1000));
    const runMinutes = ended.reduce((sum, r) => sum + (((r.finishedAt as Date).getTime() - r.createdAt.getTime()) * SCALE) / 60_000, 0);
    const updates = h.slack.slack.calls('chat.update');
    const limited = updates.filter((c) => c.status === 429).length;
    const at = updates.map((c) => c.at).sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while ((at[i] as number) - (at[j] as number) >= 60_000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    console.log(
      `chat.update: ${updates.length} calls over ${runMinutes.toFixed(1)} run-minutes (${runs} runs, gates held 3 and 2 min) = ${(updates.length / runMinutes).toFixed(2)} per run-minute; busiest minute ${peak} (budget 50), ${limited} answered 429`,
    );
  } finally {
    await h.close();
  }
}

export async function slackBench(): Promise<void> {
  await ackLatency();
  await updatesPerRunMinute();
}
