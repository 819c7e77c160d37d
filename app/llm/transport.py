"""An HTTP transport for the model client that spreads requests over several connection pools."""

import itertools

import httpx


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
