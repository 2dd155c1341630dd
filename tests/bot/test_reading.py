"""TolerantBot reads each update on its own; older servers' polls are completed first."""

from __future__ import annotations

from telegram.request import HTTPXRequest

from faqbot.bot.reading import SkippedUpdates, TolerantBot, fill_older_poll_fields
from tests.support import updates as u
from tests.support.fake_bot_api import FakeBotAPI


def older_poll_answer() -> dict[str, object]:
    answer = u.poll_answer("77", 8301, [2])
    del answer["poll_answer"]["option_persistent_ids"]
    return answer


def test_an_older_servers_poll_gets_the_fields_9_6_added() -> None:
    poll = u.poll("78", "Which exercise?", ["JIMEX", "MALABAR"], poll_type="quiz")
    for option in poll["poll"]["options"]:
        option.pop("persistent_id", None)
    poll["poll"].pop("allows_revoting", None)
    poll["poll"].pop("members_only", None)
    filled = fill_older_poll_fields(poll)["poll"]
    assert [o["persistent_id"] for o in filled["options"]] == ["0", "1"]
    assert filled["allows_revoting"] is False and filled["members_only"] is False
    answer = fill_older_poll_fields(older_poll_answer())["poll_answer"]
    assert answer["option_persistent_ids"] == ["2"]


async def test_get_updates_skips_only_the_unreadable_update(api: FakeBotAPI) -> None:
    unreadable = u.message(8302, 8302, "hello")
    unreadable["message"]["chat"] = "not a chat"
    first = api.push_update(older_poll_answer())
    second = api.push_update(unreadable)
    third = api.push_update(u.message(8303, 8303, "what is jimex"))
    skipped = SkippedUpdates()
    bot = TolerantBot(
        api.token,
        skipped=skipped,
        base_url=f"{api.base_url}/bot",
        get_updates_request=HTTPXRequest(connection_pool_size=1),
    )
    async with bot:
        got = await bot.get_updates(timeout=0)
    assert [update.update_id for update in got] == [first, second, third]
    assert got[0].poll_answer is not None and got[0].poll_answer.option_ids == (2,)
    assert got[1].effective_message is None and got[1].effective_user is None
    assert got[2].effective_message is not None
    assert (skipped.count, dict(skipped.by_type)) == (1, {"message": 1})
