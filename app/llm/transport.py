"""HTTP transports under the openai client: aiohttp by default, or httpx's own spread over pools."""

import asyncio
import itertools
import ssl
import urllib.request

import aiohttp
import httpx
import openai


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send httpx requests with aiohttp and read each answer whole.

    aiohttp's client costs about a third of httpcore's CPU per call. A chat completion is a
    small JSON body the service never streams, so the answer is read in one piece instead of
    through a chunk iterator. aiohttp's errors become httpx's, which the openai client maps to
    its own: a timeout stays a timeout, a refused or dropped connection is a connection error.
    """

    def __init__(self, *, max_connections: int = 1000, keepalive_s: float = 5.0):
        self._max_connections = max_connections
        self._keepalive_s = keepalive_s
        self._ssl = ssl.create_default_context()
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # HTTP(S)_PROXY and NO_PROXY, read once, as httpx reads them for a client of its own. Not
        # aiohttp's trust_env: that also reads ~/.netrc, whose Basic auth clashes with the API key.
        self._proxies = urllib.request.getproxies()
        self._proxy_for: dict[tuple[str, str], str | None] = {}

    def _open_session(self) -> aiohttp.ClientSession:
        # A ClientSession belongs to the event loop it was opened on: one per loop, opened on first use.
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, keepalive_timeout=self._keepalive_s, ssl=self._ssl
            )
            # httpx decodes the body by its Content-Encoding; aiohttp must hand it over as sent.
            self._session = aiohttp.ClientSession(connector=connector, auto_decompress=False)
            self._loop = loop
        return self._session

    def _proxy(self, url: httpx.URL) -> str | None:
        key = (url.scheme, url.host)
        if key not in self._proxy_for:
            bypass = not self._proxies or urllib.request.proxy_bypass(url.host)
            self._proxy_for[key] = None if bypass else self._proxies.get(url.scheme) or self._proxies.get("all")
        return self._proxy_for[key]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request; the response comes back fully read."""
        timeouts = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=timeouts.get("pool"),
            sock_connect=timeouts.get("connect"),
            sock_read=timeouts.get("read"),
        )
        body = await request.aread()
        try:
            async with self._open_session().request(
                request.method,
                str(request.url),
                headers=request.headers.multi_items(),
                data=body or None,
                allow_redirects=False,
                timeout=timeout,
                proxy=self._proxy(request.url),
            ) as response:
                content = await response.read()
        except aiohttp.ConnectionTimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc) or "connect timed out", request=request) from exc
        except TimeoutError as exc:  # aiohttp's other timeouts are TimeoutErrors too
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.ReadError(str(exc) or exc.__class__.__name__, request=request) from exc
        return httpx.Response(response.status, headers=response.raw_headers, content=content, request=request)

    async def aclose(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()


class PooledTransport(httpx.AsyncBaseTransport):
    """Round-robin over `pools` httpx transports, each with its own connection pool.

    httpcore's pool scans every connection for every queued request, so its cost grows with
    the square of the requests in flight (encode/httpcore#1035); at 100 concurrent model calls
    that scan was a quarter of the service's CPU. Several small pools keep each scan short.
    """

    def __init__(self, *, pools: int, max_connections: int = 1000, max_keepalive: int = 100):
        per_pool = httpx.Limits(
            max_connections=max(1, max_connections // pools),
            max_keepalive_connections=max(1, max_keepalive // pools),
        )
        self._transports = [httpx.AsyncHTTPTransport(limits=per_pool) for _ in range(pools)]
        self._next = itertools.cycle(self._transports)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send through the next pool in turn."""
        return await next(self._next).handle_async_request(request)

    async def aclose(self) -> None:
        """Close every pool."""
        for transport in self._transports:
            await transport.aclose()


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Ignore the response's Set-Cookie headers."""


class CookielessClient(openai.DefaultAsyncHttpxClient):
    """openai's httpx client, without a cookie jar.

    A model API sets no cookie the service needs, and a jar shared by every request would carry
    one user's cookies into another's calls. It is also cheaper: httpx parses each response's
    headers for cookies through urllib and email (~6% of a worker's CPU per model call).
    """

    @property
    def cookies(self) -> httpx.Cookies:
        """Always empty."""
        return _NoCookies()

    @cookies.setter
    def cookies(self, _cookies: object) -> None:
        """Cookies given to the client are dropped."""
