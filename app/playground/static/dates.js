// Dates as the client schema stores them ("YYYY-MM-DD HH:MM:SS", local wall-clock time) and as people read them.

const pad = (n) => String(n).padStart(2, "0");
const DAYS_EN = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function stamp(date) {
  return `${dayKey(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function dayKey(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** "YYYY-MM-DD[ HH:MM[:SS]]" as a local Date; an Invalid Date for anything else (or 2/30). */
export function parseStamp(text) {
  const match = STAMP.exec(String(text).trim());
  if (!match) return new Date(Number.NaN);
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(y, mo - 1, d, h, mi, s);
  const exact = date.getMonth() === mo - 1 && date.getDate() === d && date.getHours() === h;
  return exact ? date : new Date(Number.NaN);
}

export function addDays(date, days) {
  const next = new Date(date);
  next.setDate(next.getDate() + days);
  return next;
}

/** Monday of the week holding `date` (weeks start on Monday, as the service's "this week" does). */
export function weekStart(date) {
  const day = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  return addDays(day, -((day.getDay() + 6) % 7));
}

export function at(date, hours, minutes = 0, seconds = 0) {
  return stamp(new Date(date.getFullYear(), date.getMonth(), date.getDate(), hours, minutes, seconds));
}

/** "Fri 11/24 08:00" */
export function human(text) {
  const date = parseStamp(text);
  return `${DAYS_EN[date.getDay()]} ${date.getMonth() + 1}/${date.getDate()} ${clock(text)}`;
}

export function clock(text) {
  return String(text).slice(11, 16);
}

export function dayName(date) {
  return DAYS_EN[date.getDay()];
}
