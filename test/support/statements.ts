import pg from 'pg';

/** The text of every statement any pg client sends while `work` runs that matches `pattern`, in order. */
export async function statementsDuring(pattern: RegExp, work: () => Promise<void>): Promise<string[]> {
  const original = pg.Client.prototype.query;
  const seen: string[] = [];
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    if (text && pattern.test(text)) seen.push(text);
    return (original as (...rest: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = original;
  }
  return seen;
}
