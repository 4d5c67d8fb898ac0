import { Client } from 'pg';

/** The connection string of a database in the demo source cluster (trust auth, 127.0.0.1 only). */
export function sourceUrl(port: number, database: string): string {
  return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

export const CUSTOMERS = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Edsger', 'Frances'];
export const ITEMS = ['espresso', 'flat white', 'croissant', 'bagel', 'cold brew', 'muffin', 'chai', 'cookie', 'latte', 'scone'];

const ORDERS_TABLE = `
CREATE TABLE IF NOT EXISTS orders (
  id bigserial PRIMARY KEY,
  customer text NOT NULL,
  item text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  amount_cents int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS orders_created_at ON orders (created_at)`;

/**
 * Makes sure the demo database and its `orders` table exist; an empty table gets `seedOrders`
 * rows, spread over the time before now (one every half second). Returns the row count.
 */
export async function ensureDataset(port: number, database: string, seedOrders: number): Promise<{ orders: number; seeded: boolean }> {
  const admin = new Client({ connectionString: sourceUrl(port, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!found.rowCount) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  const db = new Client({ connectionString: sourceUrl(port, database) });
  await db.connect();
  try {
    await db.query(ORDERS_TABLE);
    const before = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM orders')).rows[0]?.n ?? 0);
    if (before > 0) return { orders: before, seeded: false };
    await db.query(
      `INSERT INTO orders (customer, item, quantity, amount_cents, created_at)
       SELECT ($2::text[])[1 + i % array_length($2::text[], 1)],
              ($3::text[])[1 + (i * 7) % array_length($3::text[], 1)],
              1 + i % 4, 250 + (i * 37) % 2000,
              now() - ($1::int - i) * interval '500 milliseconds'
       FROM generate_series(1, $1::int) AS i`,
      [seedOrders, CUSTOMERS, ITEMS],
    );
    return { orders: seedOrders, seeded: true };
  } finally {
    await db.end();
  }
}
