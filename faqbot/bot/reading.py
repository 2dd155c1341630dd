"""The bot's ExtBot: it reads getUpdates one update at a time, so one update
python-telegram-bot cannot parse is skipped past and counted instead of failing, and being
fetched again, with its whole batch; and its start-up calls outlast a short outage."""

from __future__ import annotations

import datetime as dtm
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import telegram
from telegram import Update, User
from telegram.ext import ExtBot
from telegram.request import BaseRequest

from faqbot.bot.startup import retried_at_start

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]


@dataclass
class SkippedUpdates:
    """Updates the bot could not read since it started, for /stats."""

    count: int = 0
    by_type: Counter[str] = field(default_factory=Counter)


def kind_of(update: JSONDict) -> str:
    """An update's type: its one field besides update_id."""
    return next((key for key in update if key != "update_id"), "empty")


def fill_older_poll_fields(update: JSONDict) -> JSONDict:
    """Add what a Bot API server older than 9.6 leaves out of polls and poll answers.

    Such a server gives options no persistent id; the option's index stands in for it, as the
    answers' ids then refer to the same options. Before 9.6 only non-quiz polls let a voter
    change their answer, and no poll was for members only.
    """
    answer = update.get("poll_answer")
    if isinstance(answer, dict) and "option_persistent_ids" not in answer:
        chosen = answer.get("option_ids")
        if isinstance(chosen, list):
            answer["option_persistent_ids"] = [str(index) for index in chosen]
    polls = [update.get("poll")]
    for key in ("message", "edited_message"):
        message = update.get(key)
        if isinstance(message, dict):
            polls.append(message.get("poll"))
    for poll in polls:
        if not isinstance(poll, dict):
            continue
        poll.setdefault("allows_revoting", poll.get("type") != "quiz")
        poll.setdefault("members_only", False)
        options = poll.get("options")
        for index, option in enumerate(options if isinstance(options, list) else []):
            if isinstance(option, dict):
                option.setdefault("persistent_id", str(index))
    return update


class TolerantBot(ExtBot[Any]):
    """PTB's ExtBot, except that getUpdates parses each update on its own.

    PTB parses a whole batch at once: one update it cannot read fails the batch, the Updater
    never confirms its offset, and it fetches the same batch forever, logging each one in full
    (user content included). Here such an update becomes a bare `Update(update_id)`, which no
    handler matches, so the Updater's offset (the last update's id + 1) moves past it; it is
    logged once, by id and type only, and counted in `skipped`.
    """

    def __init__(
        self,
        token: str,
        *,
        skipped: SkippedUpdates,
        get_updates_request: BaseRequest,
        **options: Any,
    ) -> None:
        super().__init__(token, get_updates_request=get_updates_request, **options)
        # PTB freezes a bot once made; attributes with a leading underscore stay settable.
        self._skipped = skipped
        self._updates_request = get_updates_request

    @property
    def skipped(self) -> SkippedUpdates:
        """The updates this bot could not read and skipped past."""
        return self._skipped

    async def get_me(self, **options: Any) -> User:
        """getMe, retried through a short outage: it is the first call at start-up."""
        get_me = super().get_me
        return await retried_at_start(lambda: get_me(**options), "getMe")

    async def delete_webhook(
        self, drop_pending_updates: bool | None = None, **options: Any
    ) -> bool:
        """deleteWebhook, retried through a short outage: polling starts with it."""
        delete_webhook = super().delete_webhook
        return await retried_at_start(
            lambda: delete_webhook(drop_pending_updates, **options), "deleteWebhook"
        )

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: int | dtm.timedelta | None = None,
        allowed_updates: Sequence[str] | None = None,
        **timeouts: Any,
    ) -> tuple[Update, ...]:
        """getUpdates, as PTB's, but an unreadable update is skipped past and counted."""
        # A long poll may take `timeout` seconds on top of the usual read timeout, as in PTB.
        read_timeout = timeouts.pop("read_timeout", None)
        if not isinstance(read_timeout, int | float):
            read_timeout = self._updates_request.read_timeout or 0
        poll_seconds = timeout.total_seconds() if isinstance(timeout, dtm.timedelta) else timeout
        data: JSONDict = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        result = await self._post(
            "getUpdates", data, read_timeout=read_timeout + (poll_seconds or 0), **timeouts
        )
        updates = [update for item in result if (update := self._read(item)) is not None]
        for update in updates:
            self.insert_callback_data(update)
        return tuple(updates)

    def _read(self, item: Any) -> Update | None:
        try:
            return Update.de_json(fill_older_poll_fields(item), self)
        except Exception as error:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            kind = kind_of(item) if isinstance(item, dict) else type(item).__name__
            self.skipped.count += 1
            self.skipped.by_type[kind] += 1
            # The error's text may quote the update's content, so only its type is logged.
            log.warning(
                "skipped update %s (%s): python-telegram-bot %s cannot read it (%s); "
                "later updates go on, and /stats counts the skipped ones",
                update_id,
                kind,
                telegram.__version__,
                type(error).__name__,
            )
            if not isinstance(update_id, int):
                return None
            return Update(update_id)
