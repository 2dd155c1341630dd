"""A python-telegram-bot request class that hands each Bot API call to a FakeBotAPI in this
process: the bytes httpx would send, and the errors PTB would raise, without sockets.

Handler tests build the real application (tests/support/application.py) with it; the
end-to-end tests keep the real HTTP path, as they start the real `faqbot run` process.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import weakref
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from .fake_bot_api import DropAnswer, FakeBotAPI

# Every in-process API gets a URL of its own under the reserved .invalid domain: nothing can
# resolve it, so a request that missed the in-process path fails instead of leaving the host.
_apis: weakref.WeakValueDictionary[str, FakeBotAPI] = weakref.WeakValueDictionary()
_numbers = itertools.count(1)
_lock = threading.Lock()


def in_process_url(api: FakeBotAPI) -> str:
    """A base URL (for Settings.api_base_url) that `request_factory` maps back to `api`."""
    with _lock:
        for url, known in _apis.items():
            if known is api:
                return url
        url = f"http://fake-bot-api-{next(_numbers)}.invalid"
        _apis[url] = api
    return url


def request_factory(base_url: str) -> Callable[..., BaseRequest] | None:
    """The request class for the API behind an `in_process_url`; None for any other URL."""
    api = _apis.get(base_url.rstrip("/"))
    return None if api is None else partial(InProcessRequest, api)


class InProcessRequest(BaseRequest):
    """Like HTTPXRequest (same arguments, timeouts and connection limit), but each call runs
    FakeBotAPI.handle_request in a thread of its own, as the HTTP server's handler would."""

    def __init__(
        self,
        api: FakeBotAPI,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        **_transport_options: Any,  # http_version, proxy, ...: nothing to do without sockets
    ) -> None:
        self.api = api
        self._read_timeout = read_timeout
        self._pool_timeout = pool_timeout
        self._connections = asyncio.Semaphore(connection_pool_size)
        self._open = False

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        self._open = True

    async def shutdown(self) -> None:
        self._open = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Encode the call as HTTPXRequest does, answer it from the fake API, and raise what
        PTB raises over HTTP for an answer that came too late or never came."""
        if not self._open:
            raise RuntimeError("This InProcessRequest is not initialized!")
        read = self._read_timeout if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout
        wait = self._pool_timeout if pool_timeout is BaseRequest.DEFAULT_NONE else pool_timeout
        files = request_data.multipart_data if request_data else None
        request = httpx.Request(
            method,
            url,
            data=request_data.json_parameters if request_data else None,
            files=files or None,
        )
        body = request.read()
        parts = urlsplit(url)
        try:
            await asyncio.wait_for(self._connections.acquire(), wait)
        except TimeoutError as error:
            raise TimedOut(
                "Pool timeout: All connections in the connection pool are occupied. "
                "Request was *not* sent to Telegram."
            ) from httpx.PoolTimeout(str(error))
        try:
            answer = _in_thread(
                partial(
                    self.api.handle_request,
                    parts.path,
                    parts.query,
                    request.headers.get("Content-Type", ""),
                    body,
                )
            )
            try:
                status, payload = await asyncio.wait_for(answer, read)
            except TimeoutError:
                raise TimedOut from httpx.ReadTimeout("timed out", request=request)
            except DropAnswer:
                lost = httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
                raise NetworkError(f"httpx.RemoteProtocolError: {lost}") from lost
        finally:
            self._connections.release()
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return status, data


def _in_thread(call: Callable[[], Any]) -> asyncio.Future[Any]:
    """Run a blocking call (a late answer sleeps, getUpdates long-polls) in a daemon thread,
    as each connection of the HTTP server has one; its outcome completes the future."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():  # the caller stopped waiting (its read timeout)
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        try:
            result, error = call(), None
        except BaseException as raised:
            result, error = None, raised
        with contextlib.suppress(RuntimeError):  # the loop closed while the answer was late
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name="FakeBotAPI-in-process", daemon=True).start()
    return future
