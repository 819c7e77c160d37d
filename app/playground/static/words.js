// What an answer does, in words, in the command's language: "adds todo '치과 예약' on Fri 11/24 15:00"
// for English, "할 일 추가: '치과 예약' — 11/24(금) 15:00" for Korean; and the page's few sentences.
import { clock, human } from "./dates.js";

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/;

/** "ko" or "en": the language the user chose in Settings, else the command's own (any Hangul is Korean). */
export function languageOf(prompt, chosen = null) {
  if (chosen === "ko" || chosen === "en") return chosen;
  return HANGUL.test(String(prompt)) ? "ko" : "en";
}

const EN = {
  nouns: { TODO: "todo", SCHEDULE: "schedule", CATEGORY: "category" },
  times: { due_time: "due", start_time: "starts", end_time: "ends" },
  insert: (noun, title, when) => `adds ${noun} '${title}'${when ? ` on ${when}` : ""}`,
  delete: (noun, title, when) => `deletes ${noun} '${title}'${when ? ` on ${when}` : ""}`,
  update: (noun, title, change) => `changes ${noun} '${title}': ${change}`,
  done: (yes) => (yes ? "marked done" : "marked not done"),
  renamed: (title) => `renamed to '${title}'`,
  unchanged: "no visible change",
  nothing: "changes nothing: no plan matches",
  ask: (n) => `This will change ${n} existing plan(s). Run it?`,
  willChange: "Rows that will change",
  before: "Rows changed",
  rows: "Rows",
  confirm: "Confirm",
  cancel: "Cancel",
  cancelled: "Cancelled: nothing was changed.",
  nothingHeld: "Nothing is waiting for confirmation.",
  undone: (prompt) => `Undone: “${prompt}”`,
  nothingToUndo: "Nothing to undo.",
  handAdd: (noun, title) => `by hand: adds ${noun} '${title}'`,
  handDone: (title, yes) => `by hand: marks '${title}' ${yes ? "done" : "not done"}`,
  handDelete: (noun, title) => `by hand: deletes ${noun} '${title}'`,
  clearAsk: "Delete every plan in this browser, and the undo stack with them? This cannot be undone.",
  replaceAsk: "Replace every plan in this browser with the demo plans? This cannot be undone.",
  heldDropped: "The plans changed while a command waited for confirmation: it was not run. Send it again.",
  refused: (why) => `Nothing was changed: SQLite refused the statements (${why})`,
  refusedQuery: (why) => `SQLite refused the query: ${why}`,
  undoFailed: (why) => `Undo failed: ${why}`,
};

const KO = {
  nouns: { TODO: "할 일", SCHEDULE: "일정", CATEGORY: "카테고리" },
  times: { due_time: "마감", start_time: "시작", end_time: "끝" },
  insert: (noun, title, when) => `${noun} 추가: '${title}'${when ? ` — ${when}` : ""}`,
  delete: (noun, title, when) => `${noun} 삭제: '${title}'${when ? ` — ${when}` : ""}`,
  update: (noun, title, change) => `${noun} 변경: '${title}' — ${change}`,
  done: (yes) => (yes ? "완료로 표시" : "미완료로 표시"),
  renamed: (title) => `제목을 '${title}'(으)로`,
  unchanged: "보이는 변화 없음",
  nothing: "바뀌는 것 없음: 맞는 계획이 없습니다",
  ask: (n) => `기존 계획 ${n}개가 바뀝니다. 실행할까요?`,
  willChange: "바뀔 행",
  before: "바뀐 행",
  rows: "행",
  confirm: "실행",
  cancel: "취소",
  cancelled: "취소했습니다: 아무것도 바뀌지 않았습니다.",
  nothingHeld: "확인을 기다리는 변경이 없습니다.",
  undone: (prompt) => `되돌렸습니다: “${prompt}”`,
  nothingToUndo: "되돌릴 것이 없습니다.",
  handAdd: (noun, title) => `직접 추가: ${noun} '${title}'`,
  handDone: (title, yes) => `직접 ${yes ? "완료" : "미완료"} 표시: '${title}'`,
  handDelete: (noun, title) => `직접 삭제: ${noun} '${title}'`,
  clearAsk: "이 브라우저의 계획을 모두 지울까요? 되돌리기 목록도 함께 지워지며 되돌릴 수 없습니다.",
  replaceAsk: "이 브라우저의 계획을 모두 데모 계획으로 바꿀까요? 되돌릴 수 없습니다.",
  heldDropped: "확인을 기다리는 동안 계획이 바뀌어 그 명령은 실행하지 않았습니다. 다시 보내세요.",
  refused: (why) => `아무것도 바뀌지 않았습니다: SQLite가 문장을 거부했습니다 (${why})`,
  refusedQuery: (why) => `SQLite가 조회를 거부했습니다: ${why}`,
  undoFailed: (why) => `되돌리지 못했습니다: ${why}`,
};

const WEEKDAYS_KO = ["일", "월", "화", "수", "목", "금", "토"];

/** The page's words for a language ("ko" or "en"). */
export function wordsFor(language) {
  return language === "ko" ? KO : EN;
}

/** A stamp as people of the language read it: "Fri 11/24 08:00" or "11/24(금) 08:00". */
export function moment(language, text) {
  if (language !== "ko") return human(text);
  const [, month, day] = String(text).slice(0, 10).split("-").map(Number);
  const weekday = new Date(Number(String(text).slice(0, 4)), month - 1, day).getDay();
  return `${month}/${day}(${WEEKDAYS_KO[weekday]}) ${clock(text)}`;
}

/** When a plan happens, in the language: its due time, or its start–end. */
export function whenOf(language, table, row) {
  if (table === "TODO" && row.due_time) return moment(language, row.due_time);
  if (table === "SCHEDULE" && row.start_time) {
    const sameDay = String(row.end_time).slice(0, 10) === String(row.start_time).slice(0, 10);
    return `${moment(language, row.start_time)}–${sameDay ? clock(row.end_time) : moment(language, row.end_time)}`;
  }
  return "";
}

function difference(language, before, after) {
  const t = wordsFor(language);
  const parts = [];
  for (const [name, old] of Object.entries(before)) {
    const now = after[name];
    if (old === now) continue;
    if (name === "complete") parts.push(t.done(Boolean(now)));
    else if (name in t.times) parts.push(`${t.times[name]} ${moment(language, old)} → ${moment(language, now)}`);
    else if (name === "title") parts.push(t.renamed(now));
    else parts.push(`${name} ${old ?? "—"} → ${now ?? "—"}`);
  }
  return parts.join(", ") || t.unchanged;
}

/** What the statements do, one line a row, from a dry run's steps (rows before, rows after). */
export function describe(steps, language = "en") {
  const t = wordsFor(language);
  const lines = [];
  for (const step of steps) {
    const noun = t.nouns[step.table] ?? step.table.toLowerCase();
    if (step.kind === "insert") {
      for (const row of step.after) lines.push(t.insert(noun, row.title, whenOf(language, step.table, row)));
    } else if (step.kind === "delete") {
      for (const row of step.before) lines.push(t.delete(noun, row.title, whenOf(language, step.table, row)));
    } else if (step.kind === "update") {
      for (const row of step.before) {
        const after = step.after.find((r) => r.id === row.id);
        lines.push(t.update(noun, row.title, after ? difference(language, row, after) : t.unchanged));
      }
    }
  }
  return lines.length ? lines : [t.nothing];
}
