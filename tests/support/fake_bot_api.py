"""In-process fake Telegram Bot API server for end-to-end tests and benchmarks."""

from __future__ import annotations

import bisect
import contextlib
import copy
import itertools
import json
import re
import socket
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message as MimeHeaders
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import updates as objects

JSONDict = dict[str, Any]

MAX_LONG_POLL_SECONDS = 30.0
MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# String parameters of the methods the fake answers: never decoded as JSON, so "42" stays text.
TEXT_PARAMETERS = frozenset(
    {
        "business_connection_id", "callback_query_id", "explanation", "explanation_parse_mode",
        "inline_message_id", "inline_query_id", "ip_address", "language_code",
        "message_effect_id", "next_offset", "parse_mode", "question", "question_parse_mode",
        "secret_token", "switch_pm_parameter", "switch_pm_text", "text", "url",
    }
)  # fmt: skip
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+\.\d+")
_PATH_RE = re.compile(r"/bot([^/]*)/([^/]*)")


@dataclass(frozen=True, slots=True)
class Call:
    """One Bot API request: method, decoded params, time.monotonic() at arrival, outcome."""

    method: str
    params: JSONDict
    time: float
    result: Any = None
    error_code: int | None = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the call was answered successfully."""
        return self.error_code is None


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart/form-data request."""

    filename: str
    content_type: str
    data: bytes


class BotAPIError(Exception):
    """An error answer of the Bot API."""

    def __init__(
        self, error_code: int, description: str, parameters: JSONDict | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSONDict:
        """The response body Telegram sends for this error."""
        body: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(slots=True)
class _FailureRule:
    method: str
    predicate: Callable[[Call], bool] | None
    remaining: int | None
    error: BotAPIError


@dataclass(slots=True)
class _LateAnswerRule:
    method: str
    predicate: Callable[[Call], bool] | None
    remaining: int | None
    seconds: float | None  # None: never answer, close the connection instead
    release: threading.Event | None = None  # answer once it is set (at most `seconds`)


class DropAnswer(Exception):
    """The call was carried out; its connection is closed without an answer."""


@dataclass(slots=True)
class _RateLimit:
    capacity: int
    window: float
    retry_after: int
    accepted: deque[float] = field(default_factory=deque)


def decode_value(key: str, value: str) -> Any:
    """Decode one form value the way the Bot API does: JSON for non-text parameters."""
    if key in TEXT_PARAMETERS or not value:
        return value
    if _INT_RE.fullmatch(value):
        return int(value)
    if value[0] in "[{" or value in ("true", "false", "null") or _FLOAT_RE.fullmatch(value):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def parse_params(content_type: str, body: bytes, query: str = "") -> JSONDict:
    """Decode query string and body (form, multipart or JSON) into a parameter dict."""
    params: JSONDict = {key: decode_value(key, value) for key, value in parse_qsl(query)}
    headers = MimeHeaders()
    headers["Content-Type"] = content_type or "application/octet-stream"
    mime = headers.get_content_type()
    if not body:
        return params
    if mime == "application/x-www-form-urlencoded":
        text = body.decode("utf-8")
        params.update((k, decode_value(k, v)) for k, v in parse_qsl(text, keep_blank_values=True))
    elif mime == "multipart/form-data":
        params.update(_parse_multipart(body, headers.get_param("boundary")))
    elif mime == "application/json":
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        params.update(
            (k, decode_value(k, v) if isinstance(v, str) else v) for k, v in decoded.items()
        )
    return params


def _parse_multipart(body: bytes, boundary: Any) -> JSONDict:
    """Decode a multipart/form-data body; file parts become UploadedFile values."""
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart body without boundary")
    params: JSONDict = {}
    delimiter = b"--" + boundary.encode("latin-1")
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        part = MimeHeaders()
        for line in head.decode("utf-8").split("\r\n"):
            name, _, value = line.partition(":")
            part[name.strip()] = value.strip()
        key = part.get_param("name", header="content-disposition")
        if not isinstance(key, str):
            continue
        filename = part.get_param("filename", header="content-disposition")
        if isinstance(filename, str):
            params[key] = UploadedFile(filename, part.get_content_type(), content)
        else:
            params[key] = decode_value(key, content.decode("utf-8"))
    return params


def _update_type(update: JSONDict) -> str:
    return next((key for key in update if key != "update_id"), "")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore connections torn down by clients or by stop()."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def do_POST(self) -> None:
        """Answer one Bot API request."""
        url = urlsplit(self.path)
        body = self._read_body()
        try:
            status, payload = self.server.api.handle_request(
                url.path, url.query, self.headers.get("Content-Type", ""), body
            )
        except DropAnswer:
            self.close_connection = True
            return
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


class FakeBotAPI:
    """Thread-safe fake Bot API: records calls, serves updates, injects failures."""

    def __init__(
        self,
        token: str = "123456789:TEST-token-for-tests-only",
        username: str = "faqtestbot",
        bot_id: int = 123456789,
    ) -> None:
        self.token = token
        self.username = username
        self.bot_id = bot_id
        self.first_name = objects.BOT_FIRST_NAME
        self.calls: list[Call] = []
        self.rejected_calls: list[Call] = []
        self._lock = threading.RLock()
        self._calls_changed = threading.Condition(self._lock)
        self._updates_changed = threading.Condition(self._lock)
        self._generation = 0
        self._pending: list[JSONDict] = []
        self._last_update_id = 0
        self._allowed_updates: frozenset[str] | None = None
        self._webhook_url = ""
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._poll_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._polls: dict[str, JSONDict] = {}
        self._poll_messages: dict[tuple[int, int], str] = {}
        self._chats: dict[int | str, JSONDict] = {}
        self._users: dict[int, JSONDict] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._failures: list[_FailureRule] = []
        self._late_answers: list[_LateAnswerRule] = []
        self._rate_limits: dict[str, _RateLimit] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        # The methods the bot calls (and PTB for it: getMe at start, deleteWebhook and
        # getUpdates when polling); any other is answered 404, as an unknown method is.
        self._handlers: dict[str, Callable[[JSONDict], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "setMyCommands": self._set_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "editMessageText": self._edit_message_text,
            "sendPoll": self._send_poll,
            "stopPoll": self._stop_poll,
            "answerCallbackQuery": self._true,
            "answerInlineQuery": self._true,
            "getChatMember": self._get_chat_member,
        }
        self._canonical = {name.lower(): name for name in self._handlers}

    def start(self) -> FakeBotAPI:
        """Start serving on an ephemeral 127.0.0.1 port in a daemon thread."""
        with self._lock:
            if self._server is not None:
                return self
            self._stopping = False
            self._server = _Server(self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="FakeBotAPI",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, release long pollers and close open connections."""
        with self._lock:
            self._stopping = True
            self._updates_changed.notify_all()
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        with server.connections_lock:
            connections = list(server.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The API root, e.g. http://127.0.0.1:12345 (PTB base_url is f"{base_url}/bot").

        Serving starts on first use, so a test that reaches the API only in process
        (tests/support/in_process.py) never opens a socket or starts a thread."""
        server = self._server or self.start()._server
        assert server is not None
        return f"http://127.0.0.1:{server.server_address[1]}"

    @property
    def bot_user(self) -> JSONDict:
        """The User object returned by getMe."""
        return {
            **objects.bot_user(self.bot_id, self.username, self.first_name),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def push_update(self, update: JSONDict) -> int:
        """Queue an Update for getUpdates, assigning update_id if missing; returns the id."""
        with self._lock:
            update_id = update.get("update_id")
            if update_id is None:
                update_id = self._last_update_id + 1
            self._last_update_id = max(self._last_update_id, update_id)
            stored = {
                "update_id": update_id,
                **{k: v for k, v in update.items() if k != "update_id"},
            }
            bisect.insort(self._pending, stored, key=lambda item: item["update_id"])
            self._remember(stored)
            self._updates_changed.notify_all()
            return update_id

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by an offset."""
        with self._lock:
            return list(self._pending)

    @property
    def allowed_updates(self) -> frozenset[str] | None:
        """Update types last requested via allowed_updates (None: Telegram's default set)."""
        return self._allowed_updates

    def calls_to(self, method: str) -> list[Call]:
        """Successful calls of a method, oldest first."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def rejected_calls_to(self, method: str) -> list[Call]:
        """Calls of a method that were answered with an error, oldest first."""
        with self._lock:
            return [call for call in self.rejected_calls if call.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda call: True,
        timeout: float = 10.0,
        count: int = 1,
        *,
        rejected: bool = False,
    ) -> list[Call]:
        """Block until `count` matching calls were recorded; returns the first `count` of them.

        Successful calls are searched, or the rejected ones with rejected=True.
        """
        deadline = time.monotonic() + timeout
        matches: list[Call] = []
        scanned, generation = 0, -1
        with self._lock:
            while True:
                recorded = self.rejected_calls if rejected else self.calls
                if generation != self._generation:
                    matches, scanned, generation = [], 0, self._generation
                for call in recorded[scanned:]:
                    if call.method == method and predicate(call):
                        matches.append(call)
                scanned = len(recorded)
                if len(matches) >= count:
                    return matches[:count]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {count} "
                        f"{'rejected ' if rejected else ''}{method} call(s), "
                        f"got {len(matches)}; {self.summary()}"
                    )
                self._calls_changed.wait(remaining)

    def summary(self) -> str:
        """Counts of recorded calls per method, for assertion messages."""
        with self._lock:
            done = Counter(call.method for call in self.calls)
            failed = Counter(f"{call.method}({call.error_code})" for call in self.rejected_calls)
        ok_text = ", ".join(f"{name}x{n}" for name, n in done.items()) or "none"
        failed_text = ", ".join(f"{name}x{n}" for name, n in failed.items()) or "none"
        return f"recorded: {ok_text}; rejected: {failed_text}"

    def fail(
        self,
        method: str,
        *,
        times: int = 1,
        error_code: int = 400,
        description: str | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Answer the next `times` calls of method with an error."""
        self._add_failure(
            method, None, times, error_code, description, retry_after, migrate_to_chat_id
        )

    def fail_when(
        self,
        method: str,
        predicate: Callable[[Call], bool],
        *,
        error_code: int = 400,
        description: str | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        times: int | None = None,
    ) -> None:
        """Answer calls of method matching predicate(call) with an error (times=None: always)."""
        self._add_failure(
            method, predicate, times, error_code, description, retry_after, migrate_to_chat_id
        )

    def answer_late(
        self,
        method: str,
        seconds: float,
        *,
        predicate: Callable[[Call], bool] | None = None,
        times: int | None = None,
    ) -> None:
        """Carry out matching calls at once (they are recorded) but answer after `seconds`,
        as a busy Telegram does; a client that gives up earlier never learns it succeeded."""
        with self._lock:
            self._late_answers.append(_LateAnswerRule(method, predicate, times, seconds))

    def drop_answer(
        self,
        method: str,
        *,
        predicate: Callable[[Call], bool] | None = None,
        times: int | None = None,
    ) -> None:
        """Carry out matching calls (they are recorded), then close the connection without
        answering, as a network failure between Telegram and the client does."""
        with self._lock:
            self._late_answers.append(_LateAnswerRule(method, predicate, times, None))

    def hold_answers(
        self, method: str, *, times: int | None = 1, longest: float = 60.0
    ) -> threading.Event:
        """Carry out matching calls at once but answer only when the returned event is set
        (or after `longest` seconds): a test can act while the client waits, at a moment it
        knows, instead of guessing how long the client takes to get there."""
        release = threading.Event()
        with self._lock:
            self._late_answers.append(_LateAnswerRule(method, None, times, longest, release))
        return release

    def set_rate_limit(
        self, method: str | tuple[str, ...], per_second: float, retry_after: int = 1
    ) -> None:
        """Allow at most per_second calls of method in any sliding 1-second window. Several
        methods share one cap, as Telegram counts sendMessage and sendPoll alike."""
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        capacity = max(1, int(per_second))
        limit = _RateLimit(capacity, capacity / per_second, retry_after)
        with self._lock:
            for name in (method,) if isinstance(method, str) else method:
                self._rate_limits[name] = limit

    def clear_failures(self) -> None:
        """Drop all injected failures, late answers and rate limits."""
        with self._lock:
            self._failures.clear()
            self._late_answers.clear()
            self._rate_limits.clear()

    def set_chat_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Set what getChatMember reports for the user (default "member")."""
        normalized = objects.member_status(status)
        with self._lock:
            self._members[(chat_id, user_id)] = normalized

    def get_poll(self, poll_id: str) -> JSONDict:
        """Current state of a poll sent through this server."""
        with self._lock:
            return copy.deepcopy(self._polls[poll_id])

    def get_message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """A message sent or pushed through this server, as last edited."""
        with self._lock:
            found = self._messages.get((chat_id, message_id))
            return copy.deepcopy(found) if found is not None else None

    def clear(self) -> None:
        """Forget recorded calls (successful and rejected)."""
        with self._lock:
            self.calls.clear()
            self.rejected_calls.clear()
            self._generation += 1
            self._calls_changed.notify_all()

    def handle_request(
        self, path: str, query: str, content_type: str, body: bytes
    ) -> tuple[int, JSONDict]:
        """Answer one HTTP request: returns (status, JSON body)."""
        arrival = time.monotonic()
        match = _PATH_RE.fullmatch(path)
        if match is None:
            return 404, BotAPIError(404, "Not Found").to_json()
        token, requested = match.groups()
        if token != self.token:
            return 401, BotAPIError(401, "Unauthorized").to_json()
        method = self._canonical.get(requested.lower())
        try:
            params = parse_params(content_type, body, query)
        except (ValueError, UnicodeDecodeError) as exc:
            error = BotAPIError(400, f"Bad Request: can't parse request: {exc}")
            self._record(Call(requested, {}, arrival), error)
            return error.error_code, error.to_json()
        call = Call(method or requested, params, arrival)
        try:
            if method is None:
                raise BotAPIError(404, "Not Found: method not found")
            self._admit(call)
            result = self._handlers[method](params)
        except BotAPIError as error:
            self._record(call, error)
            return error.error_code, error.to_json()
        except Exception as exc:
            error = BotAPIError(500, f"Internal Server Error: {exc!r}")
            self._record(call, error)
            return error.error_code, error.to_json()
        if method != "getUpdates":
            self._record(Call(call.method, params, arrival, result))
        self._answer_late(call)
        return 200, {"ok": True, "result": result}

    def _answer_late(self, call: Call) -> None:
        """Wait before answering, or drop the answer, if a rule says so."""
        with self._lock:
            rule = next(
                (
                    r
                    for r in self._late_answers
                    if r.method == call.method
                    and r.remaining != 0
                    and (r.predicate is None or r.predicate(call))
                ),
                None,
            )
            if rule is None:
                return
            if rule.remaining is not None:
                rule.remaining -= 1
            self._late_answers = [r for r in self._late_answers if r.remaining != 0]
        if rule.seconds is None:
            raise DropAnswer
        if rule.release is not None:
            rule.release.wait(rule.seconds)
        else:
            time.sleep(rule.seconds)

    def _record(self, call: Call, error: BotAPIError | None = None) -> None:
        with self._lock:
            if error is None:
                self.calls.append(call)
            else:
                self.rejected_calls.append(
                    Call(
                        call.method,
                        call.params,
                        call.time,
                        None,
                        error.error_code,
                        error.description,
                    )
                )
            self._calls_changed.notify_all()

    def _add_failure(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None,
        times: int | None,
        error_code: int,
        description: str | None,
        retry_after: int | None,
        migrate_to_chat_id: int | None,
    ) -> None:
        parameters: JSONDict = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        if description is None:
            description = _default_description(error_code, retry_after, migrate_to_chat_id)
        error = BotAPIError(error_code, description, parameters or None)
        with self._lock:
            self._failures.append(_FailureRule(method, predicate, times, error))

    def _admit(self, call: Call) -> None:
        with self._lock:
            limit = self._rate_limits.get(call.method)
            if limit is not None:
                while limit.accepted and call.time - limit.accepted[0] >= limit.window:
                    limit.accepted.popleft()
                if len(limit.accepted) >= limit.capacity:
                    raise BotAPIError(
                        429,
                        f"Too Many Requests: retry after {limit.retry_after}",
                        {"retry_after": limit.retry_after},
                    )
                limit.accepted.append(call.time)
            for rule in self._failures:
                if rule.method != call.method or rule.remaining == 0:
                    continue
                if rule.predicate is not None and not rule.predicate(call):
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                self._failures = [r for r in self._failures if r.remaining != 0]
                raise rule.error

    def _remember(self, update: JSONDict) -> None:
        payload = update.get(_update_type(update))
        if not isinstance(payload, dict):
            return
        for candidate in (payload, payload.get("message")):
            if not isinstance(candidate, dict):
                continue
            for key in ("from", "user"):
                sender = candidate.get(key)
                if isinstance(sender, dict) and "id" in sender:
                    self._users[sender["id"]] = sender
            chat = candidate.get("chat")
            if isinstance(chat, dict) and "id" in chat:
                self._chats[chat["id"]] = chat
                if chat.get("username"):
                    self._chats[f"@{chat['username']}"] = chat
                if "message_id" in candidate:
                    self._messages[(chat["id"], candidate["message_id"])] = candidate

    def _chat(self, chat_id: Any) -> JSONDict:
        if chat_id is None or chat_id == "":
            raise BotAPIError(400, "Bad Request: chat_id is empty")
        with self._lock:
            known = self._chats.get(chat_id)
        if known is not None:
            return known
        if isinstance(chat_id, str):
            if not chat_id.startswith("@"):
                raise BotAPIError(400, "Bad Request: chat not found")
            synthetic_id = objects.SUPERGROUP_ID_LIMIT - zlib.crc32(chat_id.encode())
            return objects.chat(synthetic_id, "channel", title=chat_id[1:], username=chat_id[1:])
        if not isinstance(chat_id, int) or chat_id == 0:
            raise BotAPIError(400, "Bad Request: chat not found")
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        return objects.chat(chat_id)

    def _user(self, user_id: int) -> JSONDict:
        if user_id == self.bot_id:
            return objects.bot_user(self.bot_id, self.username, self.first_name)
        with self._lock:
            return self._users.get(user_id) or objects.user(user_id, "User", language_code=None)

    def _true(self, params: JSONDict) -> bool:
        return True

    def _get_me(self, params: JSONDict) -> JSONDict:
        return self.bot_user

    def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        offset = params.get("offset")
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), MAX_LONG_POLL_SECONDS)
        with self._lock:
            if self._webhook_url:
                raise BotAPIError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            allowed = params.get("allowed_updates")
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or None
            self._record(Call("getUpdates", params, time.monotonic()))
            if isinstance(offset, int) and offset < 0:
                del self._pending[:offset]
            elif isinstance(offset, int):
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
            deadline = time.monotonic() + timeout
            while True:
                batch = [u for u in self._pending if self._is_allowed(u)][:limit]
                remaining = deadline - time.monotonic()
                if batch or self._stopping or remaining <= 0:
                    return batch
                self._updates_changed.wait(remaining)

    def _is_allowed(self, update: JSONDict) -> bool:
        kind = _update_type(update)
        if self._allowed_updates is None:
            return kind not in DEFAULT_EXCLUDED_UPDATES
        return kind in self._allowed_updates

    def _set_webhook(self, params: JSONDict) -> bool:
        with self._lock:
            self._webhook_url = str(params.get("url") or "")
            if params.get("drop_pending_updates"):
                self._pending.clear()
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        with self._lock:
            self._webhook_url = ""
            if params.get("drop_pending_updates"):
                self._pending.clear()
        return True

    def _new_message(self, params: JSONDict, content: JSONDict) -> JSONDict:
        chat = self._chat(params.get("chat_id"))
        message: JSONDict = {"message_id": next(self._message_ids)}
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = objects.bot_user(self.bot_id, self.username, self.first_name)
        message["chat"] = chat
        message["date"] = objects.now()
        thread_id = params.get("message_thread_id")
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        reply = params.get("reply_parameters")
        reply_to = reply.get("message_id") if isinstance(reply, dict) else None
        if reply_to is None:
            reply_to = params.get("reply_to_message_id")
        with self._lock:
            replied = self._messages.get((chat["id"], reply_to)) if reply_to is not None else None
        if replied is not None:
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        message.update(content)
        markup = _inline_markup(params.get("reply_markup"))
        if markup is not None:
            message["reply_markup"] = markup
        with self._lock:
            self._messages[(chat["id"], message["message_id"])] = message
        return message

    def _send_message(self, params: JSONDict) -> JSONDict:
        text = _checked_text(params.get("text"))
        content: JSONDict = {"text": text}
        if params.get("entities"):
            content["entities"] = params["entities"]
        if isinstance(params.get("link_preview_options"), dict):
            content["link_preview_options"] = params["link_preview_options"]
        return self._new_message(params, content)

    def _send_photo(self, params: JSONDict) -> JSONDict:
        if "photo" not in params:
            raise BotAPIError(400, "Bad Request: there is no photo in the request")
        unique = next(self._file_ids)
        sizes = [
            {
                "file_id": f"AgACAgIAAxkDAAI{unique:08d}{suffix}",
                "file_unique_id": f"AQAD{unique}{suffix}",
                "width": width,
                "height": height,
                "file_size": width * height // 10,
            }
            for suffix, width, height in (("s", 90, 60), ("m", 320, 213), ("x", 1280, 853))
        ]
        return self._new_message(params, {"photo": sizes, **_caption(params)})

    def _send_poll(self, params: JSONDict) -> JSONDict:
        question = params.get("question")
        if not isinstance(question, str) or not question.strip():
            raise BotAPIError(400, "Bad Request: poll question must be non-empty")
        options = params.get("options")
        if not isinstance(options, list) or len(options) < 2:
            raise BotAPIError(400, "Bad Request: poll must have at least 2 option")
        poll_type = params.get("type") or "regular"
        correct = params.get("correct_option_ids")
        if correct is None and params.get("correct_option_id") is not None:
            correct = [params["correct_option_id"]]
        if poll_type == "quiz" and not correct:
            raise BotAPIError(400, "Bad Request: wrong correct option ids specified")
        poll_id = str(5_900_000_000_000_000_000 + next(self._poll_ids))
        poll = objects.poll_object(
            poll_id,
            question,
            options,
            is_closed=bool(params.get("is_closed", False)),
            is_anonymous=bool(params.get("is_anonymous", True)),
            poll_type=poll_type,
            allows_multiple_answers=bool(params.get("allows_multiple_answers", False)),
            allows_revoting=params.get("allows_revoting"),
            members_only=bool(params.get("members_only", False)),
            correct_option_ids=correct,
            explanation=params.get("explanation"),
            open_period=params.get("open_period"),
            close_date=params.get("close_date"),
        )
        message = self._new_message(params, {"poll": poll})
        with self._lock:
            self._polls[poll_id] = poll
            self._poll_messages[(message["chat"]["id"], message["message_id"])] = poll_id
        return message

    def _stop_poll(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params.get("chat_id"))
        with self._lock:
            poll_id = self._poll_messages.get((chat["id"], params.get("message_id")))
            if poll_id is None:
                raise BotAPIError(400, "Bad Request: message with poll to stop not found")
            if self._polls[poll_id]["is_closed"]:
                raise BotAPIError(400, "Bad Request: poll has already been closed")
            closed = {**self._polls[poll_id], "is_closed": True}
            self._polls[poll_id] = closed
            return closed

    def _editable(self, params: JSONDict) -> tuple[JSONDict, JSONDict | None]:
        chat = self._chat(params.get("chat_id"))
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise BotAPIError(400, "Bad Request: message identifier is not specified")
        with self._lock:
            known = self._messages.get((chat["id"], message_id))
        if known is not None and known.get("from", {}).get("is_bot") is False:
            raise BotAPIError(400, "Bad Request: message can't be edited")
        base = known or {
            "message_id": message_id,
            "from": objects.bot_user(self.bot_id, self.username, self.first_name),
            "chat": chat,
            "date": objects.now(),
        }
        return base, known

    def _store_edit(self, edited: JSONDict) -> JSONDict:
        edited["edit_date"] = objects.now()
        with self._lock:
            self._messages[(edited["chat"]["id"], edited["message_id"])] = edited
        return edited

    def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        text = _checked_text(params.get("text"))
        if params.get("inline_message_id"):
            return True
        base, known = self._editable(params)
        markup = _inline_markup(params.get("reply_markup"))
        entities = params.get("entities") or None
        if known is not None and known.get("text") == text and known.get("reply_markup") == markup:
            raise BotAPIError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        edited = {k: v for k, v in base.items() if k not in ("reply_markup", "entities")}
        edited["text"] = text
        if entities:
            edited["entities"] = entities
        if markup is not None:
            edited["reply_markup"] = markup
        return self._store_edit(edited)

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise BotAPIError(400, "Bad Request: commands must be an array")
        return True

    def _member_status(self, chat_id: int, user_id: int) -> str:
        with self._lock:
            return self._members.get((chat_id, user_id), "member")

    def _get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params.get("chat_id"))
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise BotAPIError(400, "Bad Request: invalid user_id specified")
        return objects.chat_member(self._user(user_id), self._member_status(chat["id"], user_id))


def _default_description(
    error_code: int, retry_after: int | None, migrate_to_chat_id: int | None
) -> str:
    if migrate_to_chat_id is not None:
        return "Bad Request: group chat was upgraded to a supergroup chat"
    if error_code == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    if error_code == 403:
        return "Forbidden: bot was blocked by the user"
    if error_code == 401:
        return "Unauthorized"
    if error_code == 404:
        return "Not Found"
    if error_code == 409:
        return "Conflict: terminated by other getUpdates request"
    return "Bad Request: injected"


def _checked_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise BotAPIError(400, "Bad Request: message text is empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise BotAPIError(400, "Bad Request: message is too long")
    return text


def _caption(params: JSONDict) -> JSONDict:
    caption = params.get("caption")
    if not caption:
        return {}
    content: JSONDict = {"caption": caption}
    if params.get("caption_entities"):
        content["caption_entities"] = params["caption_entities"]
    return content


def _inline_markup(markup: Any) -> JSONDict | None:
    """The markup echoed in a Message: only inline keyboards, validated like Telegram."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise BotAPIError(400, "Bad Request: can't parse inline keyboard: field is not an array")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise BotAPIError(400, "Bad Request: can't parse inline keyboard button")
            if len(button) == 1:
                raise BotAPIError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
            data = button.get("callback_data")
            if isinstance(data, str) and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise BotAPIError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup
