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
    "background",
    "as_of_note",
    "as_of_plain",
    "after_as_of",
    "as_of_then",
    "notes_cover",
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
    "background": "background",
    "as_of_note": "As of {date}, {latest}. My notes cover nothing after that.",
    "as_of_plain": "My notes cover up to {date}; this may have changed since.",
    "after_as_of": "My notes cover up to {date}; I have nothing on that.",
    "as_of_then": "As of then, {latest}.",
    "notes_cover": "What my notes do cover",
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
    "background": "पृष्ठभूमि",
    "as_of_note": "{date} तक की जानकारी के अनुसार, {latest}। इसके बाद का कुछ भी मेरे नोट्स में नहीं है।",
    "as_of_plain": "मेरे नोट्स {date} तक के हैं; तब से स्थिति बदल चुकी हो सकती है।",
    "after_as_of": "मेरे नोट्स {date} तक के हैं; इस बारे में मेरे पास कोई जानकारी नहीं है।",
    "as_of_then": "उस समय तक, {latest}।",
    "notes_cover": "मेरे नोट्स में यह है",
}

CATALOGUES: dict[str, dict[Key, str]] = {"en": ENGLISH, "hi": HINDI}
DEFAULT = "en"


def say(language: str, key: Key, **values: str) -> str:
    """The sentence `key` in `language` (English for a language without a catalogue)."""
    return CATALOGUES.get(language, ENGLISH)[key].format(**values)
