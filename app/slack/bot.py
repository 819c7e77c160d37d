"""The bolt app: mentions and DMs run as commands on the person's hosted plans; buttons confirm, cancel, undo."""

import logging
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from app.client.hosted import Action, HostedPlans, Person
from app.client.service import ServiceClient, ServiceError
from app.client.session import ClientSession, Outcome
from app.db.hosted_store import Pending, claim_pending, find_pending, finish_event, store_pending, take_event
from app.settings import Settings
from app.slack.blocks import (
    CANCEL,
    CONFIRM,
    UNDO,
    expired_blocks,
    korean,
    outcome_blocks,
    pending_blocks,
    service_error_text,
)

logger = logging.getLogger("calendy.slack")
_ANY_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
Body = dict[str, Any]


class TimeZones:
    """A person's time zone from users.info, cached: "내일 3시" means their tomorrow."""

    def __init__(self, *, ttl_s: float, default: str) -> None:
        self.ttl_s = ttl_s
        self.default = default
        self._cache: dict[str, tuple[float, str]] = {}

    async def of(self, client: AsyncWebClient, user_id: str) -> str:
        """The user's IANA zone, or the default when Slack has none (a failed lookup is not cached)."""
        hit = self._cache.get(user_id)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        try:
            info = await client.users_info(user=user_id)
        except SlackApiError:
            logger.warning("users.info failed; using the default time zone", extra={"user": user_id})
            return self.default
        zone = str((info.get("user") or {}).get("tz") or self.default)
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = self.default
        self._cache[user_id] = (time.monotonic() + self.ttl_s, zone)
        return zone


class SlackBot:
    """Everything behind POST /slack/events; `handler.handle(request)` answers Slack."""

    def __init__(self, *, settings: Settings, engine: AsyncEngine, http: httpx.AsyncClient, schema_sql: str) -> None:
        # The service reached through `http` (in-process in the app): the bot never imports the engines.
        # `schema_sql` is the client schema the runtime already read (prompts/schema.sql).
        self.settings = settings
        self.engine = engine
        self.hosted = HostedPlans(engine=engine, service=ServiceClient(http), schema_sql=schema_sql)
        self.zones = TimeZones(ttl_s=settings.slack_tz_cache_s, default=settings.slack_default_time_zone)
        client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
        # Bolt verifies signatures (v0, 5 minutes), answers url_verification, acks events before the
        # listeners run (process_before_response=False) and drops the bot's own messages.
        self.app = AsyncApp(client=client, signing_secret=settings.slack_signing_secret, logger=logger)
        self.app.event("app_mention")(self.on_mention)
        self.app.event("message")(self.on_message)
        self.app.action(CONFIRM)(self.on_confirm)
        self.app.action(CANCEL)(self.on_cancel)
        self.app.action(UNDO)(self.on_undo)
        self.handler = AsyncSlackRequestHandler(self.app)

    async def on_mention(
        self, body: Body, event: Body, client: AsyncWebClient, context: Body, request: AsyncBoltRequest
    ) -> None:
        """A mention in a channel: answered in its thread."""
        thread_ts = event.get("thread_ts") or event.get("ts")
        await self._taken(body, event, client, context, request, thread_ts=thread_ts)

    async def on_message(
        self, body: Body, event: Body, client: AsyncWebClient, context: Body, request: AsyncBoltRequest
    ) -> None:
        """A direct message (message.im); channel messages reach the bot only as mentions."""
        if event.get("channel_type") == "im":
            await self._taken(body, event, client, context, request, thread_ts=event.get("thread_ts"))

    async def _taken(
        self,
        body: Body,
        event: Body,
        client: AsyncWebClient,
        context: Body,
        request: AsyncBoltRequest,
        *,
        thread_ts: str | None,
    ) -> None:
        """Run an event once: taken in slack_events first, marked done after (a crash leaves it re-takeable)."""
        # Edits, deletions and other bots' posts carry a subtype or a bot_id: not commands.
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return
        event_id = str(body.get("event_id") or "")
        retry = bool(request.headers.get("x-slack-retry-num"))
        stale_after = timedelta(seconds=self.settings.slack_event_reclaim_s)
        if not event_id or not await take_event(
            engine=self.engine, event_id=event_id, retry=retry, stale_after=stale_after
        ):
            return  # Slack's retry of an event some worker took (and is running, or finished)
        try:
            await self._command(body, event, client, context, thread_ts=thread_ts)
        finally:
            await finish_event(engine=self.engine, event_id=event_id)

    async def _command(
        self, body: Body, event: Body, client: AsyncWebClient, context: Body, *, thread_ts: str | None
    ) -> None:
        bot_id = context.get("bot_user_id")
        mention = re.compile(rf"<@{re.escape(bot_id)}(?:\|[^>]*)?>") if bot_id else _ANY_MENTION
        text = mention.sub(" ", str(event.get("text") or "")).strip()
        channel, user = str(event["channel"]), str(event["user"])
        person = Person(team_id=str(body.get("team_id") or event.get("team") or ""), user_id=user)
        ko = korean(text)
        if not text:
            hint = "할 일을 말씀해 주세요. 예: 내일 8시 알골 과제 추가 / Tell me a command, e.g. add gym tomorrow 7pm"
            await self._post(client, channel=channel, thread_ts=thread_ts, text=hint)
            return

        async def act(session: ClientSession) -> Outcome:
            return await session.command(text)

        outcome = await self._run(client, person, act, ko=ko)
        if outcome.kind == "pending" and outcome.answer is not None:
            pending = Pending(
                id=uuid.uuid4().hex,
                team_id=person.team_id,
                user_id=user,
                channel=channel,
                thread_ts=thread_ts,
                prompt=text,
                answer=outcome.answer,
                expires_at=datetime.now(UTC) + timedelta(seconds=self.settings.slack_confirm_ttl_s),
            )
            await store_pending(engine=self.engine, pending=pending)
            minutes = max(1, round(self.settings.slack_confirm_ttl_s / 60))
            reply, blocks = pending_blocks(outcome, ko=ko, pending_id=pending.id, minutes=minutes)
        else:
            reply, blocks = outcome_blocks(outcome, ko=ko, user_id=user, public_url=self.settings.public_url)
        await self._post(client, channel=channel, thread_ts=thread_ts, text=reply, blocks=blocks)

    async def on_confirm(self, ack: Any, body: Body, client: AsyncWebClient) -> None:
        """Confirm: the held change runs once, for the person who asked, before it expires."""
        await ack()
        await self._decide(body, client, confirm=True)

    async def on_cancel(self, ack: Any, body: Body, client: AsyncWebClient) -> None:
        """Cancel: the held change never runs."""
        await ack()
        await self._decide(body, client, confirm=False)

    async def _decide(self, body: Body, client: AsyncWebClient, *, confirm: bool) -> None:
        user = str(body["user"]["id"])
        pending_id = str(body["actions"][0]["value"])
        channel, ts = str(body["channel"]["id"]), str(body["message"]["ts"])
        state = "confirmed" if confirm else "cancelled"
        # The conditional update is the claim: one click of the requester, on any worker, wins.
        claimed = await claim_pending(engine=self.engine, pending_id=pending_id, user_id=user, state=state)
        found = await find_pending(engine=self.engine, pending_id=pending_id)
        ko = korean(found.prompt) if found else True
        if not claimed or found is None:
            if found is not None and found.user_id != user:
                who = f"<@{found.user_id}>"
                note = f"{who}님만 확인하거나 취소할 수 있어요." if ko else f"Only {who} can confirm or cancel this."
                await self._ephemeral(client, channel=channel, user=user, text=note)
            elif found is not None:
                note = (
                    "이미 처리되었거나 확인 시간이 지났어요. 아무것도 바뀌지 않았어요."
                    if ko
                    else ("This was already handled or has expired; nothing was changed.")
                )
                await self._ephemeral(client, channel=channel, user=user, text=note)
                if found.state == "pending" and found.expired(datetime.now(UTC)):
                    # Never confirmed in time: the held message loses its buttons, so nobody presses again.
                    reply, blocks = expired_blocks(found.prompt, ko=ko)
                    await self._update(client, channel=channel, ts=ts, text=reply, blocks=blocks)
            return
        if not confirm:
            reply, blocks = outcome_blocks(Outcome(kind="cancelled"), ko=ko, user_id=user)
            await self._update(client, channel=channel, ts=ts, text=reply, blocks=blocks)
            return

        async def act(session: ClientSession) -> Outcome:
            return await session.apply_held(prompt=found.prompt, answer=found.answer)

        outcome = await self._run(client, Person(team_id=found.team_id, user_id=user), act, ko=ko)
        reply, blocks = outcome_blocks(outcome, ko=ko, user_id=user)
        await self._update(client, channel=channel, ts=ts, text=reply, blocks=blocks)

    async def on_undo(self, ack: Any, body: Body, client: AsyncWebClient) -> None:
        """Undo: the rows before that change come back, if it is still the person's latest."""
        await ack()
        user = str(body["user"]["id"])
        owner, _, request_id = str(body["actions"][0]["value"]).partition("|")
        channel = str(body["channel"]["id"])
        message = body.get("message") or {}
        thread_ts = message.get("thread_ts") or message.get("ts")
        if user != owner:
            text = f"<@{owner}>님만 되돌릴 수 있어요. / Only <@{owner}> can undo this."
            await self._ephemeral(client, channel=channel, user=user, text=text)
            return
        team = str((body.get("team") or {}).get("id") or body["user"].get("team_id") or "")
        ko = korean(str(message.get("text") or ""))

        async def act(session: ClientSession) -> Outcome:
            return await session.undo(request_id=request_id or None)

        outcome = await self._run(client, Person(team_id=team, user_id=user), act, ko=ko)
        if outcome.kind == "undone":
            ko = korean(outcome.text)  # the undone command's own language
        reply, blocks = outcome_blocks(outcome, ko=ko, user_id=user)
        await self._post(client, channel=channel, thread_ts=thread_ts, text=reply, blocks=blocks)

    async def _run(self, client: AsyncWebClient, person: Person, act: Action, *, ko: bool) -> Outcome:
        """Run on the person's plans in their time zone; any failure becomes a polite reply, never silence."""
        try:
            zone = await self.zones.of(client, person.user_id)
            return await self.hosted.run(person, act, time_zone=zone)
        except ServiceError as exc:
            return Outcome(kind="message", text=service_error_text(exc.code, ko))
        except Exception:
            logger.exception("a Slack command failed")
            return Outcome(kind="message", text=service_error_text("internal", ko))

    async def _post(
        self, client: AsyncWebClient, *, channel: str, thread_ts: str | None, text: str, blocks: Any = None
    ) -> None:
        try:
            await client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, blocks=blocks)
        except SlackApiError:
            logger.exception("chat.postMessage failed")

    async def _update(self, client: AsyncWebClient, *, channel: str, ts: str, text: str, blocks: Any) -> None:
        try:
            await client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError:
            logger.exception("chat.update failed")

    async def _ephemeral(self, client: AsyncWebClient, *, channel: str, user: str, text: str) -> None:
        try:
            await client.chat_postEphemeral(channel=channel, user=user, text=text)
        except SlackApiError:
            logger.exception("chat.postEphemeral failed")
