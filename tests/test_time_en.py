"""English time expressions resolved against reference nows (see tests/time_tables.py: NOW)."""

import pytest

from tests.time_tables import Case, check

CLOCKS: list[Case] = [
    # C = Fri 2023-12-29 17:45:00.
    ("C", 'Add "Buy champagne" tomorrow at 3pm', {"moment": "2023-12-30 15:00:00", "title": 'Add "Buy champagne"'}),
    ("C", "Call mom at 8pm", {"moment": "2023-12-29 20:00:00", "title": "Call mom"}),
    ("C", "Gym at 9am", {"moment": "2023-12-30 09:00:00", "title": "Gym"}),
    ("C", "Gym at 9 AM", {"moment": "2023-12-30 09:00:00"}),
    ("C", "Gym at 9 a.m.", {"moment": "2023-12-30 09:00:00", "title": "Gym"}),
    ("C", "Call at 3:30pm", {"moment": "2023-12-30 15:30:00"}),
    ("C", "Call at 7", {"moment": "2023-12-29 19:00:00", "clock": "07:00"}),
    ("C", "Call at 5", {"moment": "2023-12-30 05:00:00"}),
    ("C", "Call at 15:30", {"moment": "2023-12-30 15:30:00"}),
    ("C", "Call at 18:30", {"moment": "2023-12-29 18:30:00"}),
    ("C", "Lunch at noon", {"moment": "2023-12-30 12:00:00", "title": "Lunch"}),
    ("C", "Fireworks at midnight", {"moment": "2023-12-30 00:00:00"}),
    ("C", "Call at 8 o'clock", {"moment": "2023-12-29 20:00:00"}),
    ("C", "Dinner tonight at 9", {"moment": "2023-12-29 21:00:00", "title": "Dinner"}),
    ("C", "Dinner at 9 tonight", {"moment": "2023-12-29 21:00:00"}),
    ("C", "Dinner tomorrow at 8 in the evening", {"moment": "2023-12-30 20:00:00"}),
    ("C", "Run tomorrow morning at 7", {"moment": "2023-12-30 07:00:00", "title": "Run"}),
    ("C", "Pay rent tomorrow at 3", {"moment": "2023-12-30 15:00:00"}),
    ("C", "Pay rent tomorrow at 8", {"moment": "2023-12-30 08:00:00"}),
    ("C", "Pay rent tomorrow 3:30", {"moment": "2023-12-30 15:30:00"}),
    ("C", "Pay rent tomorrow at 12pm", {"moment": "2023-12-30 12:00:00"}),
    ("C", "Pay rent tomorrow at 12am", {"moment": "2023-12-30 00:00:00"}),
    ("C", "Meeting Fri 3pm", {"moment": "2023-12-29 15:00:00", "title": "Meeting"}),
    ("C", "Party on 12/31 at 9pm", {"moment": "2023-12-31 21:00:00", "title": "Party"}),
    ("F", "Add Job fair prep tomorrow at 6pm", {"moment": "2024-11-05 18:00:00", "title": "Add Job fair prep"}),
]

DAYS: list[Case] = [
    ("C", "Dentist next Tuesday", {"day": "2024-01-02", "title": "Dentist"}),
    ("C", "Dentist on Tuesday next week", {"day": "2024-01-02", "title": "Dentist"}),
    ("C", "Add Office inbox cleanup on Tuesday next week", {"moment": "2024-01-02 23:59:59"}),
    ("C", "Dentist next week Tuesday", {"day": "2024-01-02"}),
    ("C", "Dentist this Sunday", {"day": "2023-12-31"}),
    ("C", "Dentist on Saturday", {"day": "2023-12-30", "title": "Dentist"}),
    ("C", "Dentist on Sat", {"day": "2023-12-30"}),
    ("C", "Dentist Friday", {"day": "2023-12-29"}),
    ("C", "Dentist Thursday", {"day": "2024-01-04"}),
    ("C", "Dentist Monday last week", {"day": "2023-12-18"}),
    ("C", "Party the day after tomorrow", {"day": "2023-12-31", "title": "Party"}),
    ("C", "What did I do yesterday", {"period": "2023-12-28..2023-12-28"}),
    ("C", "Show me my todos for tomorrow", {"period": "2023-12-30..2023-12-30", "title": "Show me my todos"}),
    ("C", "Taxes due tomorrow", {"day": "2023-12-30", "title": "Taxes"}),
    ("C", "Report by Friday", {"moment": "2023-12-29 23:59:59", "title": "Report"}),
    ("C", "Report until Monday", {"day": "2024-01-01"}),
    ("C", "Review on Nov 18", {"day": "2023-11-18", "title": "Review"}),
    ("C", "Review November 18th", {"day": "2023-11-18"}),
    ("C", "Review 18 Nov", {"day": "2023-11-18"}),
    ("C", "Review the 18th of November", {"day": "2023-11-18"}),
    ("C", "Review 2023-11-18", {"day": "2023-11-18", "title": "Review"}),
    ("C", "Review Jan 3", {"day": "2023-01-03"}),  # spec: the current year
    ("C", "Review Jan 3, 2024", {"day": "2024-01-03"}),
    ("C", "Party Saturday, Dec 30", {"day": "2023-12-30", "title": "Party"}),
    ("C", "Party on Dec 31 at 10pm", {"moment": "2023-12-31 22:00:00", "title": "Party"}),
    ("G", "Dentist next Tuesday", {"day": "2025-01-07"}),
    ("F", "Cancel the laundry on Thursday", {"period": "2024-11-07..2024-11-07", "title": "Cancel the laundry"}),
]

RELATIVE: list[Case] = [
    ("C", "Stretch in 2 hours", {"moment": "2023-12-29 19:45:00", "title": "Stretch"}),
    ("C", "Stretch in 30 minutes", {"moment": "2023-12-29 18:15:00"}),
    ("C", "Stretch in an hour", {"moment": "2023-12-29 18:45:00"}),
    ("C", "Stretch in half an hour", {"moment": "2023-12-29 18:15:00"}),
    ("C", "Stretch in an hour and a half", {"moment": "2023-12-29 19:15:00"}),
    ("C", "Stretch 2 hours from now", {"moment": "2023-12-29 19:45:00"}),
    ("C", "Review in 3 days", {"moment": "2024-01-01 23:59:59", "title": "Review"}),
    ("C", "Review in 2 weeks", {"day": "2024-01-12"}),
    ("C", "Review in a month", {"day": "2024-01-29"}),
    ("H", "Review in a month", {"day": "2024-02-29"}),
    ("F", 'Add "Call the landlord" in 3 hours', {"moment": "2024-11-04 11:00:00", "title": 'Add "Call the landlord"'}),
    ("C", "What was due 3 days ago", {"day": "2023-12-26"}),
]

PERIODS_AND_RECURRENCE: list[Case] = [
    ("C", "Show this week", {"period": "2023-12-25..2023-12-31", "title": "Show"}),
    ("C", "Show next week", {"period": "2024-01-01..2024-01-07"}),
    ("C", "Show last week", {"period": "2023-12-18..2023-12-24"}),
    ("C", "Show this month", {"period": "2023-12-01..2023-12-31"}),
    ("C", "Show next month", {"period": "2024-01-01..2024-01-31"}),
    ("C", "Show this weekend", {"period": "2023-12-30..2023-12-31"}),
    ("C", "Show plans in November", {"period": "2023-11-01..2023-11-30", "title": "Show plans"}),
    ("F", "Brief me on this week", {"period": "2024-11-04..2024-11-10", "title": "Brief me"}),
    ("C", "Yoga every Saturday this month", {"dates": "2023-12-30", "title": "Yoga"}),
    ("C", "Yoga every Monday next month", {"dates": "2024-01-01 2024-01-08 2024-01-15 2024-01-22 2024-01-29"}),
    ("C", "Stretch every day this week", {"dates": "2023-12-29 2023-12-30 2023-12-31"}),
    ("C", "Yoga on Saturdays and Sundays next month",
     {"dates": "2024-01-06 2024-01-07 2024-01-13 2024-01-14 2024-01-20 2024-01-21 2024-01-27 2024-01-28"}),
    ("F", "Add Farmers market every Saturday this month at 9am",
     {"dates": "2024-11-09 2024-11-16 2024-11-23 2024-11-30", "at": "11-09 09:00 11-16 09:00 11-23 09:00 11-30 09:00",
      "title": "Add Farmers market"}),
    ("F", "Swim every Tuesday and Thursday this month at 7",
     {"dates": "2024-11-05 2024-11-07 2024-11-12 2024-11-14 2024-11-19 2024-11-21 2024-11-26 2024-11-28",
      "at": "11-05 07:00 11-07 07:00 11-12 07:00 11-14 07:00 11-19 07:00 11-21 07:00 11-26 07:00 11-28 07:00"}),
    ("F", "Swim every Friday", {"dates": "2024-11-08 2024-11-15 2024-11-22 2024-11-29"}),
]  # fmt: skip

RANGES_AND_MOVES: list[Case] = [
    ("C", "Add Board games night on Saturday from 7pm to 11pm",
     {"moment": "2023-12-30 19:00:00", "end": "2023-12-30 23:00:00", "title": "Add Board games night"}),
    ("C", "Meeting Saturday 3-5pm", {"moment": "2023-12-30 15:00:00", "end": "2023-12-30 17:00:00"}),
    ("C", "Work from 9 to 5pm tomorrow", {"moment": "2023-12-30 09:00:00", "end": "2023-12-30 17:00:00"}),
    ("C", "Brunch tomorrow from 11 to 1pm", {"moment": "2023-12-30 11:00:00", "end": "2023-12-30 13:00:00"}),
    ("C", "Call tomorrow between 2pm and 4pm", {"moment": "2023-12-30 14:00:00", "end": "2023-12-30 16:00:00"}),
    ("C", "Call tomorrow from 2 to 4", {"moment": "2023-12-30 14:00:00", "end": "2023-12-30 16:00:00"}),
    ("C", "Call tomorrow between 9 and 11:30", {"moment": "2023-12-30 09:00:00", "end": "2023-12-30 11:30:00"}),
    ("C", "Call tomorrow from 2pm until 4", {"moment": "2023-12-30 14:00:00", "end": "2023-12-30 16:00:00"}),
    ("C", "Party from 10pm to 2am tomorrow", {"moment": "2023-12-30 22:00:00", "end": "2023-12-31 02:00:00"}),
    ("C", "Trip from Monday to Wednesday", {"moment": "2024-01-01 00:00:00", "end": "2024-01-03 23:59:59"}),
    ("C", "Vacation Dec 30 to Jan 2", {"day": "2023-12-30", "end_day": "2024-01-02"}),
    ("C", "Study tomorrow at 3pm for 2 hours", {"moment": "2023-12-30 15:00:00", "end": "2023-12-30 17:00:00"}),
    ("C", "Move the hockey game to Thursday", {"day": "2024-01-04", "dest": True, "title": "Move the hockey game"}),
    ("C", "Move the meeting to Monday at 3pm", {"day": "2024-01-01", "clock": "15:00", "dest": True}),
    ("C", "Reschedule standup to 10am", {"day": None, "clock": "10:00", "dest": True}),
    ("C", "Move the meeting from Monday to Wednesday",
     {"day": "2024-01-03", "cond": "2024-01-01..2024-01-01", "dest": True}),
    ("C", "Move dinner from 7pm to 8pm", {"clock": "20:00", "dest": True, "end": None}),
    ("C", "Move it from 3 to 5", {"clock": "17:00", "dest": True, "end": None, "title": "Move it"}),
    ("F", "Push the interview with Acme back 30 minutes", {"shift": "+30m", "title": "Push the interview with Acme"}),
    ("C", "Postpone the dentist by 2 days", {"shift": "+2d", "title": "Postpone the dentist"}),
    ("C", "Bring the review forward by a day", {"shift": "-1d", "title": "Bring the review"}),
    ("C", "Push dinner 1 hour later", {"shift": "+60m", "title": "Push dinner"}),
    ("C", "Move the call 15 minutes earlier", {"shift": "-15m"}),
    ("C", 'Call Bob 1 hour after "Team sync"', {"anchor": "+60m", "anchor_title": "Team sync"}),
    ("C", 'Retro the day after "Launch"', {"anchor": "+1d", "anchor_title": "Launch"}),
    ("C", "Review 2 days before 'Exam'", {"anchor": "-2d", "anchor_title": "Exam"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    CLOCKS + DAYS + RELATIVE + PERIODS_AND_RECURRENCE + RANGES_AND_MOVES,
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_english(now: str, text: str, expected: dict[str, object]) -> None:
    check(now, text, expected)
