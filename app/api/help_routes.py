"""The help routes: POST /v1/help, and the user guide served as HTML at /docs/guide/{locale}."""

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.api.deps import BearerCredentials, RequestRecordDep, RuntimeDep
from app.api.routes import COMMON_ERRORS, error_responses
from app.help.guide import guide_page
from app.schemas import HelpRequest, HelpResponse
from app.services.help import GUIDE_DIR, answer_question

router = APIRouter()
# No configurable limits and no LLM error (a failed help model falls back to the guide's sections).
_HELP_ERRORS = error_responses({**COMMON_ERRORS, 422: "invalid_request: a missing or wrong field"})


@router.post("/v1/help", response_model=HelpResponse, responses=_HELP_ERRORS, tags=["v1"])
async def post_help(
    body: HelpRequest, request: Request, runtime: RuntimeDep, record: RequestRecordDep, _credentials: BearerCredentials
) -> HelpResponse:
    """Answer a question about Calendy from its user guide, with links, or abstain."""
    request_id: str = request.scope["state"]["request_id"]
    # The question is the request log's prompt (stored or hashed as CALENDY_LOG_PROMPTS says); the
    # record owns the calls list, so the help model's calls go to the log like the others.
    record.prompt = body.question
    response = await answer_question(request=body, request_id=request_id, runtime=runtime, calls=record.calls)
    record.status = "abstained" if response.abstained else "ok"
    record.engine, record.model = response.engine, response.model
    return response


@router.get("/docs/guide/{locale}", response_class=HTMLResponse, tags=["docs"])
async def get_guide(locale: Literal["ko", "en"]) -> HTMLResponse:
    """The user guide as HTML, one anchor per section."""
    # Read and rendered once per process (the guide ships with the code), not per request.
    return HTMLResponse(guide_page(GUIDE_DIR, locale))
