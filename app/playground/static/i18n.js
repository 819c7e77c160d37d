// The page's own labels (buttons, headings, weekdays, hints) in Korean or English. Answers follow the
// command's language (words.js); the page follows the Language setting, else the browser's language.

const EN = {
  lead: "Your plans live in SQLite inside this browser. Tell the calendar what to change.",
  send: "Send",
  undo: "Undo",
  undoTitle: "undo the newest command kept",
  undoStack: "Undo stack",
  today: "Today",
  week: "Week",
  month: "Month",
  previous: "previous",
  next: "next",
  backToToday: "back to today",
  demoUser: "demo user",
  loadDemo: "Load demo data",
  clear: "Clear",
  addByHand: "Add a plan by hand",
  kindTodo: "Todo",
  kindSchedule: "Schedule",
  titlePlaceholder: "title",
  add: "Add",
  noCategory: "no category",
  settings: "Settings",
  apiKey: "API key",
  keyPlaceholder: "from calendy keys create",
  engine: "Engine",
  language: "Language",
  pinnedTime: "Pinned time",
  pinnedPlaceholder: "YYYY-MM-DD HH:MM:SS (empty: this browser's clock)",
  weekdays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
  dayHead: (weekday, month, day) => `${weekday} ${month}/${day}`,
  weekOf: (monday) => `week of ${monday}`,
  showDay: "show this day",
  deletePlan: (title) => `delete ${title}`,
  donePlan: (title) => `done: ${title}`,
  asking: "Asking the service…",
  loadingSqlite: "Loading SQLite…",
  cannotStart: (why) => `The page cannot start: ${why}`,
  pageError: (why) => `Something went wrong in the page: ${why}`,
  notChanged: (why) => `Nothing was changed: ${why}`,
  loaded: (who) => `Loaded the ${who} demo plans.`,
  cleared: "Cleared: no plans.",
  emptyTitle: "No plans yet.",
  emptyHint: "Load the demo data to look around, or type a command above, for example:",
  emptyExample: "내일 오후 3시 치과 예약 추가 · add dentist tomorrow at 3pm",
  keyHint: "No API key yet: paste one in Settings below (made with “calendy keys create”).",
  // The compact preview of rows an answer reads or changes.
  columns: { kind: "", title: "title", when: "when", category: "category", done: "done", other: "also" },
};

const KO = {
  lead: "계획은 이 브라우저 안의 SQLite에 저장됩니다. 캘린더에 바꿀 것을 말해 보세요.",
  send: "보내기",
  undo: "되돌리기",
  undoTitle: "가장 최근 명령을 되돌립니다",
  undoStack: "되돌리기 목록",
  today: "오늘",
  week: "주",
  month: "월",
  previous: "이전",
  next: "다음",
  backToToday: "오늘로 돌아가기",
  demoUser: "데모 사용자",
  loadDemo: "데모 데이터 불러오기",
  clear: "모두 지우기",
  addByHand: "직접 계획 추가",
  kindTodo: "할 일",
  kindSchedule: "일정",
  titlePlaceholder: "제목",
  add: "추가",
  noCategory: "카테고리 없음",
  settings: "설정",
  apiKey: "API 키",
  keyPlaceholder: "calendy keys create 로 만든 키",
  engine: "엔진",
  language: "언어",
  pinnedTime: "고정 시각",
  pinnedPlaceholder: "YYYY-MM-DD HH:MM:SS (비우면 이 브라우저의 시계)",
  weekdays: ["일", "월", "화", "수", "목", "금", "토"],
  dayHead: (weekday, month, day) => `${month}/${day} (${weekday})`,
  weekOf: (monday) => `${monday} 주`,
  showDay: "이 날 보기",
  deletePlan: (title) => `${title} 삭제`,
  donePlan: (title) => `완료: ${title}`,
  asking: "서비스에 묻는 중…",
  loadingSqlite: "SQLite 불러오는 중…",
  cannotStart: (why) => `페이지를 시작할 수 없습니다: ${why}`,
  pageError: (why) => `페이지에서 문제가 생겼습니다: ${why}`,
  notChanged: (why) => `아무것도 바뀌지 않았습니다: ${why}`,
  loaded: (who) => `데모 계획을 불러왔습니다 (${who}).`,
  cleared: "모두 지웠습니다: 계획이 없습니다.",
  emptyTitle: "아직 계획이 없습니다.",
  emptyHint: "데모 데이터를 불러와 둘러보거나, 위 입력창에 명령을 입력하세요. 예:",
  emptyExample: "내일 오후 3시 치과 예약 추가 · 이번주 일정 요약해줘",
  keyHint: "아직 API 키가 없습니다: 아래 설정에 키를 붙여 넣으세요 (“calendy keys create”로 만듭니다).",
  columns: { kind: "", title: "제목", when: "언제", category: "카테고리", done: "완료", other: "그 밖의 변경" },
};

/** "ko" or "en" for the page: the Language setting when chosen, else the browser's language. */
export function pageLanguage(chosen) {
  if (chosen === "ko" || chosen === "en") return chosen;
  return String(globalThis.navigator?.language ?? "").toLowerCase().startsWith("ko") ? "ko" : "en";
}

/** The page's labels for a language ("ko" or "en"). */
export function labelsFor(language) {
  return language === "ko" ? KO : EN;
}

// Elements name their label by key: data-i18n (text), data-i18n-placeholder, -title and -aria (aria-label).
const ATTRIBUTES = { i18nPlaceholder: "placeholder", i18nTitle: "title", i18nAria: "aria-label" };

/** Put the labels of `language` on every element of `root` that names one, and set the page's lang. */
export function translatePage(root, language) {
  const labels = labelsFor(language);
  document.documentElement.lang = language;
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = labels[node.dataset.i18n];
  for (const [key, attribute] of Object.entries(ATTRIBUTES))
    for (const node of root.querySelectorAll(`[data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`))
      node.setAttribute(attribute, labels[node.dataset[key]]);
}
