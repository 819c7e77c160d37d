// What a person reads at a glance: today, this week, a month, coloured by category; and the last answer.
import { addDays, clock, dayKey, weekStart } from "./dates.js";
import { colourOf, el } from "./dom.js";
import { previewTable } from "./preview.js";
import { whenOf, wordsFor } from "./words.js";

export { colourOf, el };

function plansByDay(db) {
  const days = new Map();
  const push = (key, item) => (days.get(key) ?? days.set(key, []).get(key)).push(item);
  for (const s of db.select("SELECT * FROM SCHEDULE ORDER BY start_time"))
    push(s.start_time.slice(0, 10), { table: "SCHEDULE", ...s });
  for (const t of db.select("SELECT * FROM TODO ORDER BY due_time"))
    push(t.due_time.slice(0, 10), { table: "TODO", ...t });
  return days;
}

function item(plan, ctx, compact) {
  const changed = ctx.changed?.[plan.table]?.has(plan.id);
  const pending = ctx.pending?.[plan.table]?.has(plan.id);
  const state = [changed ? "changed" : "", pending ? "pending" : "", plan.complete ? "done" : ""];
  const classes = ["plan", plan.table.toLowerCase(), ...state].filter(Boolean).join(" ");
  const attrs = {
    class: classes,
    "data-id": plan.id,
    "data-table": plan.table,
    style: `--cat: ${colourOf(plan.category_id)}`,
  };
  attrs.title = `${plan.title} · ${whenOf(ctx.language, plan.table, plan)}`;
  if (compact) return el("div", attrs, plan.table === "SCHEDULE" ? `${clock(plan.start_time)} ` : "", plan.title);
  const when = plan.table === "TODO" ? clock(plan.due_time) : `${clock(plan.start_time)}–${clock(plan.end_time)}`;
  const toggle =
    plan.table === "TODO"
      ? el("input", {
          type: "checkbox",
          class: "complete",
          checked: Boolean(plan.complete),
          "aria-label": ctx.labels.donePlan(plan.title),
          onchange: (event) => ctx.onToggle(plan, event.target.checked),
        })
      : null;
  const remove = el(
    "button",
    { class: "remove", title: ctx.labels.deletePlan(plan.title), onclick: () => ctx.onDelete(plan) },
    "×",
  );
  return el(
    "div",
    attrs,
    toggle,
    el("span", { class: "when" }, when),
    el("span", { class: "title" }, plan.title),
    remove,
  );
}

function dayColumn(date, plans, ctx) {
  const key = dayKey(date);
  const today = key === dayKey(ctx.today);
  return el(
    "section",
    { class: `day${today ? " today" : ""}`, "data-day": key },
    el("h3", {}, ctx.labels.dayHead(ctx.labels.weekdays[date.getDay()], date.getMonth() + 1, date.getDate())),
    (plans.get(key) ?? []).map((plan) => item(plan, ctx, false)),
  );
}

function monthGrid(plans, ctx) {
  const first = new Date(ctx.focus.getFullYear(), ctx.focus.getMonth(), 1);
  const start = weekStart(first);
  const cells = [];
  for (let i = 0; i < 42; i += 1) {
    const date = addDays(start, i);
    const key = dayKey(date);
    const outside = date.getMonth() !== first.getMonth();
    const classes = `cell${outside ? " outside" : ""}${key === dayKey(ctx.today) ? " today" : ""}`;
    cells.push(
      el(
        "div",
        { class: classes, "data-day": key, title: ctx.labels.showDay, onclick: () => ctx.onPick(date) },
        el("span", { class: "date" }, String(date.getDate())),
        (plans.get(key) ?? []).map((plan) => item(plan, ctx, true)),
      ),
    );
  }
  // Weeks start on Monday: weekdays[1..6] then Sunday.
  const names = [...ctx.labels.weekdays.slice(1), ctx.labels.weekdays[0]];
  const heads = names.map((d) => el("div", { class: "head" }, d));
  return el("div", { class: "month" }, heads, cells);
}

/** What a newcomer does next when there are no plans (first visit, or after Clear). */
function emptyState(ctx) {
  const { labels } = ctx;
  return el(
    "div",
    { class: "empty" },
    el("strong", {}, labels.emptyTitle),
    " ",
    labels.emptyHint,
    " ",
    el("q", {}, labels.emptyExample),
    el("button", { type: "button", class: "primary", id: "empty-load-demo", onclick: ctx.onLoadDemo }, labels.loadDemo),
  );
}

/** Render the plans in the chosen view ("today", "week" or "month") around ctx.focus into `root`. */
export function renderPlans(root, ctx) {
  const plans = plansByDay(ctx.db);
  let body;
  if (ctx.view === "today") body = el("div", { class: "days one" }, dayColumn(ctx.focus, plans, ctx));
  else if (ctx.view === "month") body = monthGrid(plans, ctx);
  else {
    const monday = weekStart(ctx.focus);
    body = el(
      "div",
      { class: "days week" },
      [0, 1, 2, 3, 4, 5, 6].map((i) => dayColumn(addDays(monday, i), plans, ctx)),
    );
  }
  const legend = ctx.db
    .select("SELECT id, title FROM CATEGORY ORDER BY id")
    .map((c) => el("span", { class: "legend", style: `--cat: ${colourOf(c.id)}` }, c.title));
  root.replaceChildren(...[el("div", { class: "legends" }, legend), plans.size ? null : emptyState(ctx), body].filter(Boolean));
}

const KEYWORDS =
  /\b(SELECT|INSERT|INTO|VALUES|UPDATE|SET|DELETE|FROM|WHERE|AND|OR|NOT|IN|BETWEEN|LIKE|ORDER|BY|LIMIT|IS|NULL|ASC|DESC|DATE|DATETIME)\b/g;

/** SQL with keywords and strings marked up (the text escaped first). */
function highlighted(sql) {
  const node = el("code", {});
  // split() with a capturing group puts the matches at odd indexes.
  for (const [i, piece] of sql.split(/('(?:[^']|'')*')/).entries()) {
    if (i % 2) node.append(el("span", { class: "str" }, piece));
    else
      for (const [j, part] of piece.split(KEYWORDS).entries())
        node.append(j % 2 ? el("span", { class: "kw" }, part) : part);
  }
  return node;
}

function meta(answer) {
  const parts = [`engine ${answer.engine}`];
  if (answer.model) parts.push(`model ${answer.model}`);
  if (answer.timings_ms?.total !== undefined) parts.push(`${answer.timings_ms.total.toFixed(1)} ms`);
  if (answer.usage) parts.push(`tokens ${answer.usage.prompt_tokens} in / ${answer.usage.completion_tokens} out`);
  return el("p", { class: "meta" }, parts.join(" · "));
}

/** Category names by id: the plans' own, and those of category rows the answer read or changed (deleted ones too). */
function categoriesOf(rows, categories) {
  const names = new Map(categories);
  for (const row of rows) if (row.table === "CATEGORY" && !names.has(row.id)) names.set(row.id, row.title);
  return names;
}

/** Render one outcome of the session into the answer panel. */
export function renderOutcome(panel, outcome, handlers) {
  const parts = [];
  const { answer } = outcome;
  const t = wordsFor(outcome.language);
  if (outcome.kind === "pending") {
    parts.push(el("p", { class: "ask" }, t.ask(outcome.rows.length)));
  }
  if (outcome.words)
    parts.push(
      el(
        "ul",
        { class: "words" },
        outcome.words.map((w) => el("li", {}, w)),
      ),
    );
  if (outcome.kind === "summary") parts.push(el("blockquote", { class: "briefing" }, outcome.text));
  else if (outcome.text) parts.push(el("p", { class: `text ${outcome.kind}` }, outcome.text));
  const rows = outcome.rows ?? [];
  const table = previewTable(rows, outcome.language, categoriesOf(rows, handlers.categories ?? new Map()));
  if (outcome.kind === "pending") {
    parts.push(el("div", { class: "preview" }, el("h4", {}, t.willChange), table));
  } else if (rows.length) {
    // Rows read or changed are there to check, not to read first: folded, open for a plain SELECT.
    const label = outcome.kind === "changed" ? t.before : t.rows;
    parts.push(
      el(
        "details",
        { class: "preview", open: outcome.kind === "rows" },
        el("summary", {}, `${label} (${outcome.rows.length})`),
        table,
      ),
    );
  }
  if (outcome.kind === "pending") {
    parts.push(
      el(
        "div",
        { class: "confirm" },
        el("button", { class: "primary", id: "confirm", onclick: handlers.onConfirm }, t.confirm),
        el("button", { id: "cancel", onclick: handlers.onCancel }, t.cancel),
      ),
    );
  }
  if (answer?.statements?.length) {
    parts.push(
      el(
        "details",
        { class: "sql" },
        el("summary", {}, `SQL (${answer.statements.length})`),
        answer.statements.map((s) => el("pre", {}, highlighted(s.sql))),
      ),
    );
  }
  if (answer) parts.push(meta(answer));
  panel.replaceChildren(el("div", { class: `outcome ${outcome.kind}` }, parts));
}
