"""End to end: the real `faqbot run` process, polling the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import html
import signal
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from faqbot.app import ALLOWED_UPDATES
from faqbot.bot.texts import EXPIRED, SORRY
from tests.support import updates as u
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import Call, FakeBotAPI

GROUP = -4801
FORUM = -1001000004801


def to_chat(chat_id: int, containing: str = "") -> Callable[[Call], bool]:
    """A predicate for sendMessage calls to one chat, optionally with some text in them."""

    def matches(call: Call) -> bool:
        return call.params.get("chat_id") == chat_id and containing in call.params["text"]

    return matches


def buttons(call: Call) -> list[tuple[str, str]]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data") or b.get("url")) for row in rows for b in row]


def test_private_chat_topics_and_inline_mode(api: FakeBotAPI, tmp_path: Path) -> None:
    """One process: startup with setMyCommands failing, then the private-chat flows, then SIGINT."""
    api.fail("setMyCommands", times=2, error_code=500, description="Internal Server Error")
    bot = BotProcess(api, tmp_path / "faqbot.sqlite3")
    try:
        bot.start()
        assert api.allowed_updates == frozenset(ALLOWED_UPDATES)
        assert api.rejected_calls_to("setMyCommands")

        # A question and its answer.
        api.push_update(u.message(8001, 8001, "what is jimex"))
        [answer] = api.wait_for("sendMessage", to_chat(8001))
        assert answer.params["text"].startswith("<b>What is JIMEX?</b>")
        assert answer.params["parse_mode"] == "HTML"
        assert "<i>Source: " in answer.params["text"]
        # Three related questions, then 👍 and 👎 beside the last.
        assert [label for label, _ in buttons(answer)][3:] == ["👍", "👎"]

        # An unsure question: "Did you mean…?", then a button press answers it.
        api.push_update(u.message(8002, 8002, "japan"))
        [suggestion] = api.wait_for("sendMessage", to_chat(8002))
        assert "Did you mean…?" in suggestion.params["text"]
        _, data = buttons(suggestion)[0]
        press = u.callback_query(8002, 8002, data, suggestion.result["message_id"])
        api.push_update(press)
        [acknowledged] = api.wait_for(
            "answerCallbackQuery",
            lambda c: c.params["callback_query_id"] == press["callback_query"]["id"],
        )
        assert "text" not in acknowledged.params
        [_, chosen] = api.wait_for("sendMessage", to_chat(8002), count=2)
        assert chosen.params["text"].startswith("<b>")

        # Off-topic: an honest reply with examples.
        api.push_update(u.message(8003, 8003, "who won the cricket world cup"))
        [honest] = api.wait_for("sendMessage", to_chat(8003))
        assert "I don't know that one" in html.unescape(honest.params["text"])
        assert buttons(honest)

        # /topics → a topic → an answer → Back, all in one message.
        api.push_update(u.message(8004, 8004, "/topics"))
        [menu] = api.wait_for("sendMessage", to_chat(8004))
        message_id = menu.result["message_id"]
        steps = ["t:exercises", "v:what-is-jimex", "t:exercises", "T"]
        for step, data in enumerate(steps, 1):
            api.push_update(u.callback_query(8004, 8004, data, message_id))
            api.wait_for("editMessageText", lambda c: c.params["chat_id"] == 8004, count=step)
        edits = [c for c in api.calls_to("editMessageText") if c.params["chat_id"] == 8004]
        assert {c.params["message_id"] for c in edits} == {message_id}
        assert edits[1].params["text"].startswith("<b>What is JIMEX?</b>")
        assert buttons(edits[1])[-1] == ("« Back", "t:exercises")
        assert buttons(edits[3]) == buttons(menu)

        # A stale button.
        stale = u.callback_query(8004, 8004, "a:gone-since-the-last-release", message_id)
        api.push_update(stale)
        [expired] = api.wait_for(
            "answerCallbackQuery",
            lambda c: c.params["callback_query_id"] == stale["callback_query"]["id"],
        )
        assert expired.params["text"] == EXPIRED

        # Inline mode.
        api.push_update(u.inline_query(8005, "what is jimex"))
        [inline] = api.wait_for("answerInlineQuery")
        results = inline.params["results"]
        assert 1 <= len(results) <= 5
        assert results[0]["id"] == "what-is-jimex" and results[0]["type"] == "article"

        # Updates the bot ignores, then a question: the bot is still up and answers it.
        for update in (
            u.sticker_message(8006, 8006),
            u.photo_message(8006, 8006, "what is jimex"),
            u.edited_message(8006, 8006, "what is malabar", 1),
            u.message(8006, 8006, "what is jimex", no_from=True),
            u.inline_query(8006, "x" * 256),
        ):
            api.push_update(update)
        api.push_update(u.message(8006, 8006, "what is malabar"))
        [still_up] = api.wait_for("sendMessage", to_chat(8006))
        assert still_up.params["text"].startswith("<b>What is the Malabar exercise?</b>")

        assert bot.stop(signal.SIGINT) == 0
        log = bot.log
    finally:
        bot.close()
    # Checked after the stop, so that nothing more can arrive.
    assert len([c for c in api.calls_to("sendMessage") if c.params["chat_id"] == 8006]) == 1
    assert "WARNING" in log and "could not register the private command menu" in log
    assert "stopped cleanly" in log
    assert "Traceback" not in log
    assert api.token not in log


def test_groups_retry_after_and_a_token_free_log(api: FakeBotAPI, bot: BotProcess) -> None:
    """One process: group etiquette, a 429 on sendMessage, a failing call, then SIGTERM."""
    # Ignored in a group: not addressed to the bot.
    api.push_update(u.message(GROUP, 8101, "what is jimex", chat_type="group"))
    # A mention.
    mention = u.message(GROUP, 8101, f"@{u.BOT_USERNAME} what is malabar", chat_type="group")
    api.push_update(mention)
    [answer] = api.wait_for("sendMessage", to_chat(GROUP))
    assert answer.params["text"].startswith("<b>What is the Malabar exercise?</b>")
    assert answer.params["reply_parameters"]["message_id"] == mention["message"]["message_id"]

    # /ask@bot in a forum topic: answered in the same topic, quoting the question.
    ask = u.message(
        FORUM,
        8102,
        f"/ask@{u.BOT_USERNAME} what is jimex",
        chat_type="supergroup",
        message_thread_id=77,
        is_topic_message=True,
    )
    api.push_update(ask)
    [in_topic] = api.wait_for("sendMessage", to_chat(FORUM))
    assert in_topic.params["text"].startswith("<b>What is JIMEX?</b>")
    assert in_topic.params["message_thread_id"] == 77
    assert in_topic.params["reply_parameters"]["message_id"] == ask["message"]["message_id"]

    # Telegram says "retry after 1": the bot waits, and the answer still arrives, once.
    api.fail("sendMessage", error_code=429, retry_after=1)
    api.push_update(u.message(GROUP, 8103, "/ask what is milan", chat_type="group"))
    api.wait_for("sendMessage", to_chat(GROUP, "What is exercise MILAN?"))
    [throttled] = api.rejected_calls_to("sendMessage")
    assert throttled.error_code == 429

    # A call that fails: the operator gets an error with its traceback, the user an apology.
    api.fail("sendMessage", description="Bad Request: chat not found")
    api.push_update(u.message(8104, 8104, "what is jimex"))
    api.wait_for("sendMessage", to_chat(8104, SORRY))

    assert bot.stop(signal.SIGTERM) == 0
    log = bot.log
    assert "ERROR" in log and "Traceback" in log
    assert "stopped cleanly" in log
    group_answers = [c for c in api.calls_to("sendMessage") if c.params["chat_id"] == GROUP]
    assert len(group_answers) == 2  # the mention and the retried /ask; nothing else
    assert len([c for c in group_answers if "MILAN" in c.params["text"]]) == 1
    assert api.token not in log
    assert api.token.split(":")[1] not in log


def test_follow_ups_small_talk_and_exam_options(api: FakeBotAPI, bot: BotProcess) -> None:
    """One process: a private follow-up, per-user follow-ups in a group, small talk, an MCQ."""
    purpose = "<b>Why does a 2+2 ministerial dialogue matter?</b>"

    def say(chat_id: int, user_id: int, text: str, count: int) -> str:
        chat_type = "private" if chat_id == user_id else "group"
        api.push_update(u.message(chat_id, user_id, text, chat_type=chat_type))
        return str(api.wait_for("sendMessage", to_chat(chat_id), count=count)[-1].params["text"])

    assert say(8201, 8201, "what is a 2+2 dialogue", 1).startswith("<b>What is a 2+2 dialogue?")
    assert say(8201, 8201, "why?", 2).startswith(purpose)
    assert say(8201, 8201, "thanks", 3).startswith("You&#x27;re welcome!")

    mention = f"@{u.BOT_USERNAME} "
    say(GROUP, 8202, mention + "what is a 2+2 dialogue", 1)
    # Another member's "why?" has no answer of theirs to refer to: an ordinary reply.
    assert "I don&#x27;t know that one" in say(GROUP, 8203, mention + "why?", 2)
    assert say(GROUP, 8202, mention + "why?", 3).startswith(purpose)

    mcq = (
        "The inaugural India–Japan 2+2 ministerial dialogue was held in: "
        "(a) 2010 (b) 2018 (c) 2019 (d) 2022"
    )
    assert say(8204, 8204, mcq, 1).split("\n\n")[1] == "Answer: (c) 2019"

    assert bot.stop(signal.SIGTERM) == 0
    assert "Traceback" not in bot.log


BROKEN_PACK = textwrap.dedent(
    """\
    pack:
      title: Broken
      language: en
    topics: [
      - id: oops
    """
)


@pytest.mark.parametrize(
    ("env", "code", "says"),
    [
        ({"TELEGRAM_BOT_TOKEN": ""}, 2, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-real-token"}, 2, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"FAQBOT_KNOWLEDGE": "broken.yaml"}, 1, "knowledge pack is invalid: broken.yaml:"),
    ],
    ids=["missing token", "malformed token", "invalid knowledge pack"],
)
def test_refuses_to_start_with_one_clear_line(
    api: FakeBotAPI, tmp_path: Path, env: dict[str, str], code: int, says: str
) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN_PACK, encoding="utf-8")
    bot = BotProcess(api, tmp_path / "faqbot.sqlite3", env=env)
    try:
        bot.start(wait=False)
        assert bot.wait(timeout=30) == code
        lines = bot.log.strip().splitlines()
        assert len(lines) == 1, lines
        assert says in lines[0]
        assert api.calls == []
    finally:
        bot.close()


def test_a_token_telegram_rejects_exits_2(api: FakeBotAPI, tmp_path: Path) -> None:
    rejected = "111111111:TEST-rejected-token-not-real"
    bot = BotProcess(api, tmp_path / "faqbot.sqlite3", env={"TELEGRAM_BOT_TOKEN": rejected})
    try:
        bot.start(wait=False)
        assert bot.wait(timeout=30) == 2
        log = bot.log
        assert "Telegram rejected TELEGRAM_BOT_TOKEN" in log
        assert rejected not in log and rejected.split(":")[1] not in log
    finally:
        bot.close()
