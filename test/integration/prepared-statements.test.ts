import pg from 'pg';
import { createAppDataSource, PreparingClient } from '@front-counter/database';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// Every parameterised statement is prepared once per connection (PreparingClient, the Client of the
// app's pools and pg-boss's): checked in PostgreSQL's own list of the session's prepared statements.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

const preparedOf = async (client: pg.Client) =>
  (await client.query(`SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time`)).rows as { name: string; statement: string }[];

describe('PreparingClient', () => {
  it('prepares a parameterised statement once on its connection and runs it by name after', async () => {
    const client = new PreparingClient({ connectionString: database.urls.admin });
    await client.connect();
    try {
      const text = 'SELECT $1::int + $2::int AS sum';
      expect((await client.query(text, [1, 2])).rows).toEqual([{ sum: 3 }]);
      expect((await client.query(text, [40, 2])).rows).toEqual([{ sum: 42 }]);
      const prepared = await preparedOf(client);
      expect(prepared.filter((statement) => statement.statement === text)).toEqual([{ name: expect.stringMatching(/^fc_\d+$/), statement: text }]);
      // A statement without parameters goes as a simple query, as before: several in one text still run.
      expect((await client.query(`SELECT set_config('fc.test', 'on', false); SELECT current_setting('fc.test') AS value`)) as unknown as pg.QueryResult[]).toHaveLength(2);
      expect((await preparedOf(client)).some((statement) => statement.statement.includes('fc.test'))).toBe(false);
      // A failing statement fails as it would unprepared, and the connection goes on.
      await expect(client.query('SELECT $1::int / 0 AS nothing', [1])).rejects.toThrow(/division by zero/);
      expect((await client.query('SELECT $1::int / 0 AS nothing', [0]).catch((error: Error) => error.message))).toMatch(/division by zero/);
      expect((await client.query(text, [2, 2])).rows).toEqual([{ sum: 4 }]);
      // Callbacks and query objects pass through untouched.
      const byCallback = await new Promise<unknown>((resolve, reject) => client.query(text, [5, 5], (error: Error | null, result: pg.QueryResult) => (error ? reject(error) : resolve(result.rows))));
      expect(byCallback).toEqual([{ sum: 10 }]);
      expect((await client.query({ text: 'SELECT $1::text AS word', values: ['unnamed'] })).rows).toEqual([{ word: 'unnamed' }]);
    } finally {
      await client.end();
    }
  });

  it('keeps the same name for the same text on every connection, and at most 256 statements prepared on one', async () => {
    const [first, second] = [new PreparingClient({ connectionString: database.urls.admin }), new PreparingClient({ connectionString: database.urls.admin })];
    await Promise.all([first.connect(), second.connect()]);
    try {
      const text = 'SELECT $1::text AS shared';
      await first.query(text, ['a']);
      await second.query(text, ['b']);
      const [[onFirst], [onSecond]] = await Promise.all([first, second].map(async (client) => (await preparedOf(client)).filter((statement) => statement.statement === text)));
      expect(onFirst.name).toBe(onSecond.name);
      // Statements beyond the connection's ceiling still run, unprepared.
      for (let index = 0; index < 300; index++) expect((await first.query(`SELECT $1::int AS n${index}`, [index])).rows).toEqual([{ [`n${index}`]: index }]);
      expect((await preparedOf(first)).length).toBe(256);
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });

  it('is the Client of the application\'s pool: TypeORM\'s statements are prepared', async () => {
    const dataSource = createAppDataSource({ url: database.urls.app, entities: [], poolSize: 1, applicationName: 'prepared-statements-test' });
    await dataSource.initialize();
    try {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('SELECT $1::text AS through_typeorm', ['yes']);
        const names = (await runner.query(`SELECT name FROM pg_prepared_statements WHERE statement = $1`, ['SELECT $1::text AS through_typeorm'])) as { name: string }[];
        expect(names).toEqual([{ name: expect.stringMatching(/^fc_\d+$/) }]);
      } finally {
        await runner.release();
      }
    } finally {
      await dataSource.destroy();
    }
  });
});
