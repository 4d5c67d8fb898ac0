import { drillCommand } from '../../../commands/drill';
import { drillsCommand } from '../../../commands/drills';
import type { Invocation, PrepareContext } from '../../../commands/types';
import type { SlackServices } from '../../../src/slack/slack-services';
import { webClient } from '../console/web-client';
import { CHANNEL, createDrillHarness, OPERATOR, STRANGER, type DrillHarness } from './drill-harness';

// `/dr drill <db>` and `/dr drills [report <id> [json]]`: what each says before the
// acknowledgement, and what its job answers, against real PostgreSQL and Redis.

const inv = (user: string, ...args: string[]): Invocation => ({ user, channel: CHANNEL, args, now: new Date() });

describe('/dr drill and /dr drills', () => {
  let h: DrillHarness;
  let svc: SlackServices;
  let ctx: PrepareContext;

  beforeAll(async () => {
    h = await createDrillHarness({ now: new Date().toISOString() });
    h.startWorkers();
    ctx = { config: h.config, incidentCommander: async () => undefined };
    svc = {
      config: h.config,
      pool: h.pool,
      store: h.engine.store,
      engine: h.engine.engine,
      providers: h.service.deps.providers,
      queues: undefined as never,
      client: webClient(h.slack.apiUrl, h.slack.token),
      scrub: (v) => v,
      now: () => new Date(),
      countError: () => undefined,
      warn: () => undefined,
      responseOrigins: [],
    };
  });
  afterAll(async () => h?.close());

  it('refuse bad input and people who may not start drills, before anything is queued', async () => {
    expect(await drillCommand.prepare(inv(OPERATOR), ctx)).toMatchObject({ kind: 'reply', reply: { text: expect.stringContaining('Which database?') } });
    expect(await drillCommand.prepare(inv(OPERATOR, 'ordrs-db'), ctx)).toMatchObject({ reply: { text: expect.stringContaining('did you mean `orders-db`') } });
    expect(await drillCommand.prepare(inv(STRANGER, 'orders-db'), ctx)).toMatchObject({ reply: { text: expect.stringContaining('not an operator of orders-db') }, refusal: { action: 'drill.start_refused' } });
    expect(await drillsCommand.prepare(inv(OPERATOR, 'report'), ctx)).toMatchObject({ reply: { text: expect.stringContaining('Which drill?') } });
    expect(await drillsCommand.prepare(inv(OPERATOR, 'report', 'x1'), ctx)).toMatchObject({ reply: { text: expect.stringContaining('neither a drill ID') } });
    expect(await drillsCommand.prepare(inv(OPERATOR, 'report', 'd-k3m9qz', 'xml'), ctx)).toMatchObject({ reply: { text: expect.stringContaining('Only `json`') } });
    expect(await drillsCommand.prepare(inv(OPERATOR, 'list'), ctx)).toMatchObject({ reply: { text: expect.stringContaining('is not something') } });
  });

  it('start a drill now, then show its scorecard, its JSON and the compliance list', async () => {
    const prepared = await drillCommand.prepare(inv(OPERATOR, 'orders-db'), ctx);
    if (prepared.kind !== 'enqueue') throw new Error('not enqueued');
    const [started] = await drillCommand.execute?.(prepared.data, { user: OPERATOR, channel: CHANNEL }, svc) ?? [];
    const drillId = /Drill `(d-[a-z0-9]+)`/.exec(started?.text ?? '')?.[1] as string;
    expect(started?.text).toMatch(/started as run `r-[a-z0-9]+`/);

    const pending = await drillsCommand.prepare(inv(OPERATOR, 'report', drillId), ctx);
    if (pending.kind !== 'enqueue') throw new Error('not enqueued');
    await h.waitForDrill(drillId, (d) => d.status === 'succeeded', 'the drill to succeed');
    const [card] = (await drillsCommand.execute?.(pending.data, { user: STRANGER, channel: CHANNEL }, svc)) ?? [];
    expect(card?.text).toMatch(/^Drill scorecard: orders-db succeeded; RTO \S+ met; RPO \S+ met; sandbox torn down$/);

    const asJson = await drillsCommand.prepare(inv(OPERATOR, 'report', drillId, 'JSON'), ctx);
    if (asJson.kind !== 'enqueue') throw new Error('not enqueued');
    const [json] = (await drillsCommand.execute?.(asJson.data, { user: STRANGER, channel: CHANNEL }, svc)) ?? [];
    expect(JSON.stringify(json?.blocks)).toContain(`\\"drillId\\": \\"${drillId}\\"`);

    const list = await drillsCommand.prepare(inv(STRANGER), ctx);
    if (list.kind !== 'enqueue') throw new Error('not enqueued');
    const [compliance] = (await drillsCommand.execute?.(list.data, { user: STRANGER, channel: CHANNEL }, svc)) ?? [];
    expect(compliance?.text).toBe('Drill compliance: nothing overdue');
    expect(JSON.stringify(compliance?.blocks)).toContain(`last drill \`${drillId}\` succeeded`);
  });
});
