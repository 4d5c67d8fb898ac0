import type { Pool } from 'pg';
import type { CheckResult, Cutover, CutoverRecord, DatabaseProviders, Endpoint, PollResult, RecoverySource, ResourceRef, RestoreRequest, SourceDescription } from '../../src/providers/ports';

/**
 * A recovery source and cutover whose side effects are rows in PostgreSQL: restores are keyed by
 * their deterministic name (so a repeated call adopts), cutovers by their idempotency key.
 */
export async function createProviderTables(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS test_resources (name text PRIMARY KEY, run_id text, polls int NOT NULL DEFAULT 0, discarded boolean NOT NULL DEFAULT false);
    CREATE TABLE IF NOT EXISTS test_restore_calls (id bigserial PRIMARY KEY, name text);
    CREATE TABLE IF NOT EXISTS test_cutovers (key text PRIMARY KEY, host text, rolled_back boolean NOT NULL DEFAULT false);`);
}

export interface CountingOptions {
  window: { earliest: Date; latest: Date };
  pollsUntilAvailable?: number;
  healthy?: () => boolean;
}

export class CountingRecoverySource implements RecoverySource {
  constructor(private readonly pool: Pool, private readonly o: CountingOptions) {}

  async describe(): Promise<SourceDescription> {
    return { engine: 'postgres', window: this.o.window, backups: [{ id: 'backup-1', finishedAt: this.o.window.earliest, valid: true }] };
  }

  async startRestore(req: RestoreRequest): Promise<ResourceRef> {
    await this.pool.query('INSERT INTO test_restore_calls (name) VALUES ($1)', [req.name]);
    await this.pool.query('INSERT INTO test_resources (name, run_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [req.name, req.tags['rewind-run']]);
    return { provider: 'counting', id: req.name };
  }

  async poll(ref: ResourceRef): Promise<PollResult> {
    const { rows } = await this.pool.query('UPDATE test_resources SET polls = polls + 1 WHERE name = $1 RETURNING polls, discarded', [ref.id]);
    const row = rows[0];
    if (!row || row.discarded) return { state: 'failed', reason: `${ref.id} does not exist` };
    if (row.polls <= (this.o.pollsUntilAvailable ?? 1)) return { state: 'pending', retryAfterMs: 20, detail: `${ref.id} is creating` };
    return { state: 'available', endpoint: { host: `${ref.id}.local`, port: 5432, database: 'app', url: `postgres://app:s3cret-pw@${ref.id}.local:5432/app` } };
  }

  async discard(ref: ResourceRef): Promise<void> {
    await this.pool.query('UPDATE test_resources SET discarded = true WHERE name = $1', [ref.id]);
  }
}

export class CountingCutover implements Cutover {
  constructor(private readonly pool: Pool) {}
  async plan(endpoint: Endpoint): Promise<string> {
    return `DATABASE_HOST → ${endpoint.host}`;
  }
  async apply(endpoint: Endpoint, key: string): Promise<CutoverRecord> {
    await this.pool.query('INSERT INTO test_cutovers (key, host) VALUES ($1, $2) ON CONFLICT DO NOTHING', [key, endpoint.host]);
    return { kind: 'counting', key };
  }
  async rollback(record: CutoverRecord): Promise<void> {
    await this.pool.query('UPDATE test_cutovers SET rolled_back = true WHERE key = $1', [record.key]);
  }
}

export function countingProviders(pool: Pool, o: CountingOptions): DatabaseProviders {
  const healthy = o.healthy ?? (() => true);
  return {
    source: new CountingRecoverySource(pool, o),
    cutovers: [{ name: 'app secret', cutover: new CountingCutover(pool) }],
    validator: {
      async validate(): Promise<CheckResult[]> {
        return [{ name: 'orders rows', passed: true, value: '42', expected: '> 0' }];
      },
    },
    healthChecks: [{ name: 'app', check: { check: async () => ({ name: 'app', passed: healthy(), value: healthy() ? '200' : '503', expected: '200' }) } }],
  };
}
