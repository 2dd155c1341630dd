"""What a failed request to Telegram says about whether it was carried out anyway."""

from __future__ import annotations

import httpx
from telegram.error import NetworkError, TelegramError

# Failures before the request left: it cannot have reached Telegram.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def may_have_arrived(error: TelegramError) -> bool:
    """True if the request may have been carried out although it failed: it was sent and no
    answer came back (a read or write timeout, a dropped connection). False if Telegram
    answered with an error (4xx, 5xx, RetryAfter), or the request never left.

    python-telegram-bot raises NetworkError both for Telegram's 5xx answers and for transport
    failures; only the latter carry the httpx error as their cause. The Bot API offers no way to
    ask whether a message arrived, so an unanswered send stays unknown.
    """
    if not isinstance(error, NetworkError):
        return False
    cause = error.__cause__
    if cause is None or isinstance(cause, TelegramError):
        return False  # Telegram's own answer, such as 502 Bad Gateway
    return not isinstance(cause, _NEVER_SENT)
