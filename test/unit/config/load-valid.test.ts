import { parseConfig } from '../../../src/config/load';
import type { DatabaseConfigOf } from '../../../src/config/schema';

const FULL = `
timezone: Europe/Berlin
retention: 48h
channels:
  C0123456789: { timezone: America/New_York, incidentCommander: U0IC000001 }
  G0PRIVATE01: {}
databases:
  prod-db-01:
    provider: rds-instance
    production: true
    rto: 15m
    rpo: 5m
    channels: [C0123456789]
    operators: [U0123456789]
    approvers: [U0APPROVER1]
    twoPersonRule: true
    source: { instanceId: prod-db-01, region: eu-central-1 }
    cutover:
      - { type: secrets-manager, secretId: prod/db }
      - { type: kubernetes-restart, namespace: payments, deployments: [api] }
      - type: webhook
        name: pooler
        url: https://pooler.example.com/reload
        headers: { Authorization: "env:POOLER_TOKEN" }
        body: '{"host": "{{host}}"}'
        rollback: { url: "https://pooler.example.com/rollback", headers: { Authorization: "env:POOLER_TOKEN" } }
      - { type: connection-file, path: /etc/app/db.env, reloadUrl: "http://127.0.0.1:8080/reload" }
    healthChecks:
      - { type: http, name: api, url: "https://api.example.com/healthz" }
      - { type: sql, name: writable, query: "select 1", expect: 1 }
    validation:
      - { name: rows, sql: "select count(*) from orders", expect: { op: ">", value: 0 } }
      - { name: fresh, sql: "select max(created_at) from orders", expect: { maxAgeBeforeTarget: 1h30m } }
    drills:
      schedule: "0  3 * * 1"
      channel: C0123456789
      policy: 90d
      freezeWindows: [{ from: "2024-12-20", to: "2025-01-05" }]
  analytics:
    provider: aurora-cluster
    rto: 1h
    rpo: 15m
    operators: [W0123456789]
    source: { clusterId: analytics, instanceClass: db.r6g.large }
  demo-db:
    provider: local-postgres
    rto: 10m
    rpo: 5m
    operators: [U0123456789]
    source: { archiveDir: a, backupDir: b, restoreRoot: c, port: 5433, backupSchedule: "*/30 * * * *" }
`;

describe('a valid rewind.yml', () => {
  const config = parseConfig(FULL);

  it('keeps top-level settings, durations in milliseconds', () => {
    expect(config.timezone).toBe('Europe/Berlin');
    expect(config.retention).toBe(48 * 3_600_000);
    expect(config.channels).toEqual({
      C0123456789: { timezone: 'America/New_York', incidentCommander: 'U0IC000001' },
      G0PRIVATE01: {},
    });
    expect(Object.keys(config.databases)).toEqual(['prod-db-01', 'analytics', 'demo-db']);
  });

  it('fills in defaults and each database name', () => {
    const prod = config.databases['prod-db-01'];
    expect(prod).toMatchObject({ name: 'prod-db-01', provider: 'rds-instance', production: true, rto: 900_000, rpo: 300_000, twoPersonRule: true });
    expect(prod?.cutover[2]).toEqual({
      type: 'webhook',
      name: 'pooler',
      url: 'https://pooler.example.com/reload',
      method: 'POST',
      headers: { Authorization: 'env:POOLER_TOKEN' },
      body: '{"host": "{{host}}"}',
      rollback: { url: 'https://pooler.example.com/rollback', method: 'POST', headers: { Authorization: 'env:POOLER_TOKEN' } },
    });
    expect(prod?.healthChecks).toEqual([
      { type: 'http', name: 'api', url: 'https://api.example.com/healthz', expectStatus: 200, timeout: 5_000, retries: 3 },
      { type: 'sql', name: 'writable', query: 'select 1', expect: '1' },
    ]);
    expect(prod?.validation[1]).toEqual({ name: 'fresh', sql: 'select max(created_at) from orders', expect: { maxAgeBeforeTarget: 5_400_000 } });
    // The drill inherits the top-level time zone; the schedule is normalised to single spaces.
    expect(prod?.drills).toEqual({
      schedule: '0 3 * * 1',
      timezone: 'Europe/Berlin',
      channel: 'C0123456789',
      policy: 90 * 86_400_000,
      announceBefore: 1_800_000,
      target: 'latest',
      freezeWindows: [{ from: '2024-12-20', to: '2025-01-05' }],
    });

    const analytics = config.databases.analytics;
    expect(analytics).toEqual({
      name: 'analytics',
      provider: 'aurora-cluster',
      production: false,
      rto: 3_600_000,
      rpo: 900_000,
      operators: ['W0123456789'],
      approvers: [],
      twoPersonRule: false,
      cutover: [],
      healthChecks: [],
      validation: [],
      source: { clusterId: 'analytics', instanceClass: 'db.r6g.large' },
    });
  });

  it('narrows by provider', () => {
    const demo = config.databases['demo-db'];
    if (demo?.provider !== 'local-postgres') throw new Error('expected demo-db to be local-postgres');
    const local: DatabaseConfigOf<'local-postgres'> = demo;
    expect(local.source).toEqual({ archiveDir: 'a', backupDir: 'b', restoreRoot: 'c', port: 5433, backupSchedule: '*/30 * * * *' });
  });

  it('applies top-level defaults', () => {
    const minimal = parseConfig('databases:\n  db:\n    provider: rds-instance\n    rto: 1h\n    rpo: 1m\n    operators: [U0123456789]\n    source: { instanceId: db }\n');
    expect(minimal.timezone).toBe('UTC');
    expect(minimal.retention).toBe(72 * 3_600_000);
    expect(minimal.channels).toEqual({});
    expect(minimal.databases.db?.channels).toBeUndefined();
  });

  it('supports anchors and merge keys for shared settings', () => {
    const shared = [
      'x-team: &team',
      '  operators: [U0123456789]',
      '  approvers: [U0APPROVER1]',
    ].join('\n');
    // Unknown top-level keys are refused, so anchors live inside a database entry instead.
    expect(() => parseConfig(`${shared}\ndatabases: {}`)).toThrow('unknown key "x-team"');
    const text = [
      'databases:',
      '  a:',
      '    provider: rds-instance',
      '    rto: 1h',
      '    rpo: 1m',
      '    operators: &ops [U0123456789]',
      '    source: { instanceId: a }',
      '  b:',
      '    provider: rds-instance',
      '    rto: 1h',
      '    rpo: 1m',
      '    operators: *ops',
      '    source: { instanceId: b }',
      '  c: &c',
      '    provider: rds-instance',
      '    rto: 2h',
      '    rpo: 1m',
      '    operators: [U0123456789]',
      '    source: { instanceId: c }',
      '  d:',
      '    <<: *c',
      '    source: { instanceId: d }',
    ].join('\n');
    const config = parseConfig(text);
    expect(config.databases.b?.operators).toEqual(['U0123456789']);
    expect(config.databases.d).toMatchObject({ name: 'd', rto: 7_200_000, source: { instanceId: 'd' } });
  });
});
