import { mayAbort, mayApprove, mayDecideRetention, mayResume, mayStartRun, needsTypedConfirmation, typedConfirmationMatches, type DatabaseAccess } from '../../../src/recovery/approval-policy';
import { APPROVER, CHANNEL, IC, OPERATOR, scenario } from '../../support/run-factory';

const STRANGER = 'U0STRANGER1';

function db(patch: Partial<DatabaseAccess> = {}): DatabaseAccess {
  return { name: 'prod-db-01', production: false, twoPersonRule: false, operators: [OPERATOR], approvers: [APPROVER], channels: undefined, ...patch };
}

describe('mayStartRun', () => {
  it('lets an operator start a run in any channel when none are listed', () => {
    expect(mayStartRun(OPERATOR, db(), CHANNEL)).toEqual({ allowed: true });
    expect(mayStartRun(OPERATOR, db(), null)).toEqual({ allowed: true });
  });

  it('refuses a non-operator, naming whom to ask and how to be added', () => {
    expect(mayStartRun(APPROVER, db(), CHANNEL)).toEqual({
      allowed: false,
      reason: `You are not an operator of prod-db-01, so you cannot start runs for it. Ask <@${OPERATOR}>, or ask whoever maintains rewind.yml to add your member ID (${APPROVER}) to operators of prod-db-01.`,
    });
  });

  it('refuses a channel the database does not allow, naming the allowed ones', () => {
    const r = mayStartRun(OPERATOR, db({ channels: ['C0DBAOPS01', 'C0INCIDENT2'] }), CHANNEL);
    expect(r).toEqual({
      allowed: false,
      reason: "Runs for prod-db-01 can only be started in <#C0DBAOPS01>, <#C0INCIDENT2>; this channel is not one of them. Start it there, or ask whoever maintains rewind.yml to add this channel's ID to channels of prod-db-01.",
    });
    expect(mayStartRun(OPERATOR, db({ channels: ['C0DBAOPS01'] }), null)).toMatchObject({ allowed: false, reason: expect.stringContaining('this conversation is not a channel') });
    expect(mayStartRun(OPERATOR, db({ channels: [CHANNEL] }), CHANNEL)).toEqual({ allowed: true });
  });
});

describe('mayApprove', () => {
  const { run } = scenario('awaiting-restore');

  it('lets an approver approve the current gate', () => {
    expect(mayApprove(APPROVER, run, db())).toEqual({ allowed: true });
  });

  it('lets the channel incident commander approve without being an approver', () => {
    expect(mayApprove(IC, run, db(), IC)).toEqual({ allowed: true });
    expect(mayApprove(IC, run, db())).toMatchObject({ allowed: false });
  });

  it('refuses a non-approver with the reason and whom to ask', () => {
    expect(mayApprove(STRANGER, run, db(), IC)).toEqual({
      allowed: false,
      reason: `You are not an approver of prod-db-01, so you cannot approve the restore of run r-k3m9qz. Ask <@${APPROVER}>, or the incident commander <@${IC}>.`,
    });
  });

  it('refuses operators who are not approvers: starting is not approving', () => {
    expect(mayApprove(OPERATOR, run, db())).toMatchObject({ allowed: false, reason: expect.stringContaining('not an approver of prod-db-01') });
  });

  it('applies the two-person rule to the requester, even when they are an approver or the IC', () => {
    const both = db({ twoPersonRule: true, approvers: [OPERATOR, APPROVER] });
    expect(mayApprove(OPERATOR, run, both, OPERATOR)).toEqual({
      allowed: false,
      reason: `prod-db-01 follows the two-person rule: you started run r-k3m9qz, so someone else must approve its restore. Ask <@${APPROVER}>.`,
    });
    expect(mayApprove(APPROVER, run, both)).toEqual({ allowed: true });
    expect(mayApprove(OPERATOR, run, db({ approvers: [OPERATOR] }))).toEqual({ allowed: true });
  });

  it('refuses when the run waits for nothing', () => {
    expect(mayApprove(APPROVER, scenario('running-waiting').run, db())).toEqual({
      allowed: false,
      reason: "Run r-k3m9qz is running and is not waiting for an approval, so there is nothing to approve. The run's live message shows what it is doing.",
    });
  });
});

describe('typed confirmation', () => {
  it('is needed only at the cutover gate of a production database', () => {
    expect(needsTypedConfirmation(scenario('awaiting-cutover').run, { production: true })).toBe(true);
    expect(needsTypedConfirmation(scenario('awaiting-cutover').run, { production: false })).toBe(false);
    expect(needsTypedConfirmation(scenario('awaiting-restore').run, { production: true })).toBe(false);
    expect(needsTypedConfirmation(scenario('running-waiting').run, { production: true })).toBe(false);
  });

  it('matches the exact database name, forgiving spaces and backticks', () => {
    expect(typedConfirmationMatches(' `prod-db-01` ', 'prod-db-01')).toBe(true);
    expect(typedConfirmationMatches('PROD-DB-01', 'prod-db-01')).toBe(false);
    expect(typedConfirmationMatches('prod-db-0', 'prod-db-01')).toBe(false);
  });
});

describe('mayAbort and mayResume', () => {
  const { run } = scenario('running-waiting');
  it('lets operators, approvers and the IC abort, but not strangers', () => {
    expect(mayAbort(OPERATOR, run, db())).toEqual({ allowed: true });
    expect(mayAbort(APPROVER, run, db())).toEqual({ allowed: true });
    expect(mayAbort(IC, run, db(), IC)).toEqual({ allowed: true });
    expect(mayAbort(STRANGER, run, db())).toMatchObject({ allowed: false, reason: expect.stringContaining(`Ask <@${OPERATOR}> or <@${APPROVER}>`) });
  });

  it('lets only operators resume', () => {
    expect(mayResume(OPERATOR, run, db())).toEqual({ allowed: true });
    expect(mayResume(APPROVER, run, db())).toMatchObject({ allowed: false });
  });
});

describe('mayDecideRetention', () => {
  it('lets only approvers delete a kept database, lets the incident commander keep it longer, and names whom to ask', () => {
    expect(mayDecideRetention(APPROVER, db(), 'old-db', 'delete', IC)).toEqual({ allowed: true });
    expect(mayDecideRetention(APPROVER, db(), 'old-db', 'keep', IC)).toEqual({ allowed: true });
    expect(mayDecideRetention(IC, db(), 'old-db', 'keep', IC)).toEqual({ allowed: true });
    expect(mayDecideRetention(IC, db(), 'old-db', 'delete', IC)).toEqual({
      allowed: false,
      reason: `Only approvers of prod-db-01 listed in rewind.yml may delete old-db. Ask <@${APPROVER}>; as incident commander you may keep it longer.`,
    });
    expect(mayDecideRetention(OPERATOR, db(), 'old-db (prod-db-01)', 'keep', IC)).toEqual({
      allowed: false,
      reason: expect.stringMatching(new RegExp(`^You are not an approver of prod-db-01, so you cannot decide what happens to old-db \\(prod-db-01\\)\\. Ask .*<@${APPROVER}>`)),
    });
    expect(mayDecideRetention(IC, db(), 'old-db', 'keep', undefined)).toMatchObject({ allowed: false });
    expect(mayDecideRetention(IC, db({ approvers: [] }), 'old-db', 'delete', IC)).toMatchObject({ reason: expect.stringContaining('whoever maintains rewind.yml to add approvers for prod-db-01') });
  });
});
