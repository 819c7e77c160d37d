"""A fake Slack Web API on loopback: answers auth.test, users.info and chat.*, and records every call.

Tests point CALENDY_SLACK_API_URL at it; docs/slack.md runs it by hand:
`python -m tests.slack_fake --port 8099` (and `python -m tests.slack_fake send ...` signs an event).
"""

import argparse
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

BOT_USER_ID = "UCALENDY"


@dataclass
class SlackCalls:
    """Every Web API call the bot made, in order; thread-safe (the server runs in another thread)."""

    zones: dict[str, str] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _lock: threading.Condition = field(default_factory=threading.Condition)

    def add(self, method: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self.calls.append((method, payload))
            self._lock.notify_all()

    def of(self, method: str) -> list[dict[str, Any]]:
        """The payloads of one method's calls."""
        with self._lock:
            return [payload for name, payload in self.calls if name == method]

    def wait_for(self, method: str, count: int = 1, timeout_s: float = 10.0) -> list[dict[str, Any]]:
        """Wait until `method` was called `count` times (the bot works after its ack); its payloads."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while len([1 for name, _ in self.calls if name == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
            return [payload for name, payload in self.calls if name == method]


def fake_slack_app(calls: SlackCalls) -> FastAPI:
    """The fake Web API (slack-sdk's base_url is `<server>/api/`)."""
    app = FastAPI()
    counter = iter(range(1, 10**9))

    @app.api_route("/api/{method}", methods=["GET", "POST"])
    async def api(method: str, request: Request) -> JSONResponse:
        raw = (await request.body()).decode("utf-8")
        payload: dict[str, Any] = dict(request.query_params)
        if raw:
            is_json = request.headers.get("content-type", "").startswith("application/json")
            payload |= json.loads(raw) if is_json else dict(parse_qsl(raw))
        if method == "chat.postMessage":
            # Recorded with the call, so a test can press the buttons of the message it posted.
            payload["posted_ts"] = f"1700000000.{next(counter):06d}"
        calls.add(method, payload)
        if method == "auth.test":
            return JSONResponse({"ok": True, "user_id": BOT_USER_ID, "bot_id": "BCALENDY", "team_id": "T1"})
        if method == "users.info":
            user = str(payload.get("user"))
            return JSONResponse({"ok": True, "user": {"id": user, "tz": calls.zones.get(user, "Asia/Seoul")}})
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            ts = payload.get("posted_ts") or payload.get("ts") or "1700000000.000000"
            return JSONResponse({"ok": True, "channel": payload.get("channel"), "ts": ts, "message_ts": ts})
        return JSONResponse({"ok": False, "error": "unknown_method"})

    return app


def sign(body: str, *, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature headers for `body`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def mention_event(text: str, *, event_id: str, user: str = "U1", channel: str = "C1", ts: str = "1.0001") -> str:
    """An app_mention event_callback body, as Slack posts it."""
    event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts, "channel": channel}
    return json.dumps(
        {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id, "event": event},
        ensure_ascii=False,
    )


def _main() -> None:
    import httpx
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", nargs="?", default="serve", choices=["serve", "send"])
    parser.add_argument("text", nargs="?", default="내일 8시 알골 과제 추가")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--url", default="http://127.0.0.1:8000/slack/events")
    parser.add_argument("--secret", default="dev-signing-secret")
    args = parser.parse_args()
    if args.action == "send":
        body = mention_event(args.text, event_id=f"Ev{int(time.time() * 1000)}")
        headers = {"content-type": "application/json", **sign(body, secret=args.secret)}
        print(httpx.post(args.url, content=body.encode(), headers=headers).status_code)
        return
    calls = SlackCalls()
    app = fake_slack_app(calls)

    @app.middleware("http")
    async def show(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        method, payload = calls.calls[-1] if calls.calls else ("", {})
        print(method, json.dumps(payload, ensure_ascii=False)[:400], flush=True)
        return response

    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    _main()
