"""respx under the production model client: openai's aiohttp client, its transport's send mocked.

respx's own mockers patch httpcore (which openai's aiohttp client never reaches) or every httpx
client's transport (which would also catch the tests' own clients). This one patches only the
aiohttp transport's send: the openai client, httpx and the transport's caller run as in
production, and only the socket is faked. Unmatched requests fail; `pass_through()` routes go out.
"""

from typing import Any, ClassVar

import httpx
import respx
from respx.mocks import AbstractRequestMocker

MOCKER = "httpx-aiohttp"


class AiohttpTransportMocker(AbstractRequestMocker):
    """Registered with respx by its name; used as `respx.mock(using=MOCKER)`."""

    name = MOCKER
    targets: ClassVar[list[str]] = ["httpx_aiohttp.transport.AiohttpTransport"]
    target_methods: ClassVar[list[str]] = ["handle_async_request"]

    @classmethod
    def to_httpx_request(cls, **kwargs: Any) -> httpx.Request:
        """The transport is given an httpx request already."""
        request: httpx.Request = kwargs["request"]
        return request

    @classmethod
    async def from_async_httpx_response(cls, httpx_response: httpx.Response, target: Any, **kwargs: Any) -> Any:
        """And answers with an httpx response."""
        return httpx_response


def mock_model(**kwargs: Any) -> respx.MockRouter:
    """`respx.mock(**kwargs)` for the model client's calls."""
    return respx.mock(using=MOCKER, **kwargs)
