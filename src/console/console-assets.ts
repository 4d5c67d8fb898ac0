import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';

/**
 * The page's files (plain browser JS modules, CSS, HTML) read from `src/console/assets/` at
 * request time, so they need no bundler and edits show on reload. Only flat names with a
 * known extension are served, which rules out path traversal.
 */
const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Next to this file when run from source; from the source tree when run from a `tsc` build. */
export function assetsDir(): string {
  const beside = join(__dirname, 'assets');
  return existsSync(beside) ? beside : resolve(process.cwd(), 'src', 'console', 'assets');
}

/** Serves `name` from the assets folder; answers 404 for anything else. */
export async function serveAsset(res: ServerResponse, name: string, dir: string = assetsDir()): Promise<void> {
  const m = /^([a-z0-9-]+)\.([a-z]+)$/.exec(name);
  const type = m?.[2] === undefined ? undefined : TYPES[m[2]];
  if (!type) return notFound(res);
  let body: Buffer;
  try {
    body = await readFile(join(dir, name));
  } catch {
    return notFound(res);
  }
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('not found');
}
