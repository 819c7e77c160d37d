// The playground page: wires the plans database, the session and the views to the controls.
import { ApiError, errorText } from "./api.js";
import { Session } from "./commands.js";
import { addDays, dayKey, parseStamp, stamp, weekStart } from "./dates.js";
import { PlanDb } from "./db.js";
import { demoData } from "./demo.js";
import { labelsFor, pageLanguage, translatePage } from "./i18n.js";
import { el, renderOutcome, renderPlans } from "./views.js";
import { languageOf, wordsFor } from "./words.js";

const $ = (id) => document.getElementById(id);
const PREFS_KEY = "calendy.playground.prefs";

function savedPrefs() {
  try {
    return JSON.parse(localStorage.getItem(PREFS_KEY)) ?? {};
  } catch {
    return {};
  }
}

const prefs = { apiKey: "", engine: "auto", locale: "", pinnedNow: "", view: "week", ...savedPrefs() };
// A pinned time in the address (?now=2023-11-23T20:25:39) makes a demo repeatable.
const addressNow = new URLSearchParams(location.search).get("now");
if (addressNow) prefs.pinnedNow = addressNow.replace("T", " ");
const savePrefs = () => localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));

const settings = {
  get apiKey() {
    return prefs.apiKey.trim();
  },
  get engine() {
    return prefs.engine;
  },
  get locale() {
    return prefs.locale || null;
  },
  now: () => stamp(pinned() ?? new Date()),
};

/** The pinned time, or null when none (or an unreadable one) is set. */
function pinned() {
  if (!prefs.pinnedNow.trim()) return null;
  const moment = parseStamp(prefs.pinnedNow);
  return Number.isNaN(moment.getTime()) ? null : moment;
}

let db;
let session;
let changed = null;
// The plans a command waiting for confirmation would change, marked in the views until it runs or is dropped.
let pending = null;
// Days the view is moved from today by the ‹ › buttons (0: the week or month holding today).
let shift = 0;

function status(text, kind = "") {
  $("status").textContent = text;
  $("status").className = kind;
}

function shifted(today) {
  if (prefs.view !== "month") return addDays(today, shift);
  return new Date(today.getFullYear(), today.getMonth() + shift, 1);
}

/** The page's labels, in the language chosen in Settings or else the browser's. */
const labels = () => labelsFor(pageLanguage(prefs.locale));

function period(focus) {
  if (prefs.view === "month") return `${focus.getFullYear()}-${String(focus.getMonth() + 1).padStart(2, "0")}`;
  if (prefs.view === "today") return dayKey(focus);
  return labels().weekOf(dayKey(weekStart(focus)));
}

/** A newcomer without a key is told where it goes (the service answers 401 without one). */
function showKeyHint() {
  $("key-hint").hidden = Boolean(settings.apiKey);
}

function refresh() {
  const today = parseStamp(settings.now());
  const focus = shifted(today);
  $("period").textContent = period(focus);
  renderPlans($("plans"), {
    db,
    language: pageLanguage(prefs.locale),
    labels: labels(),
    onLoadDemo: () => $("load-demo").click(),
    view: prefs.view,
    today,
    focus,
    changed,
    pending,
    onToggle: (plan, done) => byHand(plan.title, (t) => db.setComplete(t.handDone(plan.title, done), plan.id, done)),
    onPick: (date) => {
      // A day of the month view opens in the day view (whole days between it and today).
      prefs.view = "today";
      shift = Math.round((date - new Date(today.getFullYear(), today.getMonth(), today.getDate())) / 86_400_000);
      savePrefs();
      refresh();
    },
    onDelete: (plan) =>
      byHand(plan.title, (t) => db.remove(t.handDelete(t.nouns[plan.table], plan.title), plan.table, plan.id)),
  });
  for (const button of document.querySelectorAll("[data-view]"))
    button.classList.toggle("active", button.dataset.view === prefs.view);
  const stack = db.undoStack();
  $("undo").disabled = stack.length === 0;
  $("undo-list").replaceChildren(...stack.map((entry) => el("li", {}, entry.prompt)));
  showKeyHint();
  const categories = db.select("SELECT id, title FROM CATEGORY ORDER BY id");
  $("add-category").replaceChildren(
    el("option", { value: "" }, labels().noCategory),
    ...categories.map((c) => el("option", { value: c.id }, c.title)),
  );
}

/** Words for the page's own questions: the language chosen in Settings, else the browser's. */
function pageWords() {
  return wordsFor(pageLanguage(prefs.locale));
}

/** An edit by hand (journaled, so Undo takes it back too), labelled in the language of the plan's title. */
function byHand(title, edit) {
  dropHeld();
  try {
    edit(wordsFor(languageOf(title, settings.locale)));
  } catch (error) {
    status(labels().notChanged(error.message), "error");
  }
  changed = null;
  refresh();
}

/** Before the plans change another way, a command waiting for confirmation is dropped (and said so). */
function dropHeld() {
  const dropped = session.dropHeld();
  if (dropped) show(dropped);
}

/** The ids of rows by table: { TODO: Set, SCHEDULE: Set, CATEGORY: Set }. */
function idsOf(rows) {
  const ids = { TODO: new Set(), SCHEDULE: new Set(), CATEGORY: new Set() };
  for (const row of rows) ids[row.table]?.add(row.id);
  return ids;
}

function show(outcome) {
  renderOutcome($("answer"), outcome, {
    onConfirm: () => show(session.confirm()),
    onCancel: () => show(session.cancel()),
    categories: new Map(db.select("SELECT id, title FROM CATEGORY").map((c) => [c.id, c.title])),
  });
  $("answer").dataset.kind = outcome.kind;
  delete $("answer").dataset.code;
  changed = outcome.changed ?? null;
  pending = outcome.kind === "pending" ? idsOf(outcome.rows) : null;
  // Back to the period holding today, where a command's changes usually are.
  if (changed) shift = 0;
  refresh();
}

function showError(error, language) {
  const text =
    error instanceof ApiError ? errorText(error, language) : labels().pageError(error.message);
  show({ kind: "error", text });
  if (error instanceof ApiError) $("answer").dataset.code = error.code;
  if (error instanceof ApiError && error.code === "unauthorized") $("settings").open = true;
}

async function submit() {
  const prompt = $("command").value.trim();
  if (!prompt || $("send").disabled) return;
  $("send").disabled = true;
  status(labels().asking);
  try {
    show(await session.command(prompt));
    $("command").value = "";
    status("");
  } catch (error) {
    // The error in the command's language, as its answer would have been.
    showError(error, languageOf(prompt, settings.locale));
    status("");
  } finally {
    $("send").disabled = false;
  }
}

function wireCommandBox() {
  const input = $("command");
  let composing = false;
  input.addEventListener("compositionstart", () => {
    composing = true;
  });
  input.addEventListener("compositionend", () => {
    composing = false;
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    // The Enter that finishes a Hangul syllable belongs to the input method, not to the form.
    if (event.isComposing || event.keyCode === 229 || composing) return;
    submit();
  });
  $("command-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  $("undo").addEventListener("click", () => {
    dropHeld();
    show(session.undo());
  });
}

function wireControls() {
  for (const button of document.querySelectorAll("[data-view]")) {
    button.addEventListener("click", () => {
      prefs.view = button.dataset.view;
      shift = 0;
      savePrefs();
      refresh();
    });
  }
  const step = () => (prefs.view === "week" ? 7 : 1);
  $("previous").addEventListener("click", () => {
    shift -= step();
    refresh();
  });
  $("next").addEventListener("click", () => {
    shift += step();
    refresh();
  });
  $("period").addEventListener("click", () => {
    shift = 0;
    refresh();
  });
  $("load-demo").addEventListener("click", () => {
    const hasPlans = db.scalar("SELECT (SELECT count(*) FROM TODO) + (SELECT count(*) FROM SCHEDULE)") > 0;
    if (hasPlans && !window.confirm(pageWords().replaceAsk)) return;
    dropHeld();
    db.load(demoData($("demo-locale").value, parseStamp(settings.now())));
    changed = null;
    refresh();
    status(labels().loaded($("demo-locale").selectedOptions[0].textContent));
  });
  $("clear").addEventListener("click", () => {
    if (!window.confirm(pageWords().clearAsk)) return;
    dropHeld();
    db.clear();
    changed = null;
    refresh();
    status(labels().cleared);
  });
  $("add-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const start = parseStamp(String(form.get("start")));
    const end = form.get("end") ? parseStamp(String(form.get("end"))) : new Date(start.getTime() + 3600_000);
    const category = form.get("category") ? Number(form.get("category")) : null;
    const title = String(form.get("title")).trim();
    const table = form.get("kind") === "TODO" ? "TODO" : "SCHEDULE";
    const plan =
      table === "TODO"
        ? { title, due_time: stamp(start), category_id: category }
        : { title, start_time: stamp(start), end_time: stamp(end), category_id: category };
    byHand(title, (t) => db.add(t.handAdd(t.nouns[table], title), table, plan));
    event.target.reset();
  });
  const fields = { "api-key": "apiKey", engine: "engine", locale: "locale", "pinned-now": "pinnedNow" };
  for (const [id, name] of Object.entries(fields)) {
    $(id).value = prefs[name];
    const keep = () => {
      prefs[name] = $(id).value;
      savePrefs();
      // An unreadable pinned time is ignored (the browser's clock is used) and marked.
      $("pinned-now").classList.toggle("invalid", Boolean(prefs.pinnedNow.trim()) && pinned() === null);
      if (id === "locale") translatePage(document, pageLanguage(prefs.locale));
      // A key changes no plan: re-rendering the plans on its blur would swallow the click that caused it.
      if (id === "api-key") showKeyHint();
      else refresh();
    };
    $(id).addEventListener("input", keep);
    $(id).addEventListener("change", keep);
  }
  if (prefs.pinnedNow) savePrefs();
  if (!prefs.apiKey) $("settings").open = true;
}

async function boot() {
  translatePage(document, pageLanguage(prefs.locale));
  status(labels().loadingSqlite);
  try {
    const response = await fetch("/playground/schema.sql");
    if (!response.ok) throw new Error(`the schema could not be loaded (${response.status})`);
    db = await PlanDb.open(await response.text());
  } catch (error) {
    status(labels().cannotStart(error.message), "error");
    return;
  }
  session = new Session({ db, settings });
  // For the browser's devtools (and the tests): the plans database and the session.
  window.calendyPlayground = { db, session };
  wireCommandBox();
  wireControls();
  refresh();
  status("");
  document.body.dataset.ready = "true";
}

boot();
