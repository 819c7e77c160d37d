"""The part of a chat-completions response the service reads, parsed straight from its bytes."""

from pydantic import BaseModel, ValidationError

from app.errors import LlmError
from app.schemas import Usage


class _Message(BaseModel):
    content: str | None = None


class _Choice(BaseModel):
    message: _Message


class _PromptDetails(BaseModel):
    cached_tokens: int | None = None


class _Usage(BaseModel):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    prompt_tokens_details: _PromptDetails | None = None


class ChatReply(BaseModel):
    """Model, first choice's text and token usage; every other field is ignored."""

    model: str | None = None
    choices: list[_Choice] = []
    usage: _Usage | None = None

    @property
    def text(self) -> str:
        """The first choice's content ('' when there is none)."""
        return (self.choices[0].message.content or "") if self.choices else ""

    def token_usage(self) -> Usage:
        """Usage in the API's shape; missing counts are 0."""
        raw = self.usage
        if raw is None:
            return Usage()
        details = raw.prompt_tokens_details
        return Usage(
            prompt_tokens=raw.prompt_tokens or 0,
            completion_tokens=raw.completion_tokens or 0,
            cached_tokens=(details.cached_tokens if details is not None else None) or 0,
        )


def parse_reply(content: bytes) -> ChatReply:
    """Validate a 2xx response body; a body that is not a chat completion is an llm_error."""
    try:
        return ChatReply.model_validate_json(content)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()[:3])
        raise LlmError(
            "the model's API answered with something that is not a chat completion", details={"cause": problems}
        ) from exc
