"""Korean amount rules: N 후/뒤 from now, shifts (하루 미뤄), lengths (2시간 동안), anchors ('X' 다음날)."""

import re

from app.local.time.amounts import parse_ko_amount
from app.local.time.days import Duration
from app.local.time.pieces import Context, Kind, Piece, piece, unknown
from app.local.time.words import KO_SHIFT_WORDS


def relative_amount(m: re.Match[str], ctx: Context) -> list[Piece]:
    """N 후/뒤 from now; 'X'보다 N 뒤 or 'X' N 전 from an anchor; N 뒤로 미뤄 a shift."""
    amount = parse_ko_amount(m["amt"])
    later = m["dir"] in ("뒤", "후", "늦게")
    before = m.string[: m.start()].rstrip()
    anchored = bool(m["boda"]) or before.endswith(("'", '"', "’", "”", "」", "』"))
    if amount is None:
        return unknown(m)
    if anchored:
        return piece(Kind.ANCHOR, m, amount=amount if later else amount.negated())
    if m["particle"] in ("로", "으로") or m["dir"] in ("늦게", "일찍", "먼저"):
        return piece(Kind.AMOUNT, m, amount=amount, role="shift", sign=1 if later else -1)
    if not later:  # 1시간 전에 with no anchor: before what?
        return unknown(m)
    if amount.is_date_shift:
        return piece(Kind.DAY, m, day=amount.apply(ctx.now).date())
    if amount.months or amount.days:
        return unknown(m)
    return piece(Kind.MOMENT, m, moment=amount.apply(ctx.now))


def _shift_sign(window: str) -> int | None:
    """The direction stated by shift words in `window`, 0 if unstated, None if none is there."""
    signs = {sign for word, sign in KO_SHIFT_WORDS.items() if word in window}
    if not signs:
        return None
    stated = signs - {0}
    return stated.pop() if len(stated) == 1 else 0


def bare_amount(m: re.Match[str], ctx: Context) -> list[Piece]:
    """하루 미뤄 / 30분 당겨 (a shift), 2시간 동안 (a length); otherwise maybe a title word."""
    amount = parse_ko_amount(m["amt"])
    if amount is None or m["approx"]:
        return unknown(m)
    if m["length"]:
        return piece(Kind.AMOUNT, m, amount=amount, role="length")
    sign = _shift_sign(m.string[m.end() : m.end() + 14])
    if sign is None:
        return unknown(m)
    return piece(Kind.AMOUNT, m, amount=amount, role="shift", sign=sign)


def anchor_day(m: re.Match[str], ctx: Context) -> list[Piece]:
    days = 1 if ("다음" in m["w"] or "이튿" in m["w"]) else -1
    return piece(Kind.ANCHOR, m, amount=Duration(days=days))


def vague(m: re.Match[str], ctx: Context) -> list[Piece]:
    return unknown(m)
