import { createMetrics, labelValue } from '../../../src/observability/metrics';

describe('createMetrics', () => {
  it('gives every call its own registry with the Rewind metrics', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.observeStep('restore', 'succeeded', 42);
    const textA = await a.registry.metrics();
    const textB = await b.registry.metrics();
    expect(textA).toContain('rewind_step_duration_seconds_count{kind="restore",outcome="succeeded"} 1');
    expect(textB).not.toContain('kind="restore"');
    for (const name of ['rewind_runs', 'rewind_step_duration_seconds', 'rewind_queue_depth', 'rewind_slack_api_errors_total']) {
      expect(textB).toContain(`# TYPE ${name} `);
    }
  });

  it('includes process metrics by default', async () => {
    const m = createMetrics();
    expect(await m.registry.metrics()).toContain('process_cpu_user_seconds_total');
  });

  it('counts Slack errors with bounded label values', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.countSlackError('chat.update', 'ratelimited');
    m.countSlackError('chat.update', 'ratelimited');
    m.countSlackError('chat.postMessage', 'Some Weird\nError "text"');
    const text = await m.registry.metrics();
    expect(text).toContain('rewind_slack_api_errors_total{method="chat.update",error="ratelimited"} 2');
    expect(text).toContain('rewind_slack_api_errors_total{method="chat.postmessage",error="some_weird_error_text_"} 1');
  });

  it('fills the run and queue gauges from callbacks on every scrape', async () => {
    const m = createMetrics({ defaultMetrics: false });
    let running = 2;
    m.setRunCounter(async () => ({ running, awaiting_approval: 1 }));
    m.setQueueDepthSource(async () => ({ steps: { waiting: 3, delayed: 1 }, messages: { waiting: 0 } }));
    let text = await m.registry.metrics();
    expect(text).toContain('rewind_runs{status="running"} 2');
    expect(text).toContain('rewind_runs{status="awaiting_approval"} 1');
    expect(text).toContain('rewind_queue_depth{queue="steps",state="waiting"} 3');
    expect(text).toContain('rewind_queue_depth{queue="steps",state="delayed"} 1');
    expect(text).toContain('rewind_queue_depth{queue="messages",state="waiting"} 0');
    running = 5;
    text = await m.registry.metrics();
    expect(text).toContain('rewind_runs{status="running"} 5');
  });

  it('keeps scraping when a callback fails, leaving that gauge empty', async () => {
    const failures: string[] = [];
    const m = createMetrics({ defaultMetrics: false, onCollectError: (metric) => failures.push(metric) });
    let fail = false;
    m.setRunCounter(async () => {
      if (fail) throw new Error('store down');
      return { running: 1 };
    });
    expect(await m.registry.metrics()).toContain('rewind_runs{status="running"} 1');
    fail = true;
    const text = await m.registry.metrics();
    expect(text).not.toContain('rewind_runs{');
    expect(text).toContain('# TYPE rewind_step_duration_seconds histogram');
    expect(failures).toEqual(['rewind_runs']);
  });
});

describe('labelValue', () => {
  it('squeezes arbitrary text into a short safe label', () => {
    expect(labelValue('channel_not_found')).toBe('channel_not_found');
    expect(labelValue('')).toBe('unknown');
    expect(labelValue('x'.repeat(100))).toHaveLength(64);
  });
});
