"""`faqbot run --webhook`: Telegram posts updates to a tornado server, with health checks beside.

PTB's own webhook handler puts each update on a queue and answers 200 at once, so an update
in the queue when the process dies is lost; this one answers only once the update is handled.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
import time
from http import HTTPStatus
from typing import Any

import tornado.web
from sqlalchemy import func, select
from telegram import Update
from telegram.error import BadRequest
from tornado.httpserver import HTTPServer

from faqbot.app import ALLOWED_UPDATES
from faqbot.bot.startup import retried_at_start
from faqbot.bot.state import BotApplication
from faqbot.config import WebhookEndpoint
from faqbot.storage.database import DATABASE_ERRORS
from faqbot.storage.schema import webhook_update
from faqbot.storage.webhook_updates import KEEP_SECONDS

log = logging.getLogger(__name__)
# What makes /readyz say the database is unavailable: an error, or no answer in time.
READY_ERRORS: tuple[type[Exception], ...] = (*DATABASE_ERRORS, TimeoutError)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# An update is a few kilobytes; Telegram's largest (a long message with its reply) stays far
# below this. A bigger body is refused by tornado before it is read.
MAX_UPDATE_BYTES = 1 << 20
BODY_TIMEOUT_SECONDS = 30.0
# How long a claimed update may be in handling before a redelivery may take it over: longer
# than a handler takes under load (sends wait up to 20 s each), short enough that an update
# whose process was killed is handled on one of Telegram's next tries.
CLAIM_LEASE_SECONDS = 120.0
PURGE_INTERVAL_SECONDS = 600.0
# At a stop, how long updates being handled get to finish before the connections close.
DRAIN_SECONDS = 10.0
READY_CHECK_SECONDS = 2.0


class WebhookError(RuntimeError):
    """The webhook server cannot start; the message is one line saying what to do."""


class WebhookServer:
    """The update path, /healthz and /readyz on one tornado server, for one application."""

    def __init__(self, application: BotApplication, endpoint: WebhookEndpoint) -> None:
        self.application = application
        self.endpoint = endpoint
        # True from setWebhook until a stop begins: updates are taken, /readyz may say ready.
        self.ready = False
        self._handling: dict[int, asyncio.Task[HTTPStatus]] = {}
        routes: list[Any] = [
            (r"/healthz", _HealthHandler),
            (r"/readyz", _ReadyHandler, {"server": self}),
            (_path_pattern(endpoint.path), _UpdateHandler, {"server": self}),
        ]
        # log_function: tornado's access line per request is noise; refusals get our own line.
        app = tornado.web.Application(routes, log_function=lambda handler: None)
        self._http = HTTPServer(
            app, max_body_size=MAX_UPDATE_BYTES, body_timeout=BODY_TIMEOUT_SECONDS
        )

    def listen(self) -> None:
        """Bind the listening socket, or raise WebhookError saying what to change."""
        try:
            self._http.listen(self.endpoint.port, address=self.endpoint.host)
        except OSError as error:
            raise WebhookError(
                f"cannot listen on {self.endpoint.listen} ({error.strerror or error}); set "
                "FAQBOT_WEBHOOK_LISTEN to a free host:port this machine has"
            ) from None

    async def receive(self, secret: str | None, body: bytes, sender: str | None) -> HTTPStatus:
        """Answer one POST to the update path: 200 only once its update was handled."""
        if secret is None or not hmac.compare_digest(
            secret.encode(), self.endpoint.secret.encode()
        ):
            log.warning(
                "webhook: refused a request from %s with %s secret token (403); Telegram sends "
                "the FAQBOT_WEBHOOK_SECRET the bot gave it, so this one did not come from it",
                sender,
                "no" if secret is None else "a wrong",
            )
            return HTTPStatus.FORBIDDEN
        if not self.ready:
            return HTTPStatus.SERVICE_UNAVAILABLE  # starting or stopping: Telegram tries again
        try:
            update = self._parse(body)
        except ValueError as error:
            log.warning("webhook: refused a malformed update from %s (%s): 400", sender, error)
            return HTTPStatus.BAD_REQUEST
        # A delivery of an update still being handled here waits for the first one's outcome.
        task = self._handling.get(update.update_id)
        if task is None:
            task = asyncio.create_task(self._handle_once(update))
            self._handling[update.update_id] = task
            task.add_done_callback(lambda _: self._handling.pop(update.update_id, None))
        return await asyncio.shield(task)

    def _parse(self, body: bytes) -> Update:
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"not JSON: {error}") from None
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            raise ValueError("not an Update object with an integer update_id")
        try:
            return Update.de_json(data, self.application.bot)
        except Exception as error:  # de_json raises whatever a wrongly typed field causes
            raise ValueError(f"not an Update: {type(error).__name__}: {error}") from None

    async def _handle_once(self, update: Update) -> HTTPStatus:
        store = self.application.bot_data.stores.webhook_updates
        update_id = update.update_id
        try:
            claim = await store.claim(update_id, time.time(), CLAIM_LEASE_SECONDS)
        except DATABASE_ERRORS as error:
            log.error(
                "webhook: cannot record update %d in the database (%s); answered 503, so "
                "Telegram sends it again",
                update_id,
                error,
            )
            return HTTPStatus.SERVICE_UNAVAILABLE
        if claim == "handled":
            log.info(
                "webhook: update %d came again; it was handled, so it is only acknowledged",
                update_id,
            )
            return HTTPStatus.OK
        if claim == "busy":
            return HTTPStatus.SERVICE_UNAVAILABLE
        application = self.application
        try:
            # Through the update processor, so webhook updates share CONCURRENT_UPDATES.
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
        except Exception as error:  # handlers' errors go to the error handler; this is PTB's
            log.error(
                "webhook: update %d could not be processed (%s: %s); answered 500, so Telegram "
                "sends it again",
                update_id,
                type(error).__name__,
                error,
            )
            await _quietly(store.release(update_id))
            return HTTPStatus.INTERNAL_SERVER_ERROR
        # Handled: a failure to write that down must not make Telegram send it again.
        await _quietly(store.finish(update_id, time.time()))
        return HTTPStatus.OK

    async def readiness(self) -> dict[str, str]:
        """What /readyz reports: the webhook, the database and the pack, each ok or not."""
        state = self.application.bot_data
        checks = {"webhook": "ok" if self.ready else "not set"}
        try:
            await asyncio.wait_for(
                state.stores.database.run(
                    lambda db: db.execute(select(func.count()).select_from(webhook_update)).one()
                ),
                READY_CHECK_SECONDS,
            )
            checks["database"] = "ok"
        except READY_ERRORS as error:
            log.warning("readyz: the database is not usable (%s)", error or "no answer in 2 s")
            checks["database"] = "unavailable"
        try:
            knowledge = state.knowledge
            if not knowledge.pack.entries:
                raise ValueError("the pack has no entries")
            knowledge.answerer.respond(knowledge.pack.entries[0].question)
            checks["pack"] = "ok"
        except Exception as error:  # whatever breaks matching makes the replica unready
            log.warning("readyz: the pack is not usable (%s: %s)", type(error).__name__, error)
            checks["pack"] = "unavailable"
        return checks

    async def purge_forever(self) -> None:
        """Forget update ids Telegram would no longer deliver again, every few minutes."""
        store = self.application.bot_data.stores.webhook_updates
        while True:
            try:
                await store.purge(time.time() - KEEP_SECONDS)
            except DATABASE_ERRORS as error:
                log.warning("webhook: could not purge old update ids (%s); tries again", error)
            await asyncio.sleep(PURGE_INTERVAL_SECONDS)

    async def drain(self) -> None:
        """Stop taking updates and connections, let those being handled finish, then close."""
        self.ready = False
        self._http.stop()
        if handling := list(self._handling.values()):
            _, late = await asyncio.wait(handling, timeout=DRAIN_SECONDS)
            if late:
                log.warning(
                    "webhook: %d update(s) still being handled after %.0f s at stop; Telegram "
                    "sends them again",
                    len(late),
                    DRAIN_SECONDS,
                )
        await self._http.close_all_connections()


def run_webhook(application: BotApplication, endpoint: WebhookEndpoint) -> None:
    """Serve until SIGINT or SIGTERM; start-up errors propagate as `run_polling`'s do."""
    asyncio.run(_serve(WebhookServer(application, endpoint)))


async def _serve(server: WebhookServer) -> None:
    application, endpoint = server.application, server.endpoint
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        # Listening first: a busy port fails before Telegram is told to call it.
        server.listen()
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        await application.start()
        purging = asyncio.create_task(server.purge_forever())
        try:
            # drop_pending_updates stays off: updates sent while no replica listened are
            # still wanted. The webhook stays set at a stop, so a restart loses nothing.
            try:
                await retried_at_start(
                    lambda: application.bot.set_webhook(
                        url=endpoint.url,
                        secret_token=endpoint.secret,
                        allowed_updates=ALLOWED_UPDATES,
                        drop_pending_updates=False,
                    ),
                    "setWebhook",
                )
            except BadRequest as error:  # a NetworkError in PTB, but about the URL, not the network
                raise WebhookError(
                    f"Telegram refused FAQBOT_WEBHOOK_URL ({error.message}); it must be a public "
                    "https:// URL on port 443, 80, 88 or 8443 with a valid certificate"
                ) from None
            server.ready = True
            log.info(
                "webhook: listening on %s for %s; Telegram sends updates there",
                endpoint.listen,
                endpoint.url,
            )
            await stop.wait()
        finally:
            purging.cancel()
            await server.drain()
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await server.drain()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


class _UpdateHandler(tornado.web.RequestHandler):
    """POST of one update from Telegram."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, server: WebhookServer) -> None:
        self.server = server

    async def post(self) -> None:
        status = await self.server.receive(
            self.request.headers.get(SECRET_HEADER), self.request.body, self.request.remote_ip
        )
        self.set_status(status)
        self.finish()


class _HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: the process and its event loop are alive."""

    def get(self) -> None:
        self.finish({"status": "ok"})


class _ReadyHandler(tornado.web.RequestHandler):
    """GET /readyz: 200 when updates are taken and the database and pack work, else 503."""

    def initialize(self, server: WebhookServer) -> None:
        self.server = server

    async def get(self) -> None:
        checks = await self.server.readiness()
        ready = all(value == "ok" for value in checks.values())
        self.set_status(HTTPStatus.OK if ready else HTTPStatus.SERVICE_UNAVAILABLE)
        self.finish({"status": "ready" if ready else "not ready", **checks})


def _path_pattern(path: str) -> str:
    """A tornado route matching exactly `path`, with or without a trailing slash."""
    return re.escape(path.rstrip("/")) + "/?"


async def _quietly(step: Any) -> None:
    try:
        await step
    except DATABASE_ERRORS as error:
        log.error("webhook: the database refused a write (%s); check FAQBOT_DATABASE", error)
