import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load';

const ROOT = join(__dirname, '..', '..', '..');

describe('shipped configuration files', () => {
  it('rewind.example.yml loads and shows every provider', () => {
    const config = loadConfig(join(ROOT, 'rewind.example.yml'));
    const providers = Object.values(config.databases).map((db) => db.provider);
    expect(providers).toEqual(['rds-instance', 'aurora-cluster', 'local-postgres']);
    const prod = config.databases['prod-db-01'];
    expect(prod?.production).toBe(true);
    expect(prod?.cutover.map((step) => step.type)).toEqual(['secrets-manager', 'kubernetes-restart', 'webhook']);
    expect(prod?.healthChecks.some((check) => check.type === 'http')).toBe(true);
    expect(prod?.validation.length).toBeGreaterThan(0);
    expect(prod?.drills?.schedule).toBe('0 3 * * 1');
    expect(config.databases['demo-db']?.provider).toBe('local-postgres');
  });

  it('config/demo.yml is the embedded default: one local demo-db', () => {
    const config = loadConfig(join(ROOT, 'config', 'demo.yml'));
    expect(Object.keys(config.databases)).toEqual(['demo-db']);
    const demo = config.databases['demo-db'];
    if (demo?.provider !== 'local-postgres') throw new Error('demo-db must be a local-postgres database');
    expect(demo).toMatchObject({ rto: 600_000, rpo: 300_000, channels: ['C0DEMOCHAN1'] });
    expect(demo.operators).toContain('U0DEMOREQ01');
    expect(demo.approvers).toContain('U0DEMOIC001');
    expect(config.channels.C0DEMOCHAN1?.incidentCommander).toBe('U0DEMOIC001');
    for (const dir of [demo.source.archiveDir, demo.source.backupDir, demo.source.restoreRoot]) expect(dir).toMatch(/^\.rewind\/demo\//);
    expect(demo.cutover).toEqual([{ type: 'connection-file', path: '.rewind/demo/app.env', reloadUrl: 'http://127.0.0.1:3100/reload' }]);
    expect(demo.healthChecks).toEqual([expect.objectContaining({ type: 'http', url: 'http://127.0.0.1:3100/healthz' })]);
    expect(demo.validation).toEqual([
      { name: 'orders-not-empty', sql: 'select count(*) from orders', expect: { op: '>', value: 0 } },
      { name: 'orders-fresh', sql: 'select max(created_at) from orders', expect: { maxAgeBeforeTarget: 300_000 } },
    ]);
    expect(demo.drills?.channel).toBe('C0DEMOCHAN1');
  });
});
