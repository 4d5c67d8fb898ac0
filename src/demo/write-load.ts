import { Client } from 'pg';
import { CUSTOMERS, ITEMS } from './demo-dataset';

export interface WriteLoadOptions {
  url: string;
  intervalMs: number;
  /** Told once when inserts start failing and once when they work again. */
  onTrouble?: (message: string) => void;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

/**
 * A steady stream of orders into the source, one insert (its own transaction) every
 * `intervalMs`, so a point-in-time restore always has something to leave out. Inserts never
 * overlap; a failed one is retried on the next tick with a new connection.
 */
export class WriteLoad {
  inserted = 0;
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private stopped = false;
  private failing = false;

  constructor(private readonly o: WriteLoadOptions) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.tick().finally(() => this.schedule());
    }, this.o.intervalMs);
  }

  private async tick(): Promise<void> {
    try {
      if (!this.client) {
        const client = new Client({ connectionString: this.o.url, connectionTimeoutMillis: 2000 });
        client.on('error', () => undefined);
        await client.connect();
        this.client = client;
      }
      await this.client.query('INSERT INTO orders (customer, item, quantity, amount_cents) VALUES ($1, $2, $3, $4)', [
        pick(CUSTOMERS),
        pick(ITEMS),
        1 + Math.floor(Math.random() * 4),
        250 + Math.floor(Math.random() * 2000),
      ]);
      this.inserted++;
      if (this.failing) {
        this.failing = false;
        this.o.onTrouble?.('write load: inserting orders again');
      }
    } catch (err) {
      const old = this.client;
      this.client = undefined;
      await old?.end().catch(() => undefined);
      if (!this.failing && !this.stopped) {
        this.failing = true;
        this.o.onTrouble?.(`write load: an insert into the source failed (${(err as Error).message}); retrying every ${this.o.intervalMs} ms`);
      }
    }
  }
}
