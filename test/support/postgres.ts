/**
 * PostgreSQL for tests. `DATABASE_URL` (set by `.ci/run`, or `eval "$(scripts/pg-start.sh)"`
 * locally) names a server; each suite gets its own fresh database on it, so runs and parallel
 * test files never see each other's rows, and drops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The server to test against, or undefined (DATABASE_URL unset or empty) to skip the PostgreSQL
 * pass. A DATABASE_URL that is set but is not a postgres:// URL stops the run: skipping every
 * PostgreSQL test on a typo would look like a pass.
 */
export const postgresUrl: string | undefined = checkedUrl(process.env.DATABASE_URL);

function checkedUrl(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`DATABASE_URL is set but is not a postgres:// or postgresql:// URL; fix it or unset it to run on SQLite only`);
  }
  return url;
}

/** A database made for one suite. */
export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, disconnecting anyone still using it. */
  drop(): Promise<void>;
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the server at `DATABASE_URL`. */
export async function createTestDatabase(serverUrl: string | undefined = postgresUrl): Promise<TestDatabase> {
  if (serverUrl === undefined) throw new Error('DATABASE_URL is not set; start one with: eval "$(scripts/pg-start.sh)"');
  const name = `motcua_test_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
