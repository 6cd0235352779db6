// Kysely dialect over the asynchronous `sqlite3` driver: one serialized writer connection plus read-only readers.
import sqlite3 from 'sqlite3';
import {
  AbortedTransactionError,
  AliasNode,
  CompiledQuery,
  DeleteQueryNode,
  IdentifierNode,
  InsertQueryNode,
  TableNode,
  UpdateQueryNode,
  RawNode,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type OperationNode,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { ChangedTables } from './table-changes.ts';

/** Which pool a connection belongs to; passed to `onOpen`. */
export type ConnectionRole = 'writer' | 'reader';

/** Options for {@link createSqliteDialect}. */
export interface SqliteDialectOptions {
  /** Database file path; ':memory:' (or '') forces a single writer connection. */
  filename: string;
  /** Read-only connections for SELECTs outside transactions (default 2; 0 = writer only). */
  readers?: number;
  /** `PRAGMA busy_timeout` for every connection (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Called once per connection after the standard pragmas, e.g. to register functions. */
  onOpen?: (connection: sqlite3.Database, role: ConnectionRole) => void | Promise<void>;
  /** Called after a write statement or a transaction succeeded, with the tables it wrote (null: unknown). */
  onWrite?: (tables: ChangedTables) => void;
  /** How soon after a commit the background checkpoint runs (default 500 ms; file databases only). */
  checkpointDelayMs?: number;
}

// A read-only connection and how many statements are queued on it (to pick the least busy).
interface ReaderSlot {
  db: Connection;
  pending: number;
}

const DEFAULT_READERS = 2;
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_STREAM_CHUNK_SIZE = 100;
const DEFAULT_CHECKPOINT_DELAY_MS = 500;
/** Prepared statements kept per connection (least recently used go first). */
const STATEMENT_CACHE_SIZE = 300;

// Raw SQL is opaque to Kysely, so we classify it by its text. Anything not clearly a plain
// read is treated as a write, which is always safe (it only costs taking the writer lock).
const RAW_READ_ONLY = /^\s*(select\b|with\b(?![\s\S]*\b(insert|update|delete|replace)\b))/i;
const RAW_RETURNS_ROWS = /^\s*(select|with|values|pragma|explain)\b|\breturning\b/i;
const RAW_INSERT = /^\s*(insert|replace)\b/i;

/** Creates the Kysely dialect; `db.destroy()` waits for running work and closes every connection. */
export function createSqliteDialect(options: SqliteDialectOptions): Dialect {
  return new AsyncSqliteDialect(options);
}

/** Dialect glue: our driver plus Kysely's own SQLite compiler, adapter and introspector. */
export class AsyncSqliteDialect implements Dialect {
  readonly #options: SqliteDialectOptions;

  constructor(options: SqliteDialectOptions) {
    this.#options = { ...options };
  }

  createDriver(): Driver {
    return new AsyncSqliteDriver(this.#options);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  // The dialect API hands over a database of any schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** FIFO mutex guarding the writer connection (single write statements and whole transactions). */
export class WriteLock {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    const next = this.#waiters.shift();
    // Hand ownership straight to the next waiter (the lock stays taken) so nobody can barge in.
    if (next) next();
    else this.#locked = false;
  }
}

/** Kysely Driver: routes each statement to the writer (under the lock) or to a reader. */
export class AsyncSqliteDriver implements Driver {
  readonly #filename: string;
  readonly #readerCount: number;
  readonly #busyTimeoutMs: number;
  readonly #onOpen: SqliteDialectOptions['onOpen'];
  readonly #onWrite: NonNullable<SqliteDialectOptions['onWrite']>;
  readonly #checkpointDelayMs: number | undefined;
  readonly #writeLock = new WriteLock();
  readonly #readsInFlight = new Set<Promise<unknown>>();
  #writer: Connection | undefined;
  #readers: ReaderSlot[] = [];
  #checkpointer: WalCheckpointer | undefined;
  #closed = false;

  constructor(options: SqliteDialectOptions) {
    const inMemory = options.filename === ':memory:' || options.filename === '';
    this.#filename = options.filename;
    // A private in-memory database cannot be shared between connections.
    this.#readerCount = inMemory ? 0 : Math.max(0, options.readers ?? DEFAULT_READERS);
    this.#busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.#onOpen = options.onOpen;
    this.#onWrite = options.onWrite ?? (() => undefined);
    this.#checkpointDelayMs = inMemory ? undefined : (options.checkpointDelayMs ?? DEFAULT_CHECKPOINT_DELAY_MS);
  }

  async init(): Promise<void> {
    const opened: sqlite3.Database[] = [];
    try {
      // The writer goes first: it creates the file and switches it to WAL, which readers rely on.
      const writer = await openDatabase(this.#filename, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
      opened.push(writer);
      await this.#configure(writer, 'writer');
      const readers: sqlite3.Database[] = [];
      for (let i = 0; i < this.#readerCount; i++) {
        const reader = await openDatabase(this.#filename, sqlite3.OPEN_READONLY);
        opened.push(reader);
        await this.#configure(reader, 'reader');
        readers.push(reader);
      }
      if (this.#checkpointDelayMs !== undefined) {
        const checkpointer = await openDatabase(this.#filename, sqlite3.OPEN_READWRITE);
        opened.push(checkpointer);
        await allRows(checkpointer, `PRAGMA busy_timeout = ${Math.trunc(this.#busyTimeoutMs)}`, []);
        await allRows(checkpointer, 'PRAGMA synchronous = NORMAL', []);
        // The writer's COMMITs no longer copy the WAL into the database file: the checkpointer does, in between.
        await allRows(writer, 'PRAGMA wal_autocheckpoint = 0', []);
        this.#checkpointer = new WalCheckpointer(checkpointer, this.#checkpointDelayMs);
      }
      this.#writer = new Connection(writer);
      this.#readers = readers.map((db) => ({ db: new Connection(db), pending: 0 }));
    } catch (error) {
      await Promise.allSettled(opened.map(closeDatabase));
      throw error;
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // Kysely acquires before it knows whether a transaction follows, so hand out a cheap handle
    // that picks the real connection per statement.
    return new AsyncSqliteConnection(this);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // SQLite transactions are serializable. 'read committed' is taken as leave to start the transaction's first
    // reads before BEGIN IMMEDIATE has answered (one trip to the thread pool instead of two): they see what was
    // committed when they ran, and this process writes nothing meanwhile (it holds the writer lock); only another
    // process's commit could fall between them and the BEGIN. Writes always wait for the BEGIN.
    await asHandle(connection).begin({ readsMayPrecedeBegin: settings.isolationLevel === 'read committed' });
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await asHandle(connection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await asHandle(connection).rollback();
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('savepoint', name), createQueryId()));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('rollback to', name), createQueryId()));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('release', name), createQueryId()));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const handle = asHandle(connection);
    // Kysely always ends a transaction before releasing; this only guards against a leaked lock.
    if (handle.inTransaction) await handle.rollback();
  }

  async destroy(): Promise<void> {
    // Note: a ControlledTransaction that is never committed/rolled back keeps the lock, so this would wait.
    // Queue behind every pending write and transaction (FIFO) so they finish first.
    await this.#writeLock.lock();
    try {
      this.#closed = true;
      await Promise.allSettled([...this.#readsInFlight]);
      // Readers first: the last connection to close (the writer) checkpoints and removes the WAL.
      await this.#checkpointer?.close();
      await Promise.all(this.#readers.map((reader) => reader.db.close()));
      if (this.#writer) await this.#writer.close();
      this.#readers = [];
      this.#writer = undefined;
      this.#checkpointer = undefined;
    } finally {
      // Anyone still queued now fails fast on the closed driver instead of waiting forever.
      this.#writeLock.unlock();
    }
  }

  /** Runs one statement on the writer, holding the lock only for that statement. */
  async runOnWriterLocked<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    await this.#writeLock.lock();
    let result: QueryResult<R>;
    try {
      result = await executeOn<R>(this.#requireWriter(), compiledQuery);
    } finally {
      this.#writeLock.unlock();
    }
    if (!isReadOnly(compiledQuery)) this.written(writtenTables(compiledQuery));
    return result;
  }

  /** After a write statement or a transaction committed: tells the listener, and a checkpoint follows soon. */
  written(tables: ChangedTables): void {
    this.#checkpointer?.wrote();
    this.#onWrite(tables);
  }

  /** Runs one statement on the writer; the caller must already hold the lock (open transaction). */
  runOnWriterHeld<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return executeOn<R>(this.#requireWriter(), compiledQuery);
  }

  /** Runs a read-only statement on the least busy reader, or on the locked writer if there is none. */
  async runRead<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#closed) throw new Error('sqlite dialect: driver has been destroyed');
    const reader = this.#readers.reduce<ReaderSlot | undefined>(
      (best, candidate) => (best === undefined || candidate.pending < best.pending ? candidate : best),
      undefined,
    );
    // Without readers the writer must be locked, or a read could see another transaction's uncommitted rows.
    if (!reader) return this.runOnWriterLocked<R>(compiledQuery);
    reader.pending++;
    const work = executeOn<R>(reader.db, compiledQuery);
    this.#readsInFlight.add(work);
    try {
      return await work;
    } finally {
      reader.pending--;
      this.#readsInFlight.delete(work);
    }
  }

  lockWriter(): Promise<void> {
    return this.#writeLock.lock();
  }

  unlockWriter(): void {
    this.#writeLock.unlock();
  }

  #requireWriter(): Connection {
    if (this.#closed || !this.#writer) throw new Error('sqlite dialect: driver has been destroyed');
    return this.#writer;
  }

  async #configure(db: sqlite3.Database, role: ConnectionRole): Promise<void> {
    await allRows(db, `PRAGMA busy_timeout = ${Math.trunc(this.#busyTimeoutMs)}`, []);
    await allRows(db, 'PRAGMA foreign_keys = ON', []);
    if (role === 'writer') {
      await allRows(db, 'PRAGMA journal_mode = WAL', []);
      await allRows(db, 'PRAGMA synchronous = NORMAL', []);
    }
    await this.#onOpen?.(db, role);
  }
}

/**
 * Copies the WAL into the database file shortly after commits, on a connection of its own, so no COMMIT pays for
 * it. SQLite's default runs that checkpoint inside the COMMIT that crosses 1,000 pages: milliseconds of copying and
 * two fsyncs while every caller of that batch waits. PASSIVE never waits for readers or the writer; what it cannot
 * copy yet is copied the next time. The WAL starts again from its beginning once everything has been copied.
 */
class WalCheckpointer {
  readonly #db: sqlite3.Database;
  readonly #delayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(db: sqlite3.Database, delayMs: number) {
    this.#db = db;
    this.#delayMs = delayMs;
  }

  /** A commit happened: checkpoint within the delay (one at a time). */
  wrote(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => this.#run(), this.#delayMs);
    this.#timer.unref();
  }

  #run(): void {
    this.#timer = undefined;
    if (this.#running) {
      // Still copying: once more after it, for what was written since.
      this.wrote();
      return;
    }
    // A failure (another process checkpointing, disk full) leaves the pages in the WAL for the next attempt.
    this.#running = allRows(this.#db, 'PRAGMA wal_checkpoint(PASSIVE)', []).then(
      () => undefined,
      () => undefined,
    );
    void this.#running.finally(() => (this.#running = undefined));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await closeDatabase(this.#db);
  }
}

/** Thrown when COMMIT fails and the transaction was rolled back; keeps the sqlite error as `cause` and its `code`. */
export class SqliteCommitError extends AbortedTransactionError {
  readonly code: string | undefined;

  constructor(cause: unknown) {
    super();
    this.message = `Transaction was rolled back because COMMIT failed: ${errorMessage(cause)}`;
    this.cause = cause;
    this.code = (cause as { code?: string } | null)?.code;
  }
}

/** Per-acquire handle: decides at execute time whether a statement goes to a reader or the writer. */
export class AsyncSqliteConnection implements DatabaseConnection {
  readonly #driver: AsyncSqliteDriver;
  #inTransaction = false;
  /** Tables written by the open transaction; null once a statement could have written any. */
  #written: Set<string> | null = new Set();
  /** The BEGIN of a transaction whose first reads did not wait for it; writes, COMMIT and ROLLBACK do. */
  #begun: Promise<void> | undefined;

  constructor(driver: AsyncSqliteDriver) {
    this.#driver = driver;
  }

  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.#execute<R>(compiledQuery);
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    // Fetch everything, then chunk: keeping a statement open across the consumer's awaits would pin
    // a read snapshot on a shared reader (stale reads for others) or hold the writer lock indefinitely.
    const { rows } = await this.#execute<R>(compiledQuery);
    const size = chunkSize && chunkSize > 0 ? chunkSize : DEFAULT_STREAM_CHUNK_SIZE;
    for (let start = 0; start < rows.length; start += size) {
      yield { rows: rows.slice(start, start + size) };
    }
  }

  async begin({ readsMayPrecedeBegin = false } = {}): Promise<void> {
    await this.#driver.lockWriter();
    // IMMEDIATE takes SQLite's write lock up front, so the transaction can't fail later with BUSY
    // because another process upgraded first.
    const begun = this.#driver.runOnWriterHeld(CompiledQuery.raw('BEGIN IMMEDIATE')).then(() => undefined);
    if (readsMayPrecedeBegin) {
      // The transaction is open for Kysely now; a failed BEGIN fails its first write, its commit or its rollback.
      begun.catch(() => undefined);
      this.#begun = begun;
    } else {
      try {
        await begun;
      } catch (error) {
        this.#driver.unlockWriter();
        throw error;
      }
      this.#begun = undefined;
    }
    this.#inTransaction = true;
    this.#written = new Set();
  }

  async commit(): Promise<void> {
    if (!this.#inTransaction) throw new Error('sqlite dialect: commit without an open transaction');
    try {
      await this.#begun;
      await this.#driver.runOnWriterHeld(CompiledQuery.raw('COMMIT'));
      this.#driver.written(this.#written);
    } catch (error) {
      // A failed COMMIT (e.g. deferred foreign key violation) leaves the transaction open; roll it back
      // here so the writer lock is always released, and tell Kysely it was aborted.
      await this.#driver.runOnWriterHeld(CompiledQuery.raw('ROLLBACK')).catch(() => undefined);
      throw new SqliteCommitError(error);
    } finally {
      this.#endTransaction();
    }
  }

  async rollback(): Promise<void> {
    // Already ended (e.g. after a failed commit we rolled back ourselves): nothing to do.
    if (!this.#inTransaction) return;
    try {
      // A BEGIN that failed opened nothing: there is nothing to roll back.
      if (this.#begun && !(await this.#begun.then(() => true, () => false))) return;
      await this.#driver.runOnWriterHeld(CompiledQuery.raw('ROLLBACK'));
    } catch (error) {
      // SQLite rolls back by itself on some errors (SQLITE_FULL, IOERR, ...); that is not a failure.
      if (!errorMessage(error).includes('no transaction is active')) throw error;
    } finally {
      this.#endTransaction();
    }
  }

  #noteWrite(compiledQuery: CompiledQuery): void {
    if (this.#written === null) return;
    const tables = writtenTables(compiledQuery);
    if (tables === null) this.#written = null;
    else for (const table of tables) this.#written.add(table);
  }

  #endTransaction(): void {
    this.#inTransaction = false;
    this.#begun = undefined;
    this.#driver.unlockWriter();
  }

  #execute<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // Inside a transaction this handle already owns the writer lock; everything stays on the writer.
    if (this.#inTransaction) {
      if (isReadOnly(compiledQuery)) return this.#driver.runOnWriterHeld<R>(compiledQuery);
      this.#noteWrite(compiledQuery);
      if (this.#begun) return this.#begun.then(() => this.#driver.runOnWriterHeld<R>(compiledQuery));
      return this.#driver.runOnWriterHeld<R>(compiledQuery);
    }
    if (isReadOnly(compiledQuery)) return this.#driver.runRead<R>(compiledQuery);
    return this.#driver.runOnWriterLocked<R>(compiledQuery);
  }
}

function asHandle(connection: DatabaseConnection): AsyncSqliteConnection {
  if (!(connection instanceof AsyncSqliteConnection)) throw new Error('sqlite dialect: foreign connection');
  return connection;
}

function isReadOnly({ query, sql }: CompiledQuery): boolean {
  if (SelectQueryNode.is(query)) return true;
  if (RawNode.is(query)) return RAW_READ_ONLY.test(sql);
  return false;
}

/** The table a Kysely INSERT, UPDATE or DELETE writes; null for anything else (raw SQL, schema changes). */
function writtenTables({ query }: CompiledQuery): ChangedTables {
  let target: OperationNode | undefined;
  if (InsertQueryNode.is(query)) target = query.into;
  else if (UpdateQueryNode.is(query)) target = query.table;
  else if (DeleteQueryNode.is(query)) target = query.from.froms.length === 1 ? query.from.froms[0] : undefined;
  if (target && AliasNode.is(target)) target = target.node;
  return target && TableNode.is(target) ? new Set([target.table.identifier.name]) : null;
}

function returnsRows({ query, sql }: CompiledQuery): boolean {
  if (SelectQueryNode.is(query)) return true;
  if (RawNode.is(query)) return RAW_RETURNS_ROWS.test(sql);
  // INSERT/UPDATE/DELETE ... RETURNING need `all`; `run` would discard the rows.
  return (query as { returning?: unknown }).returning !== undefined;
}

function isInsert({ query, sql }: CompiledQuery): boolean {
  return InsertQueryNode.is(query) || (RawNode.is(query) && RAW_INSERT.test(sql));
}

async function executeOn<R>(connection: Connection, compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
  const parameters = [...compiledQuery.parameters];
  if (returnsRows(compiledQuery)) {
    return { rows: await connection.withStatement(compiledQuery.sql, (statement) => allFromStatement<R>(statement, parameters)) };
  }
  const { changes, lastID } = await connection.withStatement(compiledQuery.sql, (statement) => runOnStatement(statement, parameters));
  return {
    rows: [],
    numAffectedRows: BigInt(changes),
    ...(isInsert(compiledQuery) ? { insertId: BigInt(lastID) } : {}),
  };
}

interface CachedStatement {
  ready: Promise<sqlite3.Statement>;
  inUse: number;
  evicted: boolean;
}

/**
 * A sqlite3 connection that keeps its prepared statements: a statement prepared once runs with one trip to the
 * thread pool, where `Database#all` would prepare, run and finalize (three trips) every time. A statement that ran
 * to completion holds no read snapshot, so keeping it costs only memory.
 */
export class Connection {
  readonly db: sqlite3.Database;
  readonly #statements = new Map<string, CachedStatement>();
  readonly #finalizing = new Set<Promise<void>>();

  constructor(db: sqlite3.Database) {
    this.db = db;
  }

  /** Runs `use` with the prepared statement for `sql`, preparing it on first use. */
  async withStatement<T>(sql: string, use: (statement: sqlite3.Statement) => Promise<T>): Promise<T> {
    let entry = this.#statements.get(sql);
    if (entry) {
      // Most recently used last, so eviction takes the oldest first.
      this.#statements.delete(sql);
      this.#statements.set(sql, entry);
    } else {
      entry = { ready: prepareStatement(this.db, sql), inUse: 0, evicted: false };
      this.#statements.set(sql, entry);
      this.#evictOldest();
    }
    entry.inUse++;
    try {
      let statement: sqlite3.Statement;
      try {
        statement = await entry.ready;
      } catch (error) {
        // A statement that does not prepare (syntax, missing table) is never kept.
        if (this.#statements.get(sql) === entry) this.#statements.delete(sql);
        throw error;
      }
      return await use(statement);
    } finally {
      entry.inUse--;
      if (entry.evicted && entry.inUse === 0) this.#finalize(entry);
    }
  }

  /** Finalizes every kept statement (SQLite refuses to close a connection with live statements), then closes. */
  async close(): Promise<void> {
    for (const entry of this.#statements.values()) this.#finalize(entry);
    this.#statements.clear();
    await Promise.all([...this.#finalizing]);
    await closeDatabase(this.db);
  }

  #evictOldest(): void {
    for (const [sql, entry] of this.#statements) {
      if (this.#statements.size <= STATEMENT_CACHE_SIZE) return;
      this.#statements.delete(sql);
      entry.evicted = true;
      if (entry.inUse === 0) this.#finalize(entry);
    }
  }

  #finalize(entry: CachedStatement): void {
    const done: Promise<void> = entry.ready.then(
      (statement) => new Promise<void>((resolve) => statement.finalize(() => resolve())),
      () => undefined,
    );
    this.#finalizing.add(done);
    void done.finally(() => this.#finalizing.delete(done));
  }
}

function prepareStatement(db: sqlite3.Database, sql: string): Promise<sqlite3.Statement> {
  return new Promise((resolve, reject) => {
    const statement = db.prepare(sql, (error) => (error ? reject(error) : resolve(statement)));
  });
}

function allFromStatement<R>(statement: sqlite3.Statement, parameters: unknown[]): Promise<R[]> {
  return new Promise((resolve, reject) => {
    statement.all<R>(parameters, (error, rows) => (error ? reject(error) : resolve(rows)));
  });
}

function runOnStatement(statement: sqlite3.Statement, parameters: unknown[]): Promise<{ changes: number; lastID: number }> {
  return new Promise((resolve, reject) => {
    statement.run(parameters, function (this: sqlite3.RunResult, error: Error | null) {
      if (error) reject(error);
      else resolve({ changes: this.changes, lastID: this.lastID });
    });
  });
}

function savepointCommand(command: string, name: string): RawNode {
  // Same shape as Kysely's own savepoint parser; IdentifierNode makes the compiler quote the name.
  return RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(name)]);
}

function createQueryId(): { readonly queryId: string } {
  return { queryId: `sqlite-savepoint-${Math.random().toString(36).slice(2)}` };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function openDatabase(filename: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(filename, mode, (error) => (error ? reject(error) : resolve(db)));
  });
}

function closeDatabase(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
}

function allRows<R>(db: sqlite3.Database, sql: string, parameters: unknown[]): Promise<R[]> {
  return new Promise((resolve, reject) => {
    db.all<R>(sql, parameters, (error, rows) => (error ? reject(error) : resolve(rows)));
  });
}
