"""The entry answered last to each person in each chat, kept a few minutes to read follow-ups.

In memory and bounded. Its awaitable `recall` and `remember` are Redis's GET and SET with EX,
so a shared store can take its place when the bot runs as several replicas.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeAlias

# Conversations remembered at most; past that the oldest is forgotten first. Each takes about
# 280 bytes (tracemalloc, 10,000 of them), so the map stays under 3 MB however many ask.
MAX_CONVERSATIONS = 10_000

Speaker: TypeAlias = tuple[int, int]  # (chat id, user id): in a group each user has a context


class RecentAnswers:
    """A TTL map from (chat, user) to the entry id answered last."""

    def __init__(
        self,
        ttl: float,
        capacity: int = MAX_CONVERSATIONS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self.clock = clock
        # Oldest first. Every write moves its key to the end and the TTL is the same for all,
        # so the first item is always the next to expire.
        self._answers: OrderedDict[Speaker, tuple[float, str]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    async def recall(self, chat_id: int, user_id: int) -> str | None:
        """The entry id answered last to this user in this chat, unless it has expired."""
        speaker = (chat_id, user_id)
        found = self._answers.get(speaker)
        if found is None:
            return None
        expires, entry_id = found
        if expires <= self.clock():
            del self._answers[speaker]
            return None
        return entry_id

    async def remember(self, chat_id: int, user_id: int, entry_id: str) -> None:
        """Keep the entry just answered as this user's context in this chat, for `ttl` seconds."""
        speaker = (chat_id, user_id)
        now = self.clock()
        self._answers.pop(speaker, None)
        self._answers[speaker] = (now + self.ttl, entry_id)
        while self._answers:
            expires, _ = next(iter(self._answers.values()))
            if expires > now and len(self._answers) <= self.capacity:
                break
            self._answers.popitem(last=False)

    async def forget_user(self, user_id: int) -> None:
        """Drop this user's context in every chat (after /forget)."""
        for speaker in [speaker for speaker in self._answers if speaker[1] == user_id]:
            del self._answers[speaker]
