// The user's plans: SQLite (sql.js, WebAssembly) in the browser, saved in localStorage, with an undo journal.
/* global initSqlJs */

const STORE_KEY = "calendy.playground.db";
// The journal lives beside the plans; it is never sent to the service, which knows only the client schema.
const JOURNAL_DDL =
  "CREATE TABLE IF NOT EXISTS calendy_undo (id INTEGER PRIMARY KEY, request_id TEXT, prompt TEXT NOT NULL," +
  " statements TEXT NOT NULL, steps TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0," +
  " by_hand INTEGER NOT NULL DEFAULT 0)";
export const PLAN_TABLES = ["CATEGORY", "TODO", "SCHEDULE"];

function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export class PlanError extends Error {}

export class PlanDb {
  /** Open the saved database, or a new one built from the schema the service serves. */
  static async open(schemaSql) {
    const SQL = await initSqlJs({ locateFile: (file) => `/playground/static/vendor/${file}` });
    const saved = localStorage.getItem(STORE_KEY);
    const db = new PlanDb(SQL, schemaSql);
    db.db = saved ? new SQL.Database(fromBase64(saved)) : new SQL.Database();
    db.prepare();
    return db;
  }

  constructor(SQL, schemaSql) {
    this.SQL = SQL;
    this.schemaSql = schemaSql;
    this.db = null;
  }

  prepare() {
    this.db.run("PRAGMA foreign_keys = ON");
    if (this.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'TODO'") === 0) this.db.exec(this.schemaSql);
    this.db.exec(JOURNAL_DDL);
    // A database saved before edits by hand were journaled has no by_hand column yet.
    if (!this.select("PRAGMA table_info(calendy_undo)").some((column) => column.name === "by_hand"))
      this.run("ALTER TABLE calendy_undo ADD COLUMN by_hand INTEGER NOT NULL DEFAULT 0");
  }

  save() {
    localStorage.setItem(STORE_KEY, toBase64(this.db.export()));
    // export() closes and reopens the database, which resets pragmas.
    this.db.run("PRAGMA foreign_keys = ON");
  }

  clear() {
    this.db.close();
    this.db = new this.SQL.Database();
    this.prepare();
    this.save();
  }

  select(sql, params = []) {
    const statement = this.db.prepare(sql);
    try {
      statement.bind(params);
      const rows = [];
      while (statement.step()) rows.push(statement.getAsObject());
      return rows;
    } finally {
      statement.free();
    }
  }

  scalar(sql, params = []) {
    const [row] = this.select(sql, params);
    return row ? Object.values(row)[0] : null;
  }

  run(sql, params = []) {
    this.db.run(sql, params);
  }

  /** Categories, todos and schedules as a /v1/sql request carries them. */
  records() {
    const todos = this.select("SELECT * FROM TODO ORDER BY id").map((t) => ({ ...t, complete: Boolean(t.complete) }));
    return {
      categories: this.select("SELECT * FROM CATEGORY ORDER BY id"),
      todos,
      schedules: this.select("SELECT * FROM SCHEDULE ORDER BY id"),
    };
  }

  /** Run statements, recording what each changed: rows before, rows after, ids added. */
  #runSteps(statements) {
    const steps = [];
    for (const statement of statements) {
      const table = String(statement.table).toUpperCase();
      const step = { table, kind: statement.kind, before: [], inserted: [], after: [] };
      if (statement.preview_sql) step.before = this.select(statement.preview_sql);
      const top = this.scalar(`SELECT coalesce(max(id), 0) FROM ${table}`);
      this.run(statement.sql);
      if (statement.kind === "insert") {
        step.after = this.select(`SELECT * FROM ${table} WHERE id > ? ORDER BY id`, [top]);
        step.inserted = step.after.map((row) => row.id);
      } else if (statement.kind === "update" && step.before.length) {
        const ids = step.before.map((row) => row.id);
        step.after = this.select(`SELECT * FROM ${table} WHERE id IN (${ids.map(() => "?").join(", ")})`, ids);
      }
      steps.push(step);
    }
    return steps;
  }

  /** What the statements would change, without keeping anything (run, then rolled back). */
  simulate(statements) {
    this.run("BEGIN");
    try {
      return this.#runSteps(statements);
    } catch (error) {
      throw new PlanError(error.message);
    } finally {
      this.run("ROLLBACK");
    }
  }

  /** Run the statements in one transaction (all or nothing) and journal the rows before each. */
  apply(statements, prompt, requestId) {
    this.run("BEGIN");
    let steps;
    try {
      steps = this.#runSteps(statements);
      this.#journal({ prompt, requestId, statements: statements.map((s) => s.sql), steps });
      this.run("COMMIT");
    } catch (error) {
      this.run("ROLLBACK");
      throw new PlanError(error.message);
    }
    this.save();
    return steps;
  }

  /** Keep the rows before each step (and the ids added) so undo can put them back. */
  #journal({ prompt, requestId = null, statements, steps, byHand = false }) {
    const journal = steps.map(({ table, before, inserted }) => ({ table, before, inserted }));
    this.run(
      "INSERT INTO calendy_undo (request_id, prompt, statements, steps, by_hand) VALUES (?, ?, ?, ?, ?)",
      [requestId, prompt, JSON.stringify(statements), JSON.stringify(journal), byHand ? 1 : 0],
    );
  }

  /** Restore the rows before the newest command not yet undone; its prompt, request id and restored ids. */
  undoLast() {
    const [entry] = this.select(
      "SELECT id, request_id, prompt, steps FROM calendy_undo WHERE undone = 0 ORDER BY id DESC LIMIT 1",
    );
    if (!entry) return null;
    const restored = [];
    this.run("BEGIN");
    try {
      // Newest step first: a conversion's INSERT is removed after its DELETE is restored.
      for (const step of JSON.parse(entry.steps).reverse()) {
        for (const id of step.inserted) this.run(`DELETE FROM ${step.table} WHERE id = ?`, [id]);
        for (const row of step.before) {
          const names = Object.keys(row);
          const marks = names.map(() => "?").join(", ");
          this.run(`INSERT OR REPLACE INTO ${step.table} (${names.join(", ")}) VALUES (${marks})`, Object.values(row));
          restored.push({ table: step.table, id: row.id });
        }
      }
      this.run("UPDATE calendy_undo SET undone = 1 WHERE id = ?", [entry.id]);
      this.run("COMMIT");
    } catch (error) {
      this.run("ROLLBACK");
      throw new PlanError(error.message);
    }
    this.save();
    return { prompt: entry.prompt, requestId: entry.request_id, restored };
  }

  /** Commands that can still be undone, newest first. */
  undoStack() {
    return this.select("SELECT id, prompt FROM calendy_undo WHERE undone = 0 ORDER BY id DESC");
  }

  /** The last commands kept (not undone), oldest first, as the request's `history` (edits by hand are no turns). */
  history(turns = 5) {
    const found = this.select("SELECT prompt, statements FROM calendy_undo WHERE undone = 0 AND by_hand = 0 ORDER BY id DESC LIMIT ?", [
      turns,
    ]);
    return found.reverse().map((row) => ({ prompt: row.prompt, statements: JSON.parse(row.statements) }));
  }

  /** Replace everything with a demo user's plans. */
  load(data) {
    this.clear();
    this.run("BEGIN");
    for (const c of data.categories)
      this.run("INSERT INTO CATEGORY (id, title, priority) VALUES (?, ?, ?)", [c.id, c.title, c.priority]);
    for (const t of data.todos) this.addTodo(t);
    for (const s of data.schedules) this.addSchedule(s);
    this.run("COMMIT");
    this.save();
  }

  addTodo({ title, due_time, category_id = null, complete = false, memo = null, priority = null }) {
    this.run("INSERT INTO TODO (title, due_time, category_id, complete, memo, priority) VALUES (?, ?, ?, ?, ?, ?)", [
      title,
      due_time,
      category_id,
      complete ? 1 : 0,
      memo,
      priority,
    ]);
  }

  addSchedule({ title, start_time, end_time, category_id = null, memo = null, priority = null }) {
    this.run(
      "INSERT INTO SCHEDULE (title, start_time, end_time, category_id, memo, priority) VALUES (?, ?, ?, ?, ?, ?)",
      [title, start_time, end_time, category_id, memo, priority],
    );
  }

  /** An edit by hand, in one transaction and in the undo journal under `label`; the step it made. */
  #byHand(label, table, id, change) {
    const step = { table, kind: id === null ? "insert" : "update", before: [], inserted: [], after: [] };
    this.run("BEGIN");
    try {
      const top = this.scalar(`SELECT coalesce(max(id), 0) FROM ${table}`);
      if (id !== null) step.before = this.select(`SELECT * FROM ${table} WHERE id = ?`, [id]);
      change();
      if (id === null) step.inserted = this.select(`SELECT id FROM ${table} WHERE id > ?`, [top]).map((r) => r.id);
      this.#journal({ prompt: label, statements: [], steps: [step], byHand: true });
      this.run("COMMIT");
    } catch (error) {
      this.run("ROLLBACK");
      throw new PlanError(error.message);
    }
    this.save();
    return step;
  }

  /** Add a todo (TODO) or a schedule (SCHEDULE) by hand; undo removes it. */
  add(label, table, plan) {
    const name = table === "TODO" ? "TODO" : "SCHEDULE";
    return this.#byHand(label, name, null, () => (name === "TODO" ? this.addTodo(plan) : this.addSchedule(plan)));
  }

  setComplete(label, id, complete) {
    return this.#byHand(label, "TODO", id, () =>
      this.run("UPDATE TODO SET complete = ? WHERE id = ?", [complete ? 1 : 0, id]),
    );
  }

  remove(label, table, id) {
    const name = table === "TODO" ? "TODO" : "SCHEDULE";
    return this.#byHand(label, name, id, () => this.run(`DELETE FROM ${name} WHERE id = ?`, [id]));
  }
}
