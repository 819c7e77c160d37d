// One person's conversation, as the mobile client holds it: a command → /v1/sql → statements run on the
// browser's plans with preview, confirmation, one transaction, undo, feedback, and the summary flow.
import { post } from "./api.js";
import { clock, human } from "./dates.js";
import { PlanError } from "./db.js";

const NOUNS = { TODO: "todo", SCHEDULE: "schedule", CATEGORY: "category" };
const TIME_NAMES = { due_time: "due", start_time: "starts", end_time: "ends" };

function when(table, row) {
  if (table === "TODO" && row.due_time) return ` on ${human(row.due_time)}`;
  if (table === "SCHEDULE" && row.start_time) {
    const sameDay = String(row.end_time).slice(0, 10) === String(row.start_time).slice(0, 10);
    return ` on ${human(row.start_time)}–${sameDay ? clock(row.end_time) : human(row.end_time)}`;
  }
  return "";
}

function difference(before, after) {
  if (!after) return "changed";
  const parts = [];
  for (const [name, old] of Object.entries(before)) {
    const now = after[name];
    if (old === now) continue;
    if (name === "complete") parts.push(now ? "marked done" : "marked not done");
    else if (name in TIME_NAMES) parts.push(`${TIME_NAMES[name]} ${human(old)} → ${human(now)}`);
    else if (name === "title") parts.push(`renamed to '${now}'`);
    else parts.push(`${name} ${old ?? "—"} → ${now ?? "—"}`);
  }
  return parts.join(", ") || "no visible change";
}

/** What the statements do, in words ("adds todo '알골 과제' on Fri 11/24 08:00"), from a dry run's steps. */
export function describe(steps) {
  const lines = [];
  for (const step of steps) {
    const noun = NOUNS[step.table] ?? step.table.toLowerCase();
    if (step.kind === "insert") {
      for (const row of step.after) lines.push(`adds ${noun} '${row.title}'${when(step.table, row)}`);
    } else if (step.kind === "delete") {
      for (const row of step.before) lines.push(`deletes ${noun} '${row.title}'${when(step.table, row)}`);
    } else if (step.kind === "update") {
      for (const row of step.before) {
        const after = step.after.find((r) => r.id === row.id);
        lines.push(`changes ${noun} '${row.title}': ${difference(row, after)}`);
      }
    }
  }
  return lines.length ? lines : ["changes nothing: no plan matches"];
}

function changedIds(steps) {
  const ids = { TODO: new Set(), SCHEDULE: new Set(), CATEGORY: new Set() };
  for (const step of steps) {
    for (const id of step.inserted) ids[step.table]?.add(id);
    if (step.kind === "update") for (const row of step.after) ids[step.table]?.add(row.id);
  }
  return ids;
}

/** A selected row as /v1/summary takes it. */
function asPlan(kind, row, categories) {
  const { category_id: categoryId, ...plan } = row;
  plan.kind = kind;
  plan.category = categories.get(categoryId) ?? null;
  if ("complete" in plan) plan.complete = Boolean(plan.complete);
  return plan;
}

export class Session {
  /** `settings` gives now(), apiKey, engine and locale as the user set them. */
  constructor({ db, settings }) {
    this.db = db;
    this.settings = settings;
    this.pending = null;
  }

  #post(path, body) {
    return post(path, body, this.settings.apiKey);
  }

  async #feedback(requestId, outcome, error = null) {
    if (!requestId) return;
    const body = { request_id: requestId, outcome };
    if (error) body.error = error.slice(0, 500);
    try {
      await this.#post("/v1/feedback", body);
    } catch (problem) {
      // Feedback is for the service's training data; the user's plans do not depend on it.
      console.warn("feedback not sent", problem);
    }
  }

  /** Send one command and act on the answer (held when it needs confirmation). Throws ApiError. */
  async command(prompt) {
    this.pending = null;
    const { engine, locale } = this.settings;
    const body = { prompt, now: this.settings.now(), ...this.db.records(), history: this.db.history(), engine };
    if (locale) body.locale = locale;
    const answer = await this.#post("/v1/sql", body);
    if (answer.status !== "ok") return { kind: "message", answer, text: answer.message ?? answer.status };
    if (answer.intent === "select" || answer.intent === "summary") return this.#read(answer);
    let steps;
    try {
      steps = this.db.simulate(answer.statements);
    } catch (error) {
      await this.#feedback(answer.request_id, "failed", error.message);
      return { kind: "error", answer, text: `SQLite refused the statements: ${error.message}` };
    }
    const words = describe(steps);
    const rows = steps.flatMap((step) => step.before.map((row) => ({ table: step.table, ...row })));
    if (answer.needs_confirmation) {
      this.pending = { prompt, answer, words, rows };
      return { kind: "pending", answer, words, rows };
    }
    return this.#apply(prompt, answer, words, rows);
  }

  #apply(prompt, answer, words, rows) {
    let steps;
    try {
      steps = this.db.apply(answer.statements, prompt, answer.request_id);
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      this.#feedback(answer.request_id, "failed", error.message);
      return { kind: "error", answer, text: `Nothing was changed: SQLite refused the statements (${error.message})` };
    }
    this.#feedback(answer.request_id, "executed");
    return { kind: "changed", answer, words, rows, changed: changedIds(steps) };
  }

  async #read(answer) {
    const categories = new Map(this.db.select("SELECT id, title FROM CATEGORY").map((c) => [c.id, c.title]));
    const rows = [];
    const plans = [];
    try {
      for (const statement of answer.statements) {
        const table = String(statement.table).toUpperCase();
        const found = this.db.select(statement.sql);
        rows.push(...found.map((row) => ({ table, ...row })));
        if (table === "TODO" || table === "SCHEDULE") {
          const kind = table === "TODO" ? "todo" : "schedule";
          plans.push(...found.filter((r) => "id" in r && "title" in r).map((r) => asPlan(kind, r, categories)));
        }
      }
    } catch (error) {
      await this.#feedback(answer.request_id, "failed", error.message);
      return { kind: "error", answer, text: `SQLite refused the query: ${error.message}` };
    }
    await this.#feedback(answer.request_id, "executed");
    if (answer.intent !== "summary") return { kind: "rows", answer, rows };
    const { engine, locale } = this.settings;
    const request = { now: this.settings.now(), plans, engine };
    if (locale) request.locale = locale;
    const briefing = await this.#post("/v1/summary", request);
    return { kind: "summary", answer, rows, text: briefing.summary, briefing };
  }

  /** Run the held change. */
  confirm() {
    if (!this.pending) return { kind: "message", text: "Nothing is waiting for confirmation." };
    const { prompt, answer, words, rows } = this.pending;
    this.pending = null;
    return this.#apply(prompt, answer, words, rows);
  }

  /** Drop the held change; nothing runs. */
  cancel() {
    const had = this.pending;
    this.pending = null;
    return {
      kind: "cancelled",
      text: had ? "Cancelled: nothing was changed." : "Nothing is waiting for confirmation.",
    };
  }

  /** Restore the rows before the newest command kept, and report it undone. */
  undo() {
    let undone;
    try {
      undone = this.db.undoLast();
    } catch (error) {
      return { kind: "error", text: `Undo failed: ${error.message}` };
    }
    if (!undone) return { kind: "message", text: "Nothing to undo." };
    this.#feedback(undone.requestId, "undone");
    const changed = { TODO: new Set(), SCHEDULE: new Set(), CATEGORY: new Set() };
    for (const { table, id } of undone.restored) changed[table]?.add(id);
    return { kind: "undone", text: `Undone: “${undone.prompt}”`, changed };
  }
}
