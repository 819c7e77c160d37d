"""The words people use for each named day, Korean and English (lower case), → its key."""

KO_HOLIDAY_NAMES: dict[str, str] = {
    "신정": "new_year", "새해 첫날": "new_year", "설날": "seollal", "설": "seollal", "구정": "seollal",
    "삼일절": "independence", "어린이날": "childrens", "부처님오신날": "buddha", "부처님 오신 날": "buddha",
    "석가탄신일": "buddha", "현충일": "memorial", "광복절": "liberation", "추석": "chuseok", "한가위": "chuseok",
    "개천절": "foundation", "한글날": "hangul", "크리스마스": "christmas", "성탄절": "christmas",
    "어버이날": "parents", "스승의 날": "teachers", "스승의날": "teachers", "크리스마스 이브": "christmas_eve",
    "섣달 그믐": "new_years_eve", "섣달그믐": "new_years_eve",
}  # fmt: skip
EN_HOLIDAY_NAMES: dict[str, str] = {
    "new year's day": "new_year", "lunar new year": "seollal", "seollal": "seollal",
    "independence movement day": "independence", "children's day": "childrens", "buddha's birthday": "buddha",
    "memorial day": "memorial", "liberation day": "liberation", "chuseok": "chuseok",
    "national foundation day": "foundation", "hangul day": "hangul", "christmas day": "christmas",
    "christmas": "christmas", "christmas eve": "christmas_eve", "new year's eve": "new_years_eve",
}  # fmt: skip
