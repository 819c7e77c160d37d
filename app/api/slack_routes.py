"""POST /slack/events: Slack's events and interactive actions, handed to the bolt app (mounted when configured)."""

from fastapi import APIRouter, Request, Response

from app.errors import ServiceUnavailable

router = APIRouter()


@router.post("/slack/events", include_in_schema=False)
async def slack_events(request: Request) -> Response:
    """Bolt verifies the signature (401 otherwise), acks, and does the work after the answer."""
    bot = getattr(request.app.state, "slack", None)
    if bot is None:
        raise ServiceUnavailable("the Slack bot is not started")
    response: Response = await bot.handler.handle(request)
    return response
