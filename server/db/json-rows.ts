// Many values in one bound parameter. node-sqlite3 converts every bound parameter on the event loop's thread (about
// half a microsecond each): a batch of 200 check-ins wrote ~6,400 values, and binding them cost the server more than
// any other step of the batch. Sent as one JSON text, the values are unpacked by SQLite on its own thread
// (json_each), and the statement's text no longer depends on the number of rows, so one prepared statement serves
// every batch size.
import { sql, type Insertable, type Kysely, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import type { DB } from './types.ts';

type Executor = Kysely<DB> | Transaction<DB>;
type JsonScalar = string | number | null;
type JsonValue = JsonScalar | object;

/**
 * An object or array to store as JSON text in a TEXT column. It travels inside the rows' one JSON value and SQLite
 * writes out its text, so it is encoded once, where JSON.stringify first would encode it twice (the second time
 * escaping every quote of the first).
 */
export class JsonText {
  readonly value: object;

  constructor(value: object) {
    if (typeof value !== 'object' || value === null) throw new TypeError('JsonText: an object or an array');
    this.value = value;
  }
}

/** A row whose text columns may also take a {@link JsonText}. */
export type JsonRow<T> = { [K in keyof T]: T[K] | (string extends T[K] ? JsonText : never) };

/**
 * `(first, second) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`: each pair is looked up in an index on
 * (first, second), where two IN lists would look up every combination of their values. A partial index
 * (`WHERE second IS NOT NULL`) is used only if the query also says `second IS NOT NULL`.
 */
export function pairIn(first: string, second: string, pairs: Iterable<readonly [string | number, string | number]>): RawBuilder<SqlBool> {
  const packed = JSON.stringify([...pairs].map(([a, b]) => [scalar(a, first), scalar(b, second)]));
  return sql<SqlBool>`(${sql.ref(first)}, ${sql.ref(second)}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(${packed}))`;
}

/**
 * Inserts the rows in one statement with one bound parameter, in the order given. Every row gives the same
 * columns (those of the first row); values are strings, finite numbers, booleans (stored 1/0), null or
 * {@link JsonText}, stored with the types they would have had if bound one by one (JsonText as its JSON text).
 */
export async function insertJsonRows<T extends keyof DB & string>(db: Executor, table: T, rows: readonly JsonRow<Insertable<DB[T]>>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  // Plain loops: this runs for every value of every batch of check-ins, and allocates only the packed arrays.
  const packed: JsonValue[][] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const record = rows[r] as Record<string, unknown>;
    let given = 0;
    for (const column in record) if (Object.hasOwn(record, column)) given++;
    if (given !== columns.length) throw new TypeError(`insertJsonRows(${table}): every row must give the columns of the first row (${columns.join(', ')})`);
    const values: JsonValue[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const value = record[columns[c]!];
      // `->>` gives an object's or an array's JSON text.
      values[c] = value instanceof JsonText ? value.value : scalar(value, table, columns[c]!);
    }
    packed[r] = values;
  }
  const picks = sql.join(columns.map((_, i) => sql.raw(`value ->> ${i}`)));
  await db
    .insertInto(table)
    .columns(columns as never)
    .expression(sql`SELECT ${picks} FROM json_each(${JSON.stringify(packed)}) ORDER BY key`)
    .execute();
}

/** A value as JSON keeps its SQLite type through `->>`: integers stay INTEGER, other numbers REAL, strings TEXT. */
function scalar(value: unknown, where: string, column?: string): JsonScalar {
  switch (typeof value) {
    case 'string':
      // A lone surrogate becomes U+FFFD, as it would when bound as a parameter.
      return value.isWellFormed() ? value : value.toWellFormed();
    case 'number':
      if (Number.isFinite(value)) return value;
      break;
    case 'boolean':
      return value ? 1 : 0;
    case 'object':
      if (value === null) return null;
      break;
  }
  throw new TypeError(`${column === undefined ? where : `${where}.${column}`}: ${String(value)} cannot be sent as JSON (strings, finite numbers, booleans and null only)`);
}
