"""Who was just asked "What were you looking for?" after a 👎, and for which logged question.

In memory and bounded, like RecentAnswers: the next message from that user in that chat within
PROMPT_SECONDS is their answer; in a group, only a reply to the question (it comes with
ForceReply), since other messages there are often not meant for the bot. `waiting` is
synchronous so that a handler's filter can ask it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

# How long a 👎's question waits for its answer; after that the next message is a question.
PROMPT_SECONDS = 600
MAX_PROMPTS = 10_000


class FeedbackPrompts:
    """A TTL map from (chat, user) to the question-log row a 👎 was pressed on."""

    def __init__(
        self,
        ttl: float = PROMPT_SECONDS,
        capacity: int = MAX_PROMPTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self.clock = clock
        # (chat, user) -> (expiry, log row, the message an answer must reply to, if any)
        self._rows: OrderedDict[tuple[int, int], tuple[float, int, int | None]] = OrderedDict()

    def open(self, chat_id: int, user_id: int, row_id: int, reply_to: int | None = None) -> None:
        """Wait for this user's next message in this chat (a reply to message `reply_to`, if
        given) as the answer about log row `row_id`."""
        key = (chat_id, user_id)
        self._rows.pop(key, None)
        self._rows[key] = (self.clock() + self.ttl, row_id, reply_to)
        while len(self._rows) > self.capacity:
            self._rows.popitem(last=False)

    def waiting(self, chat_id: int, user_id: int, replying_to: int | None) -> bool:
        """Whether this message (replying to message `replying_to`, if it replies) from this
        user in this chat answers a 👎's question."""
        found = self._rows.get((chat_id, user_id))
        if found is None or found[0] <= self.clock():
            return False
        return found[2] is None or found[2] == replying_to

    def take(self, chat_id: int, user_id: int) -> int | None:
        """The row the awaited answer is about, once: the question is asked only once."""
        found = self._rows.pop((chat_id, user_id), None)
        if found is None or found[0] <= self.clock():
            return None
        return found[1]

    def forget_user(self, user_id: int) -> None:
        """Drop every question waiting for this user (after /forget)."""
        for key in [key for key in self._rows if key[1] == user_id]:
            del self._rows[key]
