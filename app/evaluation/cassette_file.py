"""The cassette file (JSONL): a header line, then one recorded model exchange a line.

An exchange: `key` (sha256 of the canonical request: method, path relative to the API's base URL,
JSON body with sorted keys), `case` (the case that sent it), `request` and `response` (status,
headers, and `body` as JSON or `text`). Messages sent in several requests (the system prompt, the
exemplars) are stored once in the header's `shared_messages` and referenced as {"shared": id}.
Request headers (the API key among them) are never stored nor part of the key.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CASSETTE_FORMAT = 1


def request_key(canonical: dict[str, Any]) -> str:
    """sha256 of the canonical request as JSON with sorted keys (a changed prompt text changes it)."""
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Cassette:
    """A loaded cassette: its header and its exchanges by key."""

    header: dict[str, Any]
    exchanges: dict[str, dict[str, Any]]

    @property
    def model(self) -> str | None:
        """The model the cassette was recorded with."""
        model = self.header.get("model")
        return str(model) if model else None


def load_cassette(path: Path) -> Cassette:
    """Read a cassette file; ValueError names the line that is not a valid exchange."""
    header: dict[str, Any] = {}
    exchanges: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            if "calendy_cassette" in entry:
                header = entry
                continue
            response = entry["response"]
            if not isinstance(response["status"], int) or not isinstance(response["headers"], dict):
                raise TypeError("response status or headers malformed")
            exchanges[entry["key"]] = entry
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a cassette exchange: {exc}") from exc
    if header and header["calendy_cassette"] != CASSETTE_FORMAT:
        raise ValueError(f"{path}: cassette format {header['calendy_cassette']}, expected {CASSETTE_FORMAT}")
    return Cassette(header=header, exchanges=exchanges)


def write_cassette(path: Path, *, model: str, exchanges: list[dict[str, Any]]) -> None:
    """Write the exchanges ordered by case and key, so a re-recording diffs well."""
    ordered = sorted(exchanges, key=lambda e: (e["case"] or "", e["key"]))
    shared, compact = _share_messages(ordered)
    header = {
        "calendy_cassette": CASSETTE_FORMAT,
        "model": model,
        "recorded_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "shared_messages": shared,
    }
    lines = [json.dumps(entry, ensure_ascii=False, sort_keys=True) for entry in (header, *compact)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def stored_body(content: bytes) -> dict[str, Any]:
    """A response body as stored: JSON under `body` (readable diffs), anything else as `text`."""
    try:
        return {"body": json.loads(content)}
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {"text": content.decode("utf-8", errors="replace")}


def body_content(response: dict[str, Any]) -> bytes:
    """The bytes of a stored response body."""
    if "text" in response:
        return str(response["text"]).encode("utf-8")
    return json.dumps(response.get("body"), ensure_ascii=False).encode("utf-8")


def _messages(exchange: dict[str, Any]) -> list[Any]:
    body = exchange["request"]["body"]
    found = body.get("messages") if isinstance(body, dict) else None
    return found if isinstance(found, list) else []


def _share_messages(exchanges: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Messages of several requests stored once; keys were computed on the full requests already."""

    def ref(message: Any) -> str:
        return request_key({"message": message})[:16]

    counts = Counter(ref(m) for e in exchanges for m in _messages(e))
    shared: dict[str, Any] = {}
    compact: list[dict[str, Any]] = []
    for exchange in exchanges:
        kept: list[Any] = []
        for message in _messages(exchange):
            key = ref(message)
            if counts[key] > 1:
                shared[key] = message
                message = {"shared": key}
            kept.append(message)
        if kept:
            body = {**exchange["request"]["body"], "messages": kept}
            exchange = {**exchange, "request": {**exchange["request"], "body": body}}
        compact.append(exchange)
    return shared, compact
