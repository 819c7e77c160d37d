"""The chat request body as bytes, with the static prefix's JSON encoded once and reused."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Message = dict[str, Any]


def _dumps(value: object) -> bytes:
    # The same encoding the openai client uses for a dict body: compact, UTF-8, no NaN.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


@dataclass(frozen=True)
class StaticPrefix:
    """The messages every request starts with, and their JSON (comma-joined, no brackets)."""

    messages: list[Message]
    encoded: bytes

    @classmethod
    def of(cls, messages: list[Message]) -> "StaticPrefix":
        """Encode `messages` once; they must not change afterwards."""
        return cls(messages=messages, encoded=b",".join(_dumps(message) for message in messages))


def _starts_with(messages: Sequence[Message], prefix: StaticPrefix) -> bool:
    head = prefix.messages
    # Identity, not equality: the engine passes the prefix's own dicts (~50 of them), and a
    # comparison of their text would cost what re-encoding costs.
    return len(messages) >= len(head) and all(a is b for a, b in zip(messages, head, strict=False))


def encode_chat_body(
    *, model: str, messages: Sequence[Message], prefix: StaticPrefix | None = None, max_tokens: int | None = None
) -> bytes:
    """The chat-completions JSON body at temperature 0; the prefix's part is copied, not encoded."""
    if prefix is not None and prefix.messages and _starts_with(messages, prefix):
        rest = messages[len(prefix.messages) :]
        parts = [prefix.encoded, *(_dumps(message) for message in rest)]
        encoded_messages = b"[" + b",".join(parts) + b"]"
    else:
        encoded_messages = _dumps(list(messages))
    body = b'{"model":' + _dumps(model) + b',"messages":' + encoded_messages + b',"temperature":0'
    if max_tokens:  # only when asked: some compatible servers reject an explicit null
        body += b',"max_tokens":' + _dumps(max_tokens)
    return body + b"}"
