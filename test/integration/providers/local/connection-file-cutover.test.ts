import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionFileCutover } from '../../../../src/providers/local/connection-file-cutover';

describe('connection-file cutover', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let answers: number[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rewind-cf-'));
    server = createServer((_req, res) => {
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/reload`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('survives a failed reload and a retry, and rollback restores the original file', async () => {
    const path = join(dir, 'app.env');
    const original = 'APP_NAME=shop\nDATABASE_URL=postgres://app:orig-s3cret@10.0.0.5:5432/shop\n';
    await writeFile(path, original);
    const cutover = new ConnectionFileCutover({ path, reloadUrl: url });
    const endpoint = { host: '127.0.0.1', port: 6543, database: 'shop', url: 'postgres://app@127.0.0.1:6543/shop' };

    answers = [503];
    await expect(cutover.apply(endpoint, 'r-abc:6')).rejects.toMatchObject({ code: 'APP_RELOAD_FAILED', retryable: true });
    answers = [200];
    const record = await cutover.apply(endpoint, 'r-abc:6');
    expect(await readFile(path, 'utf8')).toBe('APP_NAME=shop\nDATABASE_URL=postgres://app@127.0.0.1:6543/shop\n');
    expect(JSON.stringify(record)).not.toContain('orig-s3cret');

    await cutover.rollback(record);
    expect(await readFile(path, 'utf8')).toBe(original);
  });

  it('rolls back to no DATABASE_URL when there was no file', async () => {
    const path = join(dir, 'fresh.env');
    const cutover = new ConnectionFileCutover({ path });
    const record = await cutover.apply({ host: 'h', port: 1, database: 'd' }, 'r-new:6');
    expect(await readFile(path, 'utf8')).toBe('DATABASE_URL=postgres://h:1/d\n');
    await cutover.rollback(record);
    expect(await readFile(path, 'utf8')).toBe('');
  });
});
