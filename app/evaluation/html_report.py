"""The `--html` report: one self-contained page (inline CSS and SVG) drawn from the JSON report."""

from html import escape
from typing import Any

from app.evaluation.report import answer_lines, gold_lines

# Outcome, legend label, colour: the order of the segments in each bar.
_SEGMENTS = (("correct", "correct", "#2e7d32"), ("declined", "declined", "#9e9e9e"),
             ("wrong", "wrong", "#c62828"), ("missed", "cache miss", "#6a1b9a"))  # fmt: skip
_LABEL_W, _BAR_W, _ROW_H, _TOP = 190, 520, 24, 34
_NAME_CHARS = 26

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#222}
body{padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#666;margin:0 0 16px}.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px}.card span{color:#666;font-size:12px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{padding:3px 10px;border-bottom:1px solid #eee}
th{text-align:right;color:#555;font-weight:600}td{text-align:right}th:first-child,td:first-child{text-align:left}
tr.all td{font-weight:700;border-top:2px solid #ccc}
.case{border-left:4px solid #c62828;padding:4px 12px;margin:10px 0;background:#fafafa}
.case.miss{border-color:#6a1b9a}.case .reason{color:#b71c1c}
pre{margin:2px 0;white-space:pre-wrap;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
svg text{font:12px system-ui,sans-serif}
"""


def _bar_row(row: dict[str, Any], y: int, *, bold: bool) -> list[str]:
    weight = ' font-weight="700"' if bold else ""
    name = escape(row["name"])
    # A long tag would run into the bar: cut it, the tooltips keep the whole name.
    short = escape(row["name"] if len(row["name"]) <= _NAME_CHARS else row["name"][: _NAME_CHARS - 1] + "…")
    parts = [f'<text x="{_LABEL_W - 8}" y="{y + 15}" text-anchor="end"{weight}>{short}</text>']
    x = float(_LABEL_W)
    for key, label, colour in _SEGMENTS:
        count = row[key]
        if not count:
            continue
        width = _BAR_W * count / row["cases"]
        parts.append(
            f'<rect x="{x:.1f}" y="{y + 2}" width="{width:.1f}" height="{_ROW_H - 6}" fill="{colour}">'
            f"<title>{name}: {label} {count} of {row['cases']}</title></rect>"
        )
        if width >= 18:
            parts.append(f'<text x="{x + width / 2:.1f}" y="{y + 15}" text-anchor="middle" fill="#fff">{count}</text>')
        x += width
    summary = f"{row['correct']}/{row['cases']} correct · precision {row['precision']:.2f}"
    parts.append(f'<text x="{_LABEL_W + _BAR_W + 10}" y="{y + 15}" fill="#444">{summary}</text>')
    return parts


def render_chart(report: dict[str, Any]) -> str:
    """Stacked horizontal bars, one per tag (all cases first): the share correct, declined, wrong, missed."""
    rows = [{**report["overall"], "name": "all cases"}, *report["by_tag"]]
    width, height = _LABEL_W + _BAR_W + 230, _TOP + _ROW_H * len(rows) + 6
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        "<title>Outcome of the cases, by tag</title>",
    ]
    x = _LABEL_W
    for _, label, colour in _SEGMENTS:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 17}" y="16">{label}</text>')
        x += 30 + 8 * len(label)
    for index, row in enumerate(rows):
        parts.extend(_bar_row(row, _TOP + index * _ROW_H, bold=index == 0))
    parts.append("</svg>")
    return "\n".join(parts)


def _cards(report: dict[str, Any]) -> str:
    overall, ok = report["overall"], report["ok_cases"]
    cards = [
        (f"{overall['precision']:.3f}", "precision (correct / answered)"),
        (f"{overall['coverage']:.3f}", "coverage (correct / all)"),
        (f"{ok['coverage']:.3f}", f"coverage of cases expecting SQL ({ok['correct']}/{ok['cases']})"),
        (f"{overall['correct']} / {overall['declined']} / {overall['wrong']}", "correct / declined / wrong"),
        (f"{overall['p50_ms']:.1f} / {overall['p95_ms']:.1f}", "latency p50 / p95 ms"),
        (str(overall["prompt_tokens"] + overall["completion_tokens"]), "tokens"),
    ]
    if overall["missed"]:
        cards.append((str(overall["missed"]), "CACHE MISSES"))
    return "".join(f'<div class="card"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for v, k in cards)


def _table(report: dict[str, Any]) -> str:
    heads = ("tag", "cases", "answered", "correct", "declined", "wrong", "missed", "precision", "coverage",
             "p50 ms", "p95 ms", "tokens")  # fmt: skip
    lines = ["<table><tr>" + "".join(f"<th>{h}</th>" for h in heads) + "</tr>"]
    for row, css in [*((r, "") for r in report["by_tag"]), ({**report["overall"], "name": "ALL"}, "all")]:
        cells = [escape(row["name"]), *(str(row[k]) for k in heads[1:7])]
        cells += [f"{row['precision']:.3f}", f"{row['coverage']:.3f}", f"{row['p50_ms']:.1f}", f"{row['p95_ms']:.1f}"]
        cells.append(str(row["prompt_tokens"] + row["completion_tokens"]))
        lines.append(f'<tr class="{css}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return "\n".join([*lines, "</table>"])


def _case(case: dict[str, Any]) -> str:
    answer, gold = answer_lines(case), gold_lines(case)
    css = "case miss" if case["outcome"] == "miss" else "case"
    return (
        f'<div class="{css}"><b>{escape(case["id"])}</b> <small>{escape(", ".join(case["tags"]))}</small>'
        f'<div class="reason">{escape(case["reason"])}</div>'
        f"<div>prompt: {escape(str(case['prompt']))}</div>"
        f"<div>answer:</div><pre>{escape(chr(10).join(answer))}</pre>"
        f"<div>gold:</div><pre>{escape(chr(10).join(gold))}</pre></div>"
    )


def render_html(report: dict[str, Any]) -> str:
    """The whole report page: summary cards, the by-tag chart and table, wrong cases, declined, misses."""
    where = report.get("url") or "in-process"
    title = f"Calendy eval: engine {report['engine']} on {report['dataset']}"
    meta = f"{where} · {report['overall']['cases']} cases · {report['started_at']} · {report['duration_s']:.1f} s"
    if report.get("model"):
        meta += f" · model {report['model']}"
    if report.get("replay"):
        meta += f" · replayed from {report['replay']}"
    wrong = [c for c in report["cases"] if c["outcome"] == "wrong"]
    misses = [c for c in report["cases"] if c["outcome"] == "miss"]
    declined = [c["id"] for c in report["cases"] if c["outcome"] == "declined"]
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(meta)}</p>',
        f'<div class="cards">{_cards(report)}</div>',
        "<h2>By tag</h2>",
        render_chart(report),
        _table(report),
        f"<h2>Wrong cases ({len(wrong)})</h2>",
        *(_case(c) for c in wrong),
    ]
    if misses:
        body += [f"<h2>Cache misses ({len(misses)})</h2>", *(_case(c) for c in misses)]
    body += [f"<h2>Declined ({len(declined)})</h2>", f"<p>{escape(', '.join(declined)) or 'none'}</p>"]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
