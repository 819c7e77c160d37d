// One person's conversation, as the mobile client holds it: a command → /v1/sql → statements run on the
// browser's plans with preview, confirmation, one transaction, undo, feedback, and the summary flow.
import { post } from "./api.js";
import { PlanError } from "./db.js";
import { describe, languageOf, wordsFor } from "./words.js";

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

  /** The page's words in the language of `prompt` (or the one chosen in Settings; English by default). */
  #words(prompt = "") {
    return wordsFor(languageOf(prompt, this.settings.locale));
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
    const language = languageOf(prompt, locale);
    if (answer.status !== "ok") return { kind: "message", answer, language, text: answer.message ?? answer.status };
    if (answer.intent === "select" || answer.intent === "summary") return this.#read(answer, language);
    let steps;
    try {
      steps = this.db.simulate(answer.statements);
    } catch (error) {
      await this.#feedback(answer.request_id, "failed", error.message);
      return { kind: "error", answer, text: wordsFor(language).refused(error.message) };
    }
    const words = describe(steps, language);
    // An UPDATE's rows carry their values after it, so the preview shows "before → after".
    const afterOf = (step, row) => (step.kind === "update" ? { after: step.after.find((r) => r.id === row.id) ?? null } : {});
    const rows = steps.flatMap((step) => step.before.map((row) => ({ table: step.table, ...row, ...afterOf(step, row) })));
    if (answer.needs_confirmation) {
      this.pending = { prompt, answer, words, rows, language };
      return { kind: "pending", answer, words, rows, language };
    }
    return this.#apply({ prompt, answer, words, rows, language });
  }

  #apply({ prompt, answer, words, rows, language }) {
    let steps;
    try {
      steps = this.db.apply(answer.statements, prompt, answer.request_id);
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      this.#feedback(answer.request_id, "failed", error.message);
      return { kind: "error", answer, text: wordsFor(language).refused(error.message) };
    }
    this.#feedback(answer.request_id, "executed");
    return { kind: "changed", answer, words, rows, language, changed: changedIds(steps) };
  }

  async #read(answer, language) {
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
      return { kind: "error", answer, text: wordsFor(language).refusedQuery(error.message) };
    }
    await this.#feedback(answer.request_id, "executed");
    if (answer.intent !== "summary") return { kind: "rows", answer, rows, language };
    const { engine, locale } = this.settings;
    const request = { now: this.settings.now(), plans, engine };
    if (locale) request.locale = locale;
    const briefing = await this.#post("/v1/summary", request);
    return { kind: "summary", answer, rows, language, text: briefing.summary, briefing };
  }

  /** Run the held change. */
  confirm() {
    const held = this.pending;
    this.pending = null;
    if (!held) return { kind: "message", text: this.#words().nothingHeld };
    return this.#apply(held);
  }

  /** Drop the held change; nothing runs. */
  cancel() {
    const had = this.pending;
    this.pending = null;
    const words = this.#words(had?.prompt);
    return { kind: "cancelled", language: had?.language, text: had ? words.cancelled : words.nothingHeld };
  }

  /** The plans changed under a held command (an edit by hand, undo, demo data, Clear): drop it unrun,
   * since its preview no longer shows what it would change; the outcome to show, or null if none was held. */
  dropHeld() {
    const held = this.pending;
    this.pending = null;
    if (!held) return null;
    return { kind: "cancelled", language: held.language, text: wordsFor(held.language).heldDropped };
  }

  /** Restore the rows before the newest command kept, and report it undone. */
  undo() {
    let undone;
    try {
      undone = this.db.undoLast();
    } catch (error) {
      return { kind: "error", text: this.#words().undoFailed(error.message) };
    }
    if (!undone) return { kind: "message", text: this.#words().nothingToUndo };
    this.#feedback(undone.requestId, "undone");
    const changed = { TODO: new Set(), SCHEDULE: new Set(), CATEGORY: new Set() };
    for (const { table, id } of undone.restored) changed[table]?.add(id);
    const language = languageOf(undone.prompt, this.settings.locale);
    return { kind: "undone", language, text: wordsFor(language).undone(undone.prompt), changed };
  }
}
