"""Tests for the fake Bot API server, driven by a real python-telegram-bot Bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from telegram import (
    Bot,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputPollOption,
    ReplyKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.request import HTTPXRequest

from . import updates
from .fake_bot_api import FakeBotAPI, UploadedFile, decode_value, parse_params

JSONDict = dict[str, Any]


def retry_seconds(error: RetryAfter) -> float:
    """RetryAfter.retry_after as seconds, whether PTB gives an int or a timedelta."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def raw_post(url: str, body: bytes, content_type: str) -> tuple[int, JSONDict]:
    """POST without PTB, returning (status, decoded JSON body)."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    """A fresh fake Bot API server."""
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def client(api: FakeBotAPI) -> AsyncIterator[Bot]:
    """A real PTB Bot talking to the fake server."""
    # Plain http:// on loopback: no CA bundle to load (about 20 ms of CPU per HTTPXRequest).
    plain = {"httpx_kwargs": {"verify": False}}
    async with Bot(
        api.token,
        base_url=f"{api.base_url}/bot",
        request=HTTPXRequest(**plain),
        get_updates_request=HTTPXRequest(**plain),
    ) as bot:
        yield bot


@pytest.mark.asyncio
async def test_get_me(api: FakeBotAPI, client: Bot) -> None:
    me = await client.get_me()
    assert me.id == api.bot_id
    assert me.is_bot
    assert me.username == "faqtestbot"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is True
    assert api.base_url.startswith("http://127.0.0.1:")


@pytest.mark.asyncio
async def test_send_message_round_trips_inline_keyboard(api: FakeBotAPI, client: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Exams", callback_data="topic:exams")]])
    sent = await client.send_message(
        chat_id=42, text="Pick a topic:", reply_markup=markup, message_thread_id=7
    )
    assert sent.reply_markup == markup
    assert sent.chat.type == "private"
    assert sent.from_user is not None and sent.from_user.id == api.bot_id
    assert sent.message_thread_id == 7

    [call] = api.wait_for("sendMessage")
    assert call.params["chat_id"] == 42
    assert call.params["text"] == "Pick a topic:"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Exams", "callback_data": "topic:exams"}]]
    }
    assert call.result["message_id"] == sent.message_id


@pytest.mark.asyncio
async def test_message_ids_increment_and_chat_types_are_inferred(client: Bot) -> None:
    first = await client.send_message(-1001234567890, "a")
    second = await client.send_message(-555, "b")
    assert second.message_id == first.message_id + 1
    assert first.chat.type == "supergroup"
    assert second.chat.type == "group"


@pytest.mark.asyncio
async def test_reply_keyboards_are_not_echoed(client: Bot) -> None:
    sent = await client.send_message(5, "Menu", reply_markup=ReplyKeyboardMarkup([["/help"]]))
    assert sent.reply_markup is None


@pytest.mark.asyncio
async def test_scalar_text_stays_string_and_nested_values_decode(
    api: FakeBotAPI, client: Bot
) -> None:
    await client.send_message(
        "-100200", "12345", reply_parameters=ReplyParameters(3, allow_sending_without_reply=True)
    )
    [call] = api.calls_to("sendMessage")
    assert call.params["chat_id"] == -100200
    assert call.params["text"] == "12345"
    assert call.params["reply_parameters"] == {
        "message_id": 3,
        "allow_sending_without_reply": True,
    }


def test_decode_value_rules() -> None:
    assert decode_value("text", "true") == "true"
    assert decode_value("chat_id", "@faqchannel") == "@faqchannel"
    assert decode_value("disable_notification", "true") is True
    assert decode_value("latitude", "12.5") == 12.5
    assert decode_value("allowed_updates", '["message"]') == ["message"]
    assert decode_value("callback_query_id", "4382000000000000001") == "4382000000000000001"


def test_parse_params_handles_json_and_multipart() -> None:
    params = parse_params(
        "application/json", json.dumps({"chat_id": "7", "reply_markup": '{"a": 1}'}).encode()
    )
    assert params == {"chat_id": 7, "reply_markup": {"a": 1}}
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n42\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="photo"; filename="stats.png"\r\n'
        b"Content-Type: image/png\r\n\r\nPNG\r\n--XyZ--\r\n"
    )
    params = parse_params("multipart/form-data; boundary=XyZ", body)
    assert params == {"chat_id": 42, "photo": UploadedFile("stats.png", "image/png", b"PNG")}


def test_json_body_and_error_bodies() -> None:
    with FakeBotAPI() as api:
        root = f"{api.base_url}/bot{api.token}"
        status, body = raw_post(
            f"{root}/sendMessage",
            json.dumps({"chat_id": 9, "text": "hi"}).encode(),
            "application/json",
        )
        assert status == 200 and body["ok"] is True and body["result"]["text"] == "hi"
        status, body = raw_post(f"{root}/noSuchMethod", b"", "application/json")
        assert (status, body) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
        )
        status, body = raw_post(f"{api.base_url}/bot1:wrong/getMe", b"", "application/json")
        assert (status, body) == (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )


@pytest.mark.asyncio
async def test_wrong_token_and_unknown_method_raise(api: FakeBotAPI, client: Bot) -> None:
    intruder = Bot("987654321:WRONG-token", base_url=f"{api.base_url}/bot")
    with pytest.raises(InvalidToken):
        await intruder.get_me()
    with pytest.raises(EndPointNotFound):
        await client.do_api_request("noSuchMethod")


@pytest.mark.asyncio
async def test_get_updates_long_polls_until_push(api: FakeBotAPI, client: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(client.get_updates(timeout=10, allowed_updates=Update.ALL_TYPES))
    await asyncio.to_thread(api.wait_for, "getUpdates")
    await asyncio.sleep(0.2)
    update_id = api.push_update(updates.message(42, 42, "/start"))
    [update] = await asyncio.wait_for(poll, timeout=5)
    assert time.monotonic() - started < 5
    assert update.update_id == update_id
    assert update.message is not None and update.message.text == "/start"
    [call] = api.calls_to("getUpdates")
    assert call.params["timeout"] == 10
    assert "poll_answer" in call.params["allowed_updates"]
    assert api.allowed_updates is not None and "chat_member" in api.allowed_updates


@pytest.mark.slow
@pytest.mark.asyncio
async def test_get_updates_times_out_empty(client: Bot) -> None:
    started = time.monotonic()
    assert await client.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3


@pytest.mark.asyncio
async def test_offset_confirms_and_limit_caps(api: FakeBotAPI, client: Bot) -> None:
    ids = [api.push_update(updates.message(1, 1, f"q{i}")) for i in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert [u.update_id for u in await client.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await client.get_updates(offset=ids[1])] == ids[1:]
    assert await client.get_updates(offset=ids[2] + 1) == ()
    assert api.pending_updates == []
    newest = api.push_update(updates.message(1, 1, "again"))
    assert [u.update_id for u in await client.get_updates(offset=ids[2] + 1)] == [newest]


@pytest.mark.asyncio
async def test_default_allowed_updates_skip_chat_member(api: FakeBotAPI, client: Bot) -> None:
    api.push_update({"chat_member": {}})
    kept = api.push_update(updates.message(1, 1, "hello"))
    assert [u.update_id for u in await client.get_updates()] == [kept]


@pytest.mark.asyncio
async def test_delete_webhook_can_drop_pending_updates(api: FakeBotAPI, client: Bot) -> None:
    api.push_update(updates.message(1, 1, "stale"))
    assert await client.delete_webhook(drop_pending_updates=True) is True
    assert await client.get_updates() == ()


BUILDERS: dict[str, tuple[Callable[[], JSONDict], Callable[[Update], bool]]] = {
    "message": (
        lambda: updates.message(-1001, 7, "/ask@faqtestbot when is @examdesk open?", "supergroup"),
        lambda u: (
            u.message is not None
            and [e.type for e in u.message.entities] == ["bot_command", "mention"]
            and u.message.parse_entities(["bot_command"]).popitem()[1] == "/ask@faqtestbot"
        ),
    ),
    "topic message": (
        lambda: updates.message(
            -1001, 7, "hi", "supergroup", message_thread_id=4, is_topic_message=True
        ),
        lambda u: (
            u.message is not None
            and u.message.message_thread_id == 4
            and u.message.is_topic_message is True
        ),
    ),
    "reply from bot without from": (
        lambda: updates.message(
            -5, 8, "/help", "group", from_bot=True, reply_to_message=updates.message(-5, 9, "x")
        ),
        lambda u: (
            u.message is not None
            and u.message.from_user is not None
            and u.message.from_user.is_bot
            and u.message.reply_to_message is not None
        ),
    ),
    "anonymous admin": (
        lambda: updates.message(-5, 8, "hi", "group", no_from=True),
        lambda u: (
            u.message is not None
            and u.message.from_user is None
            and u.message.sender_chat is not None
        ),
    ),
    "edited message": (
        lambda: updates.edited_message(42, 42, "fixed typo", message_id=10),
        lambda u: u.edited_message is not None and u.edited_message.edit_date is not None,
    ),
    "channel post": (
        lambda: updates.channel_post(-1002, "news", username="faqnews"),
        lambda u: u.channel_post is not None and u.channel_post.chat.type == "channel",
    ),
    "sticker": (
        lambda: updates.sticker_message(42, 42),
        lambda u: u.message is not None and u.message.sticker is not None,
    ),
    "photo": (
        lambda: updates.photo_message(42, 42, caption="/ask what is this"),
        lambda u: (
            u.message is not None
            and len(u.message.photo) == 3
            and u.message.caption_entities[0].type == "bot_command"
        ),
    ),
    "callback query": (
        lambda: updates.callback_query(42, 42, "topic:exams", message_id=5),
        lambda u: (
            u.callback_query is not None
            and u.callback_query.data == "topic:exams"
            and u.callback_query.message is not None
            and u.callback_query.message.message_id == 5
        ),
    ),
    "inline query": (
        lambda: updates.inline_query(42, "deadline"),
        lambda u: u.inline_query is not None and u.inline_query.query == "deadline",
    ),
    "poll answer": (
        lambda: updates.poll_answer("5900000000000000001", 42, [1]),
        lambda u: u.poll_answer is not None and u.poll_answer.option_persistent_ids == ("1",),
    ),
    "closed poll": (
        lambda: updates.poll(
            "5900000000000000001", "Ready?", ["Yes", "No"], [3, 1], correct_option_ids=[0]
        ),
        lambda u: u.poll is not None and u.poll.is_closed and u.poll.total_voter_count == 4,
    ),
    "my chat member": (
        lambda: updates.my_chat_member(-5, 42, "left", "administrator"),
        lambda u: (
            u.my_chat_member is not None
            and isinstance(u.my_chat_member.new_chat_member, ChatMemberAdministrator)
        ),
    ),
    "migrate to": (
        lambda: updates.migrate_to_chat(-5, -1001234567890, 42),
        lambda u: u.message is not None and u.message.migrate_to_chat_id == -1001234567890,
    ),
    "migrate from": (
        lambda: updates.migrate_from_chat(-1001234567890, -5, 42),
        lambda u: u.message is not None and u.message.migrate_from_chat_id == -5,
    ),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_builders_parse_cleanly_in_ptb(name: str) -> None:
    build, check = BUILDERS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        update = Update.de_json({"update_id": 1, **build()}, None)
    assert check(update)
    assert update.api_kwargs == {}


@pytest.mark.asyncio
async def test_builders_survive_get_updates(api: FakeBotAPI, client: Bot) -> None:
    for build, _ in BUILDERS.values():
        api.push_update(build())
    received = await client.get_updates(allowed_updates=Update.ALL_TYPES)
    assert len(received) == len(BUILDERS)
    for update, (_, check) in zip(received, BUILDERS.values(), strict=True):
        assert check(update)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.asyncio
async def test_injected_errors_map_to_ptb_exceptions(api: FakeBotAPI, client: Bot) -> None:
    api.fail("sendMessage")
    with pytest.raises(BadRequest, match=r"(?i)injected"):
        await client.send_message(1, "x")
    api.fail("sendMessage", error_code=403)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await client.send_message(1, "x")
    api.fail("sendMessage", error_code=429, retry_after=5)
    with pytest.raises(RetryAfter) as flood:
        await client.send_message(1, "x")
    assert retry_seconds(flood.value) == 5
    api.fail("sendMessage", migrate_to_chat_id=-1009876543210)
    with pytest.raises(ChatMigrated) as migrated:
        await client.send_message(-5, "x")
    assert migrated.value.new_chat_id == -1009876543210

    assert (await client.send_message(1, "finally")).text == "finally"
    assert [c.error_code for c in api.rejected_calls_to("sendMessage")] == [400, 403, 429, 400]
    assert len(api.calls_to("sendMessage")) == 1


@pytest.mark.asyncio
async def test_fail_when_targets_one_chat(api: FakeBotAPI, client: Bot) -> None:
    api.fail_when(
        "sendMessage",
        lambda call: call.params["chat_id"] == 42,
        error_code=403,
        description="Forbidden: bot was blocked by the user",
    )
    for _ in range(2):
        with pytest.raises(Forbidden):
            await client.send_message(42, "x")
    await client.send_message(43, "y")
    api.clear_failures()
    await client.send_message(42, "z")
    assert [c.params["chat_id"] for c in api.calls_to("sendMessage")] == [43, 42]
    [blocked] = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 42, rejected=True)
    assert blocked.error_code == 403


@pytest.mark.asyncio
async def test_a_late_answer_times_out_a_call_that_was_carried_out(
    api: FakeBotAPI, client: Bot
) -> None:
    api.answer_late("sendMessage", 0.5, predicate=lambda call: call.params["chat_id"] == 1)
    with pytest.raises(TimedOut):
        await client.send_message(1, "slow", read_timeout=0.1)
    await client.send_message(2, "other chat, answered at once", read_timeout=0.1)
    started = time.monotonic()
    await client.send_message(1, "slow but waited for", read_timeout=2)
    assert time.monotonic() - started >= 0.5
    assert [c.params["text"] for c in api.calls_to("sendMessage")] == [
        "slow",
        "other chat, answered at once",
        "slow but waited for",
    ]


@pytest.mark.asyncio
async def test_a_dropped_answer_is_a_network_error_after_the_call(
    api: FakeBotAPI, client: Bot
) -> None:
    api.drop_answer("sendMessage", times=1)
    with pytest.raises(NetworkError) as dropped:
        await client.send_message(1, "carried out, never answered")
    assert not isinstance(dropped.value, TimedOut)
    assert (await client.send_message(1, "answered")).text == "answered"
    assert len(api.calls_to("sendMessage")) == 2


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.asyncio
async def test_rate_limit_rejects_over_cap(api: FakeBotAPI, client: Bot) -> None:
    api.set_rate_limit("sendMessage", per_second=5, retry_after=3)
    results = await asyncio.gather(
        *(client.send_message(i, f"m{i}") for i in range(1, 9)), return_exceptions=True
    )
    flooded = [r for r in results if isinstance(r, RetryAfter)]
    assert len(flooded) == 3
    assert all(retry_seconds(r) == 3 for r in flooded)
    assert len(api.calls_to("sendMessage")) == 5
    assert len(api.rejected_calls_to("sendMessage")) == 3
    await asyncio.sleep(1.05)
    await client.send_message(99, "after the window")
    assert len(api.calls_to("sendMessage")) == 6


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.asyncio
async def test_messages_and_polls_share_one_rate_limit(api: FakeBotAPI, client: Bot) -> None:
    api.set_rate_limit(("sendMessage", "sendPoll"), per_second=4)
    sends = [client.send_message(i, f"m{i}") for i in range(1, 4)]
    polls = [client.send_poll(i, f"q{i}", ["a", "b"]) for i in range(4, 7)]
    results = await asyncio.gather(*sends, *polls, return_exceptions=True)
    assert sum(isinstance(r, RetryAfter) for r in results) == 2
    accepted = len(api.calls_to("sendMessage")) + len(api.calls_to("sendPoll"))
    assert accepted == 4


@pytest.mark.asyncio
async def test_send_and_stop_poll(api: FakeBotAPI, client: Bot) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sent = await client.send_poll(
            -1001234567890,
            "Which exam comes first?",
            [InputPollOption("Maths"), "Physics", "Chemistry"],
            is_anonymous=False,
            type="quiz",
            correct_option_ids=[1],
            explanation="Physics is on Monday",
            allows_revoting=False,
            members_only=False,
        )
    poll = sent.poll
    assert poll is not None
    assert [o.text for o in poll.options] == ["Maths", "Physics", "Chemistry"]
    assert len({o.persistent_id for o in poll.options}) == 3
    assert poll.correct_option_ids == (1,)
    assert poll.type == "quiz" and not poll.is_anonymous and not poll.is_closed
    [call] = api.calls_to("sendPoll")
    assert call.params["options"][0] == {"text": "Maths"}
    assert call.params["correct_option_ids"] == [1]

    stopped = await client.stop_poll(-1001234567890, sent.message_id)
    assert stopped.is_closed and stopped.id == poll.id
    assert api.get_poll(poll.id)["is_closed"] is True
    with pytest.raises(BadRequest, match=r"(?i)already been closed"):
        await client.stop_poll(-1001234567890, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message with poll to stop not found"):
        await client.stop_poll(-1001234567890, sent.message_id + 100)


def test_legacy_correct_option_id_is_converted(api: FakeBotAPI) -> None:
    fields = {"chat_id": 5, "question": "Q?", "options": '["a", "b"]', "type": "quiz"}
    body = urllib.parse.urlencode({**fields, "correct_option_id": 0})
    status, _ = raw_post(
        f"{api.base_url}/bot{api.token}/sendPoll",
        body.encode(),
        "application/x-www-form-urlencoded",
    )
    assert status == 200
    [call] = api.calls_to("sendPoll")
    assert call.result["poll"]["correct_option_ids"] == [0]
    assert "correct_option_id" not in call.result["poll"]


@pytest.mark.asyncio
async def test_edit_message_text_and_not_modified(api: FakeBotAPI, client: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
    sent = await client.send_message(42, "Answer", reply_markup=markup)
    edited = await client.edit_message_text("Answer v2", chat_id=42, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "Answer v2" and edited.edit_date is not None
    assert edited.reply_markup is None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await client.edit_message_text("Answer v2", chat_id=42, message_id=sent.message_id)
    unknown = await client.edit_message_text(
        "Other", chat_id=42, message_id=999, reply_markup=markup
    )
    assert not isinstance(unknown, bool) and unknown.reply_markup == markup


@pytest.mark.asyncio
async def test_text_validation(client: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await client.send_message(1, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await client.send_message(
            1,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("b", callback_data="d" * 65)]]
            ),
        )


@pytest.mark.filterwarnings("ignore:Please use 'Bot.sendChatAction'")
@pytest.mark.asyncio
async def test_simple_true_methods(client: Bot) -> None:
    assert await client.answer_callback_query("4382000000000000001", text="ok") is True
    assert await client.answer_inline_query("1", results=[]) is True
    assert await client.set_my_commands([("help", "Show help")]) is True
    with pytest.raises(EndPointNotFound):  # a method the bot does not call is not served
        await client.do_api_request("sendChatAction", {"chat_id": 1, "action": "typing"})


@pytest.mark.asyncio
async def test_get_chat_member_statuses(api: FakeBotAPI, client: Bot) -> None:
    expected = {
        "creator": ChatMemberOwner,
        "administrator": ChatMemberAdministrator,
        "member": ChatMemberMember,
        "restricted": ChatMemberRestricted,
        "left": ChatMemberLeft,
        "kicked": ChatMemberBanned,
    }
    assert isinstance(await client.get_chat_member(-5, 1), ChatMemberMember)
    for user_id, (status, cls) in enumerate(expected.items(), start=10):
        api.set_chat_member_status(-5, user_id, status)
        member = await client.get_chat_member(-5, user_id)
        assert isinstance(member, cls) and member.user.id == user_id


@pytest.mark.asyncio
async def test_pushed_chats_and_users_are_remembered(api: FakeBotAPI, client: Bot) -> None:
    api.push_update(updates.message(77, 77, "hi", username="asha_k"))
    member = await client.get_chat_member(77, 77)
    assert member.user.username == "asha_k"


def test_wait_for_counts_and_times_out() -> None:
    with FakeBotAPI() as api:
        for chat_id in (1, 2, 3):
            raw_post(
                f"{api.base_url}/bot{api.token}/sendMessage",
                f"chat_id={chat_id}&text=hi".encode(),
                "application/x-www-form-urlencoded",
            )
        calls = api.wait_for("sendMessage", count=2, timeout=1)
        assert [c.params["chat_id"] for c in calls] == [1, 2]
        with pytest.raises(AssertionError, match=r"sendMessagex3"):
            api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 9, timeout=0.2)
        api.clear()
        assert api.calls == []
        with pytest.raises(AssertionError):
            api.wait_for("sendMessage", timeout=0.1)


@pytest.mark.asyncio
async def test_concurrent_sends_are_all_recorded(api: FakeBotAPI, client: Bot) -> None:
    sent = await asyncio.gather(*(client.send_message(i, f"m{i}") for i in range(1, 301)))
    assert len({m.message_id for m in sent}) == 300
    assert len(api.calls_to("sendMessage")) == 300


@pytest.mark.asyncio
async def test_stop_releases_long_pollers(client: Bot, api: FakeBotAPI) -> None:
    poll = asyncio.create_task(client.get_updates(timeout=20))
    await asyncio.to_thread(api.wait_for, "getUpdates")
    started = time.monotonic()
    await asyncio.to_thread(api.stop)
    assert time.monotonic() - started < 3
    done, _ = await asyncio.wait({poll}, timeout=5)
    assert poll in done
    assert poll.exception() is not None or poll.result() == ()
