import { button, confirmDialog, context, header, section } from '../../../src/slack/blocks';
import { dualClock, humanDuration } from '../../../src/slack/format';
import { escapeClip, escapeMrkdwn, mention, truncate } from '../../../src/slack/mrkdwn';
import { percent, progressBar } from '../../../src/slack/progress-bar';

describe('mrkdwn helpers', () => {
  it('escapes the characters that could ping or forge links', () => {
    expect(escapeMrkdwn('<!channel> & <@U0ADMIN01|admin>')).toBe('&lt;!channel&gt; &amp; &lt;@U0ADMIN01|admin&gt;');
  });

  it('truncates with an ellipsis without splitting surrogate pairs', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });

  it('clips after escaping without splitting an entity', () => {
    const clipped = escapeClip('<<<<<<<<<<', 10);
    expect(clipped.length).toBeLessThanOrEqual(10);
    expect(clipped).toMatch(/^(&lt;)*…$/);
  });

  it('mentions only real user IDs', () => {
    expect(mention('U0OPERATOR1')).toBe('<@U0OPERATOR1>');
    expect(mention('scheduler')).toBe('scheduler');
    expect(mention('<!here>')).toBe('&lt;!here&gt;');
  });
});

describe('progress bar and formats', () => {
  it('draws a clamped bar and a capped percentage', () => {
    expect(progressBar(0.5, 10)).toBe('█████░░░░░');
    expect(progressBar(2, 4)).toBe('████');
    expect(progressBar(-1, 4)).toBe('░░░░');
    expect(progressBar(Number.NaN, 4)).toBe('░░░░');
    expect(percent(0.413)).toBe('41%');
    expect(percent(50)).toBe('999%');
    expect(percent(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('formats durations to the second below an hour and to the minute above', () => {
    expect(humanDuration(372_400)).toBe('6m12s');
    expect(humanDuration(3_930_000)).toBe('1h6m');
    expect(humanDuration(400)).toBe('0s');
  });

  it('shows clock times in UTC and the zone', () => {
    expect(dualClock(new Date('2024-05-01T10:04:00Z'), 'Europe/Berlin')).toBe('10:04 UTC (12:04 CEST)');
    expect(dualClock(new Date('2024-05-01T10:04:00Z'), 'UTC')).toBe('10:04 UTC');
  });
});

describe('block builders clamp to Slack limits', () => {
  it('clamps each kind of text', () => {
    expect(header('h'.repeat(400)).text.text).toHaveLength(150);
    expect(section('s'.repeat(4000)).text.text).toHaveLength(3000);
    expect(context(Array.from({ length: 12 }, () => 'c')).elements).toHaveLength(10);
    expect(context([]).elements).toEqual([{ type: 'mrkdwn', text: ' ' }]);
    const b = button({ text: 'b'.repeat(100), actionId: 'rewind.x', confirm: confirmDialog({ title: 't'.repeat(200), text: 'x'.repeat(400), confirm: 'c'.repeat(40) }) });
    expect([b.text.text.length, b.confirm?.title.text.length, b.confirm?.text.text.length, b.confirm?.confirm.text.length, b.confirm?.deny.text]).toEqual([75, 100, 300, 30, 'Cancel']);
  });
});
