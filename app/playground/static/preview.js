// Rows an answer reads or changes, compact enough for the narrow answer panel: kind, title, when,
// category (its name and colour) and done; an UPDATE shows each changed value as "before → after".
import { labelsFor } from "./i18n.js";
import { colourOf, el } from "./dom.js";
import { whenOf, wordsFor } from "./words.js";

// Columns the compact cells already show; any other changed column is listed under "also".
const SHOWN = new Set(["id", "title", "due_time", "start_time", "end_time", "category_id", "complete"]);

function categoryCell(id, categories) {
  if (id === null || id === undefined) return el("span", { class: "none" }, "—");
  return el("span", { class: "swatch", style: `--cat: ${colourOf(id)}` }, categories.get(id) ?? `#${id}`);
}

function doneMark(row) {
  return row.complete === undefined || row.complete === null ? "" : row.complete ? "✓" : "○";
}

/** One cell: the value, or "before → after" when an UPDATE changes it. */
function cell(name, make, row, after) {
  const old = make(row);
  if (!after) return el("td", { class: name }, old);
  const now = make(after);
  const same = typeof old === "string" && typeof now === "string" ? old === now : old.textContent === now.textContent;
  if (same) return el("td", { class: name }, old);
  return el("td", { class: `${name} diff` }, el("del", {}, old), " → ", el("ins", {}, now));
}

function others(row, after) {
  if (!after) return "";
  const changes = Object.keys(row)
    .filter((name) => !SHOWN.has(name) && row[name] !== after[name])
    .map((name) => `${name}: ${row[name] ?? "—"} → ${after[name] ?? "—"}`);
  return changes.join("; ");
}

/** Do the rows read like plans (a title each)? Other SELECTs (counts, single columns) keep their own columns. */
function planLike(rows) {
  return rows.every((row) => typeof row.title === "string");
}

function plainTable(rows) {
  // Columns empty in every row only push the rest out of sight.
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((n) =>
    rows.some((row) => row[n] !== null && row[n] !== undefined && row[n] !== ""),
  );
  return el(
    "table",
    { class: "rows" },
    el("tr", {}, names.map((n) => el("th", {}, n))),
    rows.map((row) => el("tr", {}, names.map((n) => el("td", {}, row[n] === null || row[n] === undefined ? "" : String(row[n]))))),
  );
}

/** The table for `rows` ({table, ...columns, after?}); categories maps a category id to its name. */
export function previewTable(rows, language, categories) {
  if (!rows.length) return null;
  if (!planLike(rows)) return plainTable(rows);
  const heads = labelsFor(language).columns;
  const nouns = wordsFor(language).nouns;
  const anyOther = rows.some(({ after, table, ...row }) => others(row, after));
  const names = ["kind", "title", "when", "category", "done", ...(anyOther ? ["other"] : [])];
  const body = rows.map((entry) => {
    const { after, table, ...row } = entry;
    const colour = table === "CATEGORY" ? row.id : row.category_id;
    const cells = [
      el("td", { class: "kind", style: `--cat: ${colourOf(colour)}` }, nouns[table] ?? String(table ?? "")),
      cell("title", (r) => r.title, row, after),
      cell("when", (r) => whenOf(language, table, r), row, after),
      table === "CATEGORY"
        ? el("td", { class: "category" }, categoryCell(row.id, categories))
        : cell("category", (r) => categoryCell(r.category_id, categories), row, after),
      cell("done", doneMark, row, after),
    ];
    if (anyOther) cells.push(el("td", { class: "other" }, others(row, after)));
    return el("tr", { "data-table": table, "data-id": row.id }, cells);
  });
  return el(
    "table",
    { class: "rows compact" },
    el("tr", {}, names.map((n) => el("th", { class: n }, heads[n]))),
    body,
  );
}
