// Demo users: a Korean and an English student with categories, repeated plans and a week of schedules.
import { addDays, at, weekStart } from "./dates.js";

const USERS = {
  ko: {
    categories: ["과제", "운동", "약속", "업무"],
    homework: [
      "알고리즘 과제",
      "컴퓨터 구조 과제",
      "운영체제 과제",
      "선형대수 과제",
      "데이터베이스 과제",
      "영어 에세이 과제",
    ],
    todos: [
      ["장보기", 3, 18, null],
      ["줄넘기", 1, 21, 1],
      ["엄마 생신 선물 사기", 5, 12, null],
      ["빨래하기", 6, 10, null],
    ],
    repeated: ["헬스", 1, [0, 2, 4], 19, 20],
    schedules: [
      ["팀 회의", 3, 2, 10, 11],
      ["신영이랑 밥먹기", 2, 5, 12, 13],
      ["치과 검진", 2, 1, 16, 17],
      ["동아리 모임", 2, 3, 18, 20],
    ],
  },
  en: {
    categories: ["Homework", "Exercise", "Social", "Work"],
    homework: [
      "Algorithms homework",
      "Computer architecture homework",
      "Operating systems homework",
      "Linear algebra homework",
      "Database homework",
      "English essay homework",
    ],
    todos: [
      ["Buy groceries", 3, 18, null],
      ["Jump rope", 1, 21, 1],
      ["Buy mom's birthday gift", 5, 12, null],
      ["Do the laundry", 6, 10, null],
    ],
    repeated: ["Gym", 1, [0, 2, 4], 19, 20],
    schedules: [
      ["Team meeting", 3, 2, 10, 11],
      ["Lunch with Shinyoung", 2, 5, 12, 13],
      ["Dentist checkup", 2, 1, 16, 17],
      ["Club meeting", 2, 3, 18, 20],
    ],
  },
};

/** The demo user's plans for the week holding `now`. */
export function demoData(locale, now) {
  const user = USERS[locale] ?? USERS.en;
  const monday = weekStart(now);
  const categories = user.categories.map((title, i) => ({ id: i + 1, title, priority: i + 1 }));
  const todos = user.homework.map((title, i) => ({
    title,
    due_time: at(addDays(monday, i), 23, 59, 59),
    category_id: 1,
    complete: i === 0,
    priority: 2,
  }));
  // [title, day of the week (0 = Monday), hour, index of its category or null]
  for (const [title, day, hour, category] of user.todos) {
    todos.push({
      title,
      due_time: at(addDays(monday, day), hour),
      category_id: category === null ? null : category + 1,
    });
  }
  const [title, category, days, start, end] = user.repeated;
  const schedules = [];
  for (const week of [0, 1, 2, 3]) {
    for (const day of days) {
      const date = addDays(monday, week * 7 + day);
      schedules.push({ title, start_time: at(date, start), end_time: at(date, end), category_id: category + 1 });
    }
  }
  for (const [name, cat, day, from, to] of user.schedules) {
    const date = addDays(monday, day);
    schedules.push({ title: name, start_time: at(date, from), end_time: at(date, to), category_id: cat + 1 });
  }
  return { categories, todos, schedules };
}
