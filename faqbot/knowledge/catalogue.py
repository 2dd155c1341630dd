"""The bot's own sentences, one catalogue per language; a pack's words live in the pack.

A small catalogue module rather than gettext: two languages, sentences keyed by name (so a
missing Hindi sentence is a failing test, not an English fallback nobody sees), no .po/.mo
build step for package data, and keys a type checker can see.
"""

from __future__ import annotations

from typing import Literal

Key = Literal[
    "related",
    "unsure",
    "did_you_mean",
    "dont_know",
    "try_these",
    "or_did_you_mean",
    "source",
    "expired",
    "sorry",
    "not_allowed",
    "flood",
    "ask_usage",
    # the daily quiz
    "daily_quiz_none",
    "daily_quiz_active",
    "daily_quiz_paused",
    "daily_quiz_stopped",
    "daily_quiz_had_none",
    "daily_quiz_bad_time",
    "daily_quiz_admins_only",
    "daily_quiz_no_items",
    "daily_quiz_status",
]

ENGLISH: dict[Key, str] = {
    "related": "Related questions",
    "unsure": "I'm not sure which question you're asking.",
    "did_you_mean": "Did you mean…?",
    "dont_know": (
        "Sorry, I don't know that one. I answer questions about {title}, and I would rather "
        "say so than guess. Here are some things I can answer:"
    ),
    "try_these": "Try one of these",
    "or_did_you_mean": "Or did you mean:",
    "source": "Source",
    "expired": "This button has expired. Ask me again, or send /topics to browse.",
    "sorry": "Sorry, something went wrong on my side. Please try again in a moment.",
    "not_allowed": "This command is for the bot's operators.",
    "flood": (
        "You're asking faster than I can keep up with. Take a short break: I'll answer again "
        "in a minute."
    ),
    "ask_usage": "Send your question after the command, for example: /ask what is JIMEX?",
    "daily_quiz_none": (
        "This chat gets no daily quiz. Send /daily quiz 20:00 for a round every day at 20:00 "
        "({zone})."
    ),
    "daily_quiz_active": (
        "This chat gets a daily quiz at {at} ({zone}), with its quiz settings: questions per "
        "round: {questions}, seconds per question: {seconds} (/quizsettings changes them). "
        "/daily quiz HH:MM changes the time, /daily quiz off stops it."
    ),
    "daily_quiz_paused": (
        "The daily quiz at {at} ({zone}) is paused: Telegram would not deliver it here. "
        "Send /daily quiz {at} to start it again."
    ),
    "daily_quiz_stopped": "Daily quiz stopped. Send /daily quiz 20:00 to start again.",
    "daily_quiz_had_none": "This chat had no daily quiz. Send /daily quiz 20:00 to start one.",
    "daily_quiz_bad_time": (
        "I can't read {argument} as a time of day. Send the time for the daily quiz, for "
        "example /daily quiz 20:00 (8pm works too). /daily quiz off stops it."
    ),
    "daily_quiz_admins_only": "Only this group's administrators can change its daily quiz.",
    "daily_quiz_no_items": "This knowledge pack has no quiz questions, so it has no daily quiz.",
    "daily_quiz_status": (
        "<b>Daily quizzes</b>\nSubscribers: {subscribers} (active: {active})\n"
        "Rounds started today (UTC): {started} ({unconfirmed} unconfirmed)\n"
        "Under way: {pending}\n"
        "Failures today (UTC): {failed} undelivered when retries ran out, {stopped} chats "
        "that blocked or removed the bot"
    ),
}

HINDI: dict[Key, str] = {
    "related": "संबंधित प्रश्न",
    "unsure": "मैं पक्का नहीं हूँ कि आप कौन-सा प्रश्न पूछ रहे हैं।",
    "did_you_mean": "क्या आपका मतलब यह था…?",
    "dont_know": (
        "क्षमा करें, इसका उत्तर मुझे नहीं पता। मैं {title} से जुड़े प्रश्नों के उत्तर देता हूँ, "
        "और अनुमान लगाने के बजाय साफ़ बता देता हूँ। ये कुछ प्रश्न हैं जिनके उत्तर मैं दे सकता हूँ:"
    ),
    "try_these": "इनमें से कोई पूछिए",
    "or_did_you_mean": "या आपका मतलब यह था:",
    "source": "स्रोत",
    "expired": "इस बटन की अवधि समाप्त हो गई है। फिर से पूछिए, या विषय देखने के लिए /topics भेजिए।",
    "sorry": "क्षमा करें, मेरी ओर से कुछ गड़बड़ हो गई। कृपया थोड़ी देर में फिर कोशिश कीजिए।",
    "not_allowed": "यह कमांड केवल बॉट के संचालकों के लिए है।",
    "flood": (
        "आप इतनी तेज़ी से पूछ रहे हैं कि मैं साथ नहीं दे पा रहा। थोड़ा रुकिए: एक मिनट में मैं फिर से उत्तर दूँगा।"
    ),
    "ask_usage": "कमांड के बाद अपना प्रश्न भेजिए, जैसे: /ask जिमेक्स क्या है?",
    "daily_quiz_none": (
        "इस चैट में कोई दैनिक क्विज़ नहीं है। हर दिन 20:00 ({zone}) पर एक राउंड के लिए "
        "/daily quiz 20:00 भेजिए।"
    ),
    "daily_quiz_active": (
        "इस चैट में हर दिन {at} ({zone}) पर दैनिक क्विज़ होता है, इसकी क्विज़ सेटिंग के साथ: "
        "प्रति राउंड प्रश्न: {questions}, प्रति प्रश्न सेकंड: {seconds} (/quizsettings से बदलिए)। "
        "/daily quiz HH:MM समय बदलता है, /daily quiz off इसे बंद करता है।"
    ),
    "daily_quiz_paused": (
        "{at} ({zone}) का दैनिक क्विज़ रुका हुआ है: टेलीग्राम इसे यहाँ नहीं पहुँचा रहा। "
        "फिर से शुरू करने के लिए /daily quiz {at} भेजिए।"
    ),
    "daily_quiz_stopped": "दैनिक क्विज़ बंद हो गया। फिर से शुरू करने के लिए /daily quiz 20:00 भेजिए।",
    "daily_quiz_had_none": "इस चैट में कोई दैनिक क्विज़ नहीं था। शुरू करने के लिए /daily quiz 20:00 भेजिए।",
    "daily_quiz_bad_time": (
        "मैं {argument} को दिन का समय नहीं समझ पाया। दैनिक क्विज़ का समय भेजिए, जैसे "
        "/daily quiz 20:00 (8pm भी चलेगा)। /daily quiz off इसे बंद करता है।"
    ),
    "daily_quiz_admins_only": "इस ग्रुप का दैनिक क्विज़ केवल इसके एडमिन बदल सकते हैं।",
    "daily_quiz_no_items": "इस ज्ञान-पैक में क्विज़ के प्रश्न नहीं हैं, इसलिए इसमें दैनिक क्विज़ नहीं है।",
    "daily_quiz_status": (
        "<b>दैनिक क्विज़</b>\nसदस्य: {subscribers} (सक्रिय: {active})\n"
        "आज (UTC) शुरू हुए राउंड: {started} ({unconfirmed} अपुष्ट)\n"
        "जारी: {pending}\n"
        "आज (UTC) की विफलताएँ: {failed} पुनः प्रयास समाप्त होने पर भी नहीं पहुँचे, {stopped} चैट "
        "जिन्होंने बॉट को ब्लॉक किया या हटाया"
    ),
}

CATALOGUES: dict[str, dict[Key, str]] = {"en": ENGLISH, "hi": HINDI}
DEFAULT = "en"


def say(language: str, key: Key, **values: str) -> str:
    """The sentence `key` in `language` (English for a language without a catalogue)."""
    return CATALOGUES.get(language, ENGLISH)[key].format(**values)
