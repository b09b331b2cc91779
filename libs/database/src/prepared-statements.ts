import pg from 'pg';

// Every parameterised statement the application sends is a fixed text from its code (TypeORM's
// generated SQL, the repositories' own, pg-boss's). Sent unnamed, PostgreSQL parses, analyses and
// plans each one afresh on every call; named, a connection parses it once and, once its plan proves
// stable, plans it once too. On the public journey that was a third of the database's CPU.

/** At most this many distinct statements are named in one process; any beyond are sent unnamed, as before. */
const MAX_NAMED_STATEMENTS = 2048;
/** At most this many statements are kept prepared on one connection (each holds its parse tree and plan in the server's memory). */
const MAX_PREPARED_PER_CONNECTION = 256;

/** One name per statement text, the same on every connection of the process. */
const statementNames = new Map<string, string>();

function nameOf(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) statementNames.set(text, (name = `fc_${statementNames.size + 1}`));
  return name;
}

/**
 * node-postgres's client, with every parameterised statement prepared once per connection under a
 * name of its text. A statement without parameters (possibly several statements in one text, like
 * "START TRANSACTION; SELECT set_config(...)") goes as a simple query, as before. Pools take it as
 * their `Client` option.
 */
export class PreparingClient extends pg.Client {
  private readonly prepared = new Set<string>();

  // node-postgres's query() has a dozen overloads; this one only adds a name to the (text, values) form.
  override query(...args: any[]): any {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = nameOf(text);
      if (name !== undefined && (this.prepared.has(name) || this.prepared.size < MAX_PREPARED_PER_CONNECTION)) {
        this.prepared.add(name);
        return super.query({ name, text, values }, ...args.slice(2));
      }
    }
    return (super.query as (...rest: any[]) => any)(...args);
  }
}
