"""A fake Slack Web API on loopback: answers auth.test, users.info and chat.*, and records every call.

Tests point CALENDY_SLACK_API_URL at it; docs/slack.md runs it by hand:
`python -m tests.slack_fake --port 8099`, then `send TEXT` (a mention), `dm TEXT` (a direct message)
and `press confirm|cancel|undo` (a button of the latest reply that has it) sign requests as Slack does.
"""

import argparse
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

BOT_USER_ID = "UCALENDY"
# The bot's action ids (app/slack/blocks.py), spelled here so the fake needs nothing of the app.
CONFIRM, CANCEL, UNDO = "calendy_confirm", "calendy_cancel", "calendy_undo"


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

    @app.get("/calls")
    async def recorded() -> JSONResponse:
        # What `press` reads to find the button a person would click.
        with calls._lock:
            return JSONResponse([[name, payload] for name, payload in calls.calls])

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


def dm_event(text: str, *, event_id: str, user: str = "U1", channel: str = "D1") -> str:
    """A message.im event_callback body (a direct message to the bot)."""
    event = {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": f"{time.time():.6f}",
             "channel": channel}  # fmt: skip
    body = {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id, "event": event}
    return json.dumps(body, ensure_ascii=False)


def action_payload(*, action_id: str, value: str, user: str, channel: str, message: dict[str, Any]) -> str:
    """A block_actions body (form-encoded `payload`), as Slack posts a button press."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T1"},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": message["ts"]},
        "message": message,
        "trigger_id": "1.2.3",
        "actions": [{"type": "button", "action_id": action_id, "value": value, "block_id": "b"}],
    }
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)})


def _blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = payload.get("blocks") or []
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


def _buttons(payload: dict[str, Any]) -> dict[str, str]:
    """action_id → value of a message's buttons."""
    return {
        str(element["action_id"]): str(element.get("value", ""))
        for block in _blocks(payload)
        for element in block.get("elements", [])
        if element.get("type") == "button"
    }


def latest_button(recorded: list[list[Any]], action_id: str) -> tuple[str, dict[str, Any]] | None:
    """The newest message still showing `action_id` (a chat.update replaces its message): value, message."""
    messages: dict[tuple[str, str], dict[str, Any]] = {}
    for method, payload in recorded:
        if method == "chat.postMessage":
            messages[(str(payload["channel"]), str(payload["posted_ts"]))] = payload
        elif method == "chat.update":
            # An update keeps the message's place (its thread) and replaces its text and buttons.
            key = (str(payload["channel"]), str(payload["ts"]))
            messages[key] = {**messages.get(key, {}), **payload, "blocks": payload.get("blocks") or []}
    for (channel, ts), payload in reversed(list(messages.items())):
        value = _buttons(payload).get(action_id)
        if value is not None:
            message = {"ts": ts, "text": payload.get("text", ""), "thread_ts": payload.get("thread_ts") or ts}
            return value, {"channel": channel, **message}
    return None


def _show(method: str, payload: dict[str, Any]) -> str:
    """One call as a person would read it: the method, the text, the buttons."""
    if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
        where = f"channel={payload.get('channel')} thread_ts={payload.get('thread_ts')}"
        buttons = " ".join(f"[{name}]" for name in _buttons(payload))
        return f"{method} {where}\n  {str(payload.get('text', '')).replace(chr(10), chr(10) + '  ')}\n  {buttons}"
    return f"{method} {json.dumps(payload, ensure_ascii=False)[:200]}"


def _main() -> None:
    import httpx
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", nargs="?", default="serve", choices=["serve", "send", "dm", "press"])
    parser.add_argument("text", nargs="?", default="내일 8시 알골 과제 추가", help="the message, or the button")
    parser.add_argument("--port", type=int, default=8099, help="the fake's port (serve, and where press reads)")
    parser.add_argument("--url", default="http://127.0.0.1:8000/slack/events", help="the bot's request URL")
    parser.add_argument("--secret", default="dev-signing-secret")
    parser.add_argument("--user", default="U1")
    parser.add_argument("--channel", default="C1")
    args = parser.parse_args()
    event_id = f"Ev{int(time.time() * 1000)}"
    if args.action in ("send", "dm", "press"):
        content_type = "application/json"
        if args.action == "send":
            ts = f"{time.time():.6f}"
            body = mention_event(args.text, event_id=event_id, user=args.user, channel=args.channel, ts=ts)
        elif args.action == "dm":
            body = dm_event(args.text, event_id=event_id, user=args.user)
        else:
            action_id = {"confirm": CONFIRM, "cancel": CANCEL, "undo": UNDO}.get(args.text)
            if action_id is None:
                raise SystemExit("press confirm|cancel|undo")
            found = latest_button(httpx.get(f"http://127.0.0.1:{args.port}/calls").json(), action_id)
            if found is None:
                raise SystemExit(f"no message shows a {args.text} button now (pressed, cancelled or none yet)")
            value, message = found
            channel = message.pop("channel")
            body = action_payload(action_id=action_id, value=value, user=args.user, channel=channel, message=message)
            content_type = "application/x-www-form-urlencoded"
        headers = {"content-type": content_type, **sign(body, secret=args.secret)}
        print(httpx.post(args.url, content=body.encode(), headers=headers).status_code)
        return
    calls = SlackCalls()
    app = fake_slack_app(calls)

    @app.middleware("http")
    async def show(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        if request.url.path.startswith("/api/") and calls.calls:
            print(_show(*calls.calls[-1]), flush=True)
        return response

    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    _main()
