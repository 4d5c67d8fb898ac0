/** What the demo app knows about the database it is connected to. */
export type AppStatus =
  | {
      ok: true;
      database: string;
      dataDirectory: string;
      readOnly: boolean;
      orders: number;
      newestOrder: { id: number; createdAt: string; customer: string; item: string } | null;
    }
  | { ok: false; database: string; error: string };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The demo app's page: which cluster it uses and its newest order; reloads itself every 2 s. */
export function renderAppPage(s: AppStatus): string {
  const body = s.ok
    ? `<p class="ok">Connected to <b>${escapeHtml(s.database)}</b>${s.readOnly ? ' (read-only: still in recovery)' : ''}</p>
<p>Data directory: <code>${escapeHtml(s.dataDirectory)}</code></p>
<p>${s.orders.toLocaleString('en-US')} orders. ${
        s.newestOrder
          ? `Newest: #${s.newestOrder.id}, ${escapeHtml(s.newestOrder.customer)} ordered ${escapeHtml(s.newestOrder.item)} at <time>${escapeHtml(s.newestOrder.createdAt)}</time>.`
          : 'No orders yet.'
      }</p>`
    : `<p class="bad">Cannot reach <b>${escapeHtml(s.database)}</b>: ${escapeHtml(s.error)}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Demo shop</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:48rem}code{background:#f3f3f3;padding:0 .3em}.ok b{color:#1a7f37}.bad{color:#b42318}</style>
</head><body><h1>Demo shop</h1>
${body}
<p><small>This page is the application Rewind cuts over: it reads DATABASE_URL from its connection file on start and on POST /reload.</small></p>
</body></html>
`;
}
