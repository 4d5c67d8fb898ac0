import { mayRollBack } from '../../../src/recovery/approval-policy';
import { renderThreadEvent } from '../../../src/slack/render-thread-event';
import { encodeModalMetadata, parseModalMetadata, typedConfirmation, typedConfirmationView } from '../../../src/slack/approval-modal';
import { ACTION, BLOCK, CALLBACK } from '../../../src/slack/ids';
import { isAllowedResponseUrl } from '../../../src/slack/reply';
import { claimedUser } from '../../../src/slack/request-verifier';
import { renderBackups } from '../../../src/slack/render-backups';
import { renderRunList, renderRunStatus } from '../../../src/slack/render-status';
import { eventKey } from '../../../src/slack/run-notifier';
import { slackLimitProblems } from '../../support/slack-limits';
import { at, makeRun, setStep } from '../../support/run-factory';

const value = { runId: 'r-k3m9qz', gate: 'cutover', planHash: '0123456789abcdef' };

describe('typed confirmation modal', () => {
  it('round-trips its metadata and refuses anything else', () => {
    expect(parseModalMetadata(encodeModalMetadata({ value, channel: 'C0INCIDENT1' }))).toEqual({ value, channel: 'C0INCIDENT1' });
    expect(parseModalMetadata(JSON.stringify({ channel: 'C0INCIDENT1', value: JSON.stringify({ ...value, gate: 'x y' }) }))).toBeUndefined();
    expect(parseModalMetadata(JSON.stringify({ channel: '#incident', value: JSON.stringify(value) }))).toBeUndefined();
    expect(parseModalMetadata('{')).toBeUndefined();
  });

  it('asks to type the database name, and reads back what was typed', () => {
    const view = typedConfirmationView(makeRun(), value, 'C0INCIDENT1');
    expect(view).toMatchObject({ type: 'modal', callback_id: CALLBACK.typedConfirmation });
    expect(JSON.stringify(view)).toContain('Type *prod-db-01* to confirm.');
    expect(typedConfirmation({ state: { values: { [BLOCK.typedConfirmationInput]: { [ACTION.typedConfirmationInput]: { value: 'prod-db-01' } } } } })).toBe('prod-db-01');
    expect(typedConfirmation({ state: { values: {} } })).toBe('');
  });
});

describe('request helpers', () => {
  it('posts replies only to Slack\'s hooks or a configured local Slack', () => {
    expect(isAllowedResponseUrl('https://hooks.slack.com/commands/T1/2/abc', [])).toBe(true);
    expect(isAllowedResponseUrl('http://hooks.slack.com/commands/T1/2/abc', [])).toBe(false);
    expect(isAllowedResponseUrl('https://hooks.slack.com.evil.example/x', [])).toBe(false);
    expect(isAllowedResponseUrl('http://169.254.169.254/latest/meta-data', [])).toBe(false);
    expect(isAllowedResponseUrl('http://127.0.0.1:4000/response/1', ['http://127.0.0.1:4000'])).toBe(true);
    expect(isAllowedResponseUrl('not a url', ['http://127.0.0.1:4000'])).toBe(false);
  });

  it('names the user a refused request claims to be, or nobody', () => {
    expect(claimedUser(Buffer.from('user_id=U0OPERATOR1&text=x'))).toBe('U0OPERATOR1');
    expect(claimedUser(Buffer.from(`payload=${encodeURIComponent(JSON.stringify({ user: { id: 'U0IC0000001' } }))}`))).toBe('U0IC0000001');
    expect(claimedUser(Buffer.from("user_id=robert');DROP"))).toBe('unknown');
    expect(claimedUser(Buffer.from('payload=%7B'))).toBe('unknown');
  });

  it('keys a run change by what changed, so one change is one timeline reply', () => {
    const run = makeRun(undefined, { status: 'awaiting_approval', currentStep: 1 });
    setStep(run, 1, { status: 'waiting' });
    expect(eventKey(run, 'step.gate')).toBe('step.gate:awaiting_approval:1:1:waiting:0');
    expect(eventKey(run, 'step.gate')).toBe(eventKey(structuredClone(run), 'step.gate'));
    expect(eventKey({ ...run, currentStep: 2 }, 'step.gate')).not.toBe(eventKey(run, 'step.gate'));
  });
});

describe('backups and status messages', () => {
  const now = new Date('2024-05-01T12:00:00Z');

  it('lists backups newest first with their age against the RPO, marking unusable ones, within Slack limits', () => {
    const backups = Array.from({ length: 30 }, (_, i) => ({ id: `rds:prod-db-01-${i}`, finishedAt: new Date(now.getTime() - (i + 1) * 3_600_000), valid: i !== 1, note: i === 1 ? 'checksum mismatch' : undefined }));
    const message = renderBackups('prod-db-01', { engine: 'postgres', window: { earliest: new Date('2024-04-24T12:00:00Z'), latest: new Date(now.getTime() - 60_000) }, backups }, 5 * 60_000, now);
    expect(slackLimitProblems(message)).toEqual([]);
    const text = JSON.stringify(message);
    expect(text).toContain('Newest restorable point: ✅ 1m behind now, within the 5m RPO.');
    expect(text.indexOf('rds:prod-db-01-0`')).toBeLessThan(text.indexOf('rds:prod-db-01-2`'));
    expect(text).toContain('❌ failed verification: checksum mismatch; not usable');
    expect(text).toContain('1h old · restored on its own, it would lose the last 1h (RPO 5m); `latest` or a time loses less');
    expect(text).toContain('…and 10 older');
    expect(text).toContain('/dr restore prod-db-01 &lt;backup-id&gt;');
    expect(text).not.toMatch(/<(?![@#!])/);
  });

  it('lists runs active first, and shows one run without its buttons', () => {
    const waiting = setStep(makeRun(undefined, { id: 'r-waiting', status: 'awaiting_approval', currentStep: 1 }), 1, { status: 'waiting' });
    const done = makeRun(undefined, { id: 'r-done01', status: 'succeeded', finishedAt: at('10:30:00') });
    const list = JSON.stringify(renderRunList('Rewind runs', [done, waiting], at('11:00:00')));
    expect(list.indexOf('r-waiting')).toBeLessThan(list.indexOf('r-done01'));
    const one = renderRunStatus(waiting, at('10:10:00'), { rtoMs: 15 * 60_000, rpoMs: 5 * 60_000, zone: 'UTC' });
    expect(one.blocks.some((b) => b.block_id === BLOCK.gateActions)).toBe(false);
    expect(JSON.stringify(one)).toContain("Approve or abort on the run's live message in <#C0INCIDENTS>");
  });
});

describe('cutover rollback', () => {
  it('is for approvers and the incident commander, two-person rule or not', () => {
    const db = { name: 'prod-db-01', production: true, twoPersonRule: true, operators: ['U0OPERATOR1'], approvers: ['U0APPROVER1'], channels: undefined };
    const run = makeRun(undefined, { status: 'succeeded', requestedBy: 'U0APPROVER1' });
    expect(mayRollBack('U0APPROVER1', run, db)).toEqual({ allowed: true });
    expect(mayRollBack('U0IC0000001', run, db, 'U0IC0000001')).toEqual({ allowed: true });
    expect(mayRollBack('U0OPERATOR1', run, db)).toMatchObject({ allowed: false, reason: expect.stringContaining('You are not an approver of prod-db-01, so you cannot roll back the cutover') });
  });

  it('is told in the timeline when it starts and when it is done', () => {
    const run = makeRun(undefined, { status: 'rolling_back', meta: { cutoverRollback: { requestedBy: 'U0APPROVER1', at: '2024-05-01T11:00:00Z', steps: [6] } } });
    expect(renderThreadEvent(run, 'run.cutover_rollback_started')).toContain('Rolling back the cutover of prod-db-01 (asked by <@U0APPROVER1>)');
    expect(renderThreadEvent({ ...run, status: 'aborted' }, 'run.cutover_rolled_back')).toContain('↩️ Cutover rolled back');
  });
});
