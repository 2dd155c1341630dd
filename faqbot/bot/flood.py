"""Per-user flood protection for questions, on aiolimiter's leaky bucket."""

from __future__ import annotations

from enum import Enum

from aiolimiter import AsyncLimiter

WINDOW_SECONDS = 60
# Past this many tracked users, forget those whose bucket has fully drained.
PRUNE_AT = 10_000


class Verdict(Enum):
    """What to do with one question."""

    ANSWER = "answer"
    NOTICE = "notice"  # the first question over the limit: say so, once
    IGNORE = "ignore"


class FloodGuard:
    """Allows `per_minute` questions per user; past that, one notice, then silence until the
    user's bucket has drained, which takes a full window."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[int, AsyncLimiter] = {}
        self._flooded: set[int] = set()

    async def check(self, user_id: int) -> Verdict:
        """Count one question from this user and say whether to answer it."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= PRUNE_AT:
                self._prune()
            bucket = self._buckets[user_id] = AsyncLimiter(self.per_minute, WINDOW_SECONDS)
        if user_id in self._flooded:
            if not bucket.has_capacity(self.per_minute):
                return Verdict.IGNORE
            self._flooded.discard(user_id)
        if bucket.has_capacity():
            await bucket.acquire()
            return Verdict.ANSWER
        self._flooded.add(user_id)
        return Verdict.NOTICE

    def _prune(self) -> None:
        for user_id, bucket in list(self._buckets.items()):
            if user_id not in self._flooded and bucket.has_capacity(self.per_minute):
                del self._buckets[user_id]
