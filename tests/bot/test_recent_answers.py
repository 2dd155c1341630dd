"""The follow-up context: per chat and user, forgotten after its time to live, bounded."""

from __future__ import annotations

from faqbot.bot.recent_answers import RecentAnswers


class Clock:
    """A clock moved by hand."""

    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


async def test_each_user_in_each_chat_has_their_own_answer() -> None:
    recent = RecentAnswers(ttl=300)
    await recent.remember(-100, 1, "what-is-jimex")
    await recent.remember(-100, 2, "what-is-malabar")
    await recent.remember(1, 1, "what-is-2plus2")

    assert await recent.recall(-100, 1) == "what-is-jimex"
    assert await recent.recall(-100, 2) == "what-is-malabar"
    assert await recent.recall(1, 1) == "what-is-2plus2"
    assert await recent.recall(-100, 3) is None
    assert await recent.recall(2, 2) is None


async def test_forgetting_a_user_drops_their_context_in_every_chat_and_no_one_elses() -> None:
    recent = RecentAnswers(ttl=300)
    await recent.remember(-100, 1, "what-is-jimex")
    await recent.remember(1, 1, "what-is-2plus2")
    await recent.remember(-100, 2, "what-is-malabar")

    await recent.forget_user(1)

    assert await recent.recall(-100, 1) is None and await recent.recall(1, 1) is None
    assert await recent.recall(-100, 2) == "what-is-malabar"
    assert len(recent) == 1


async def test_an_answer_is_forgotten_once_its_time_is_up_and_a_new_one_starts_it_again() -> None:
    clock = Clock()
    recent = RecentAnswers(ttl=300, clock=clock)
    await recent.remember(1, 1, "what-is-jimex")

    clock.now += 299
    assert await recent.recall(1, 1) == "what-is-jimex"
    await recent.remember(1, 1, "what-is-malabar")
    clock.now += 299
    assert await recent.recall(1, 1) == "what-is-malabar"
    clock.now += 1
    assert await recent.recall(1, 1) is None
    assert len(recent) == 0


async def test_the_map_stays_bounded_forgetting_the_oldest_first() -> None:
    clock = Clock()
    recent = RecentAnswers(ttl=300, capacity=3, clock=clock)
    for user in range(5):
        await recent.remember(1, user, f"entry-{user}")
    # Asking again makes user 2's answer the newest.
    await recent.remember(1, 2, "entry-2b")
    await recent.remember(1, 5, "entry-5")

    assert len(recent) == 3
    assert [await recent.recall(1, user) for user in range(6)] == [
        None,
        None,
        "entry-2b",
        None,
        "entry-4",
        "entry-5",
    ]


async def test_expired_answers_are_dropped_on_the_next_write() -> None:
    clock = Clock()
    recent = RecentAnswers(ttl=10, clock=clock)
    for user in range(100):
        await recent.remember(1, user, "what-is-jimex")
    clock.now += 10

    await recent.remember(2, 1, "what-is-malabar")

    assert len(recent) == 1
