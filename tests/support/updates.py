"""Builders for realistic Telegram Bot API objects and Update dicts (without update_id)."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Sequence
from typing import Any

JSONDict = dict[str, Any]

BOT_ID = 123456789
BOT_USERNAME = "faqtestbot"
BOT_FIRST_NAME = "FAQ Test Bot"
SUPERGROUP_ID_LIMIT = -1_000_000_000_000
CHAT_MEMBER_STATUSES = frozenset(
    {"creator", "administrator", "member", "restricted", "left", "kicked"}
)

_COMMAND_RE = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{3,32}(?![\w@])")
_PHOTO_SIZES = (("s", 90, 60, 1234), ("m", 320, 213, 15678), ("x", 1280, 853, 98765))
_message_ids = itertools.count(1)
_query_ids = itertools.count(1)


def now() -> int:
    """Current Unix time as Telegram sends it."""
    return int(time.time())


def utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def entities_for(text: str) -> list[JSONDict]:
    """Entities Telegram would attach to text: bot_command and mention."""
    found = [(m.start(), m.end(), "bot_command") for m in _COMMAND_RE.finditer(text)]
    found += [(m.start(), m.end(), "mention") for m in _MENTION_RE.finditer(text)]
    return [
        {"offset": utf16_len(text[:start]), "length": utf16_len(text[start:end]), "type": kind}
        for start, end, kind in sorted(found)
    ]


def user(
    user_id: int,
    first_name: str = "Asha",
    username: str | None = None,
    *,
    is_bot: bool = False,
    language_code: str | None = "en",
) -> JSONDict:
    """A User object."""
    result: JSONDict = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username is not None:
        result["username"] = username
    if language_code is not None and not is_bot:
        result["language_code"] = language_code
    return result


def bot_user(
    bot_id: int = BOT_ID, username: str = BOT_USERNAME, first_name: str = BOT_FIRST_NAME
) -> JSONDict:
    """The short User object of the bot, as it appears in messages."""
    return {"id": bot_id, "is_bot": True, "first_name": first_name, "username": username}


def infer_chat_type(chat_id: int) -> str:
    """Chat type implied by the sign and size of a chat id."""
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= SUPERGROUP_ID_LIMIT else "group"


def chat(
    chat_id: int,
    chat_type: str | None = None,
    *,
    title: str | None = None,
    username: str | None = None,
    first_name: str | None = None,
    is_forum: bool = False,
) -> JSONDict:
    """A Chat object; the type is inferred from the id unless given."""
    kind = chat_type or infer_chat_type(chat_id)
    result: JSONDict = {"id": chat_id, "type": kind}
    if kind == "private":
        result["first_name"] = first_name or "Asha"
    else:
        result["title"] = title or ("FAQ Channel" if kind == "channel" else "FAQ Test Group")
    if username is not None:
        result["username"] = username
    if is_forum:
        result["is_forum"] = True
    return result


def member_status(status: str) -> str:
    """The Bot API spelling of a chat member status (accepts "owner" and "banned" too)."""
    normalized = {"owner": "creator", "banned": "kicked"}.get(status, status)
    if normalized not in CHAT_MEMBER_STATUSES:
        raise ValueError(f"unknown chat member status {status!r}")
    return normalized


def chat_member(member: JSONDict, status: str = "member") -> JSONDict:
    """A ChatMember object with every field PTB requires for the given status."""
    status = member_status(status)
    result: JSONDict = {"user": member, "status": status}
    if status == "creator":
        result["is_anonymous"] = False
    elif status == "administrator":
        result.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_pin_messages=True,
            can_manage_topics=False,
        )
    elif status == "restricted":
        result.update(
            is_member=True,
            can_send_messages=False,
            can_send_audios=False,
            can_send_documents=False,
            can_send_photos=False,
            can_send_videos=False,
            can_send_video_notes=False,
            can_send_voice_notes=False,
            can_send_polls=False,
            can_send_other_messages=False,
            can_add_web_page_previews=False,
            can_react_to_messages=False,
            can_change_info=False,
            can_invite_users=False,
            can_pin_messages=False,
            can_manage_topics=False,
            can_edit_tag=False,
            until_date=0,
        )
    elif status == "kicked":
        result["until_date"] = 0
    return result


def poll_object(
    poll_id: str,
    question: str,
    options: Sequence[str | JSONDict],
    *,
    voter_counts: Sequence[int] | None = None,
    is_closed: bool = False,
    is_anonymous: bool = True,
    poll_type: str = "regular",
    allows_multiple_answers: bool = False,
    allows_revoting: bool | None = None,
    members_only: bool = False,
    correct_option_ids: Sequence[int] | None = None,
    explanation: str | None = None,
    open_period: int | None = None,
    close_date: int | None = None,
) -> JSONDict:
    """A Poll object; option persistent_id is the option's index as a string."""
    counts = list(voter_counts) if voter_counts is not None else [0] * len(options)
    option_dicts = []
    for index, option in enumerate(options):
        entry: JSONDict = {"text": option} if isinstance(option, str) else dict(option)
        entry.pop("text_parse_mode", None)
        entry["voter_count"] = counts[index]
        entry["persistent_id"] = str(index)
        option_dicts.append(entry)
    result: JSONDict = {
        "id": poll_id,
        "question": question,
        "options": option_dicts,
        "total_voter_count": sum(counts),
        "is_closed": is_closed,
        "is_anonymous": is_anonymous,
        "type": poll_type,
        "allows_multiple_answers": allows_multiple_answers,
        "allows_revoting": poll_type != "quiz" if allows_revoting is None else allows_revoting,
        "members_only": members_only,
    }
    if correct_option_ids is not None:
        result["correct_option_ids"] = list(correct_option_ids)
    if explanation is not None:
        result["explanation"] = explanation
    if open_period is not None:
        result["open_period"] = open_period
    if close_date is not None:
        result["close_date"] = close_date
    return result


def message_object(
    chat_id: int,
    user_id: int | None = None,
    text: str | None = None,
    *,
    chat_type: str | None = None,
    username: str | None = None,
    first_name: str = "Asha",
    chat_title: str | None = None,
    entities: list[JSONDict] | None = None,
    reply_to_message: JSONDict | None = None,
    message_thread_id: int | None = None,
    is_topic_message: bool = False,
    from_bot: bool = False,
    no_from: bool = False,
    message_id: int | None = None,
    date: int | None = None,
) -> JSONDict:
    """A Message object; text entities are auto-filled for /commands and @mentions."""
    kind = chat_type or infer_chat_type(chat_id)
    sender = user(
        user_id if user_id is not None else chat_id, first_name, username, is_bot=from_bot
    )
    chat_dict = chat(
        chat_id,
        kind,
        title=chat_title,
        username=username if kind == "private" else None,
        first_name=first_name,
        is_forum=is_topic_message,
    )
    result: JSONDict = {"message_id": message_id if message_id is not None else next(_message_ids)}
    if kind == "channel":
        result["sender_chat"] = chat_dict
    elif no_from:
        if kind != "private":
            result["sender_chat"] = chat_dict
    else:
        result["from"] = sender
    result["chat"] = chat_dict
    result["date"] = date if date is not None else now()
    if message_thread_id is not None:
        result["message_thread_id"] = message_thread_id
    if is_topic_message:
        result["is_topic_message"] = True
    if reply_to_message is not None:
        result["reply_to_message"] = _unwrap(reply_to_message)
    if text is not None:
        result["text"] = text
        found = entities_for(text) if entities is None else entities
        if found:
            result["entities"] = found
    return result


def _unwrap(update_or_message: JSONDict) -> JSONDict:
    """The Message inside an Update built here, or the Message itself."""
    for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if key in update_or_message and "message_id" not in update_or_message:
            return update_or_message[key]
    return update_or_message


def message(
    chat_id: int,
    user_id: int,
    text: str,
    chat_type: str = "private",
    username: str | None = None,
    first_name: str = "Asha",
    entities: list[JSONDict] | None = None,
    reply_to_message: JSONDict | None = None,
    message_thread_id: int | None = None,
    is_topic_message: bool = False,
    from_bot: bool = False,
    no_from: bool = False,
    *,
    chat_title: str | None = None,
    message_id: int | None = None,
) -> JSONDict:
    """Update with a new text message."""
    return {
        "message": message_object(
            chat_id,
            user_id,
            text,
            chat_type=chat_type,
            username=username,
            first_name=first_name,
            chat_title=chat_title,
            entities=entities,
            reply_to_message=reply_to_message,
            message_thread_id=message_thread_id,
            is_topic_message=is_topic_message,
            from_bot=from_bot,
            no_from=no_from,
            message_id=message_id,
        )
    }


def edited_message(
    chat_id: int,
    user_id: int,
    text: str,
    message_id: int,
    chat_type: str = "private",
    username: str | None = None,
    first_name: str = "Asha",
    *,
    message_thread_id: int | None = None,
    is_topic_message: bool = False,
) -> JSONDict:
    """Update with an edit of an earlier text message."""
    edited = message_object(
        chat_id,
        user_id,
        text,
        chat_type=chat_type,
        username=username,
        first_name=first_name,
        message_thread_id=message_thread_id,
        is_topic_message=is_topic_message,
        message_id=message_id,
        date=now() - 60,
    )
    edited["edit_date"] = now()
    return {"edited_message": edited}


def channel_post(
    chat_id: int,
    text: str,
    chat_title: str = "FAQ Channel",
    username: str | None = None,
    *,
    author_signature: str | None = None,
) -> JSONDict:
    """Update with a text post in a channel."""
    post = message_object(chat_id, None, text, chat_type="channel", chat_title=chat_title)
    if username is not None:
        post["chat"]["username"] = username
    if author_signature is not None:
        post["author_signature"] = author_signature
    return {"channel_post": post}


def sticker_message(
    chat_id: int,
    user_id: int,
    emoji: str = "👍",
    chat_type: str = "private",
    username: str | None = None,
    first_name: str = "Asha",
) -> JSONDict:
    """Update with a sticker message."""
    result = message_object(
        chat_id, user_id, chat_type=chat_type, username=username, first_name=first_name
    )
    unique = next(_query_ids)
    result["sticker"] = {
        "file_id": f"CAACAgIAAxkBAAE{unique:08d}",
        "file_unique_id": f"AgAD{unique:06d}",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "set_name": "FaqTestStickers",
        "file_size": 23456,
    }
    return {"message": result}


def photo_message(
    chat_id: int,
    user_id: int,
    caption: str | None = None,
    chat_type: str = "private",
    username: str | None = None,
    first_name: str = "Asha",
) -> JSONDict:
    """Update with a photo message, optionally captioned (caption entities auto-filled)."""
    result = message_object(
        chat_id, user_id, chat_type=chat_type, username=username, first_name=first_name
    )
    unique = next(_query_ids)
    result["photo"] = [
        {
            "file_id": f"AgACAgIAAxkBAAE{unique:08d}{suffix}",
            "file_unique_id": f"AQAD{unique:06d}{suffix}",
            "width": width,
            "height": height,
            "file_size": size,
        }
        for suffix, width, height, size in _PHOTO_SIZES
    ]
    if caption is not None:
        result["caption"] = caption
        found = entities_for(caption)
        if found:
            result["caption_entities"] = found
    return {"message": result}


def callback_query(
    user_id: int,
    chat_id: int,
    data: str,
    message_id: int,
    message_text: str = "Pick a topic:",
    chat_type: str = "private",
    username: str | None = None,
    first_name: str = "Asha",
    *,
    inline_keyboard: list[list[JSONDict]] | None = None,
    bot_id: int = BOT_ID,
    bot_username: str = BOT_USERNAME,
) -> JSONDict:
    """Update with a press of an inline button on a message the bot sent."""
    bot_message = message_object(
        chat_id,
        chat_type=chat_type,
        text=message_text,
        entities=[],
        first_name=first_name,
        username=username,
        no_from=True,
        message_id=message_id,
        date=now() - 30,
    )
    if chat_type != "channel":
        bot_message.pop("sender_chat", None)
        bot_message["from"] = bot_user(bot_id, bot_username)
    keyboard = inline_keyboard or [[{"text": data, "callback_data": data}]]
    bot_message["reply_markup"] = {"inline_keyboard": keyboard}
    query_id = next(_query_ids)
    return {
        "callback_query": {
            "id": str(4_382_000_000_000_000_000 + query_id),
            "from": user(user_id, first_name, username),
            "message": bot_message,
            "chat_instance": str(-8_000_000_000_000_000_000 + abs(chat_id) % 10**12),
            "data": data,
        }
    }


def inline_query(
    user_id: int,
    query: str,
    offset: str = "",
    chat_type: str = "sender",
    username: str | None = None,
    first_name: str = "Asha",
) -> JSONDict:
    """Update with an inline query."""
    return {
        "inline_query": {
            "id": str(4_382_100_000_000_000_000 + next(_query_ids)),
            "from": user(user_id, first_name, username),
            "chat_type": chat_type,
            "query": query,
            "offset": offset,
        }
    }


def poll_answer(
    poll_id: str,
    user_id: int,
    option_ids: Sequence[int],
    option_persistent_ids: Sequence[str] | None = None,
    username: str | None = None,
    first_name: str = "Asha",
) -> JSONDict:
    """Update with a user's poll vote; persistent ids default to the indexes as strings."""
    persistent = (
        list(option_persistent_ids)
        if option_persistent_ids is not None
        else [str(i) for i in option_ids]
    )
    return {
        "poll_answer": {
            "poll_id": poll_id,
            "user": user(user_id, first_name, username),
            "option_ids": list(option_ids),
            "option_persistent_ids": persistent,
        }
    }


def poll(
    poll_id: str,
    question: str,
    options: Sequence[str],
    voter_counts: Sequence[int] | None = None,
    is_closed: bool = True,
    poll_type: str = "regular",
    correct_option_ids: Sequence[int] | None = None,
    is_anonymous: bool = True,
    allows_multiple_answers: bool = False,
    explanation: str | None = None,
) -> JSONDict:
    """Update with a poll state change (closed by default)."""
    return {
        "poll": poll_object(
            poll_id,
            question,
            options,
            voter_counts=voter_counts,
            is_closed=is_closed,
            poll_type=poll_type,
            correct_option_ids=correct_option_ids,
            is_anonymous=is_anonymous,
            allows_multiple_answers=allows_multiple_answers,
            explanation=explanation,
        )
    }


def my_chat_member(
    chat_id: int,
    user_id: int,
    old_status: str = "left",
    new_status: str = "member",
    chat_type: str | None = None,
    username: str | None = None,
    first_name: str = "Asha",
    *,
    chat_title: str | None = None,
    bot_id: int = BOT_ID,
    bot_username: str = BOT_USERNAME,
) -> JSONDict:
    """Update with a change of the bot's own membership, performed by user_id."""
    me = bot_user(bot_id, bot_username)
    return {
        "my_chat_member": {
            "chat": chat(
                chat_id, chat_type, title=chat_title, first_name=first_name, username=username
            ),
            "from": user(user_id, first_name, username),
            "date": now(),
            "old_chat_member": chat_member(me, old_status),
            "new_chat_member": chat_member(me, new_status),
        }
    }


def migrate_to_chat(
    chat_id: int,
    new_chat_id: int,
    user_id: int,
    username: str | None = None,
    first_name: str = "Asha",
    *,
    chat_title: str | None = None,
) -> JSONDict:
    """Update with the service message sent to a group upgraded to a supergroup."""
    result = message_object(
        chat_id, user_id, chat_type="group", username=username, first_name=first_name,
        chat_title=chat_title,
    )  # fmt: skip
    return {"message": {**result, "migrate_to_chat_id": new_chat_id}}


def migrate_from_chat(
    new_chat_id: int,
    old_chat_id: int,
    user_id: int,
    username: str | None = None,
    first_name: str = "Asha",
    *,
    chat_title: str | None = None,
) -> JSONDict:
    """Update with the service message sent to the supergroup a group was upgraded to."""
    result = message_object(
        new_chat_id, user_id, chat_type="supergroup", username=username, first_name=first_name,
        chat_title=chat_title,
    )  # fmt: skip
    return {"message": {**result, "migrate_from_chat_id": old_chat_id}}
