/**
 * A text progress bar for the RTO: `width` cells of █ (done) and ░ (left), clamped to [0, 1].
 * NaN counts as 0 so a bad input draws an empty bar rather than throwing.
 */
export function progressBar(fraction: number, width = 20): string {
  const cells = Math.max(1, Math.floor(width));
  const f = Number.isNaN(fraction) ? 0 : Math.min(1, Math.max(0, fraction));
  const done = Math.round(f * cells);
  return '█'.repeat(done) + '░'.repeat(cells - done);
}

/** "41%", capped at 999% so a long-overdue run does not print absurd numbers. */
export function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  return `${Math.min(999, Math.max(0, Math.round(fraction * 100)))}%`;
}
