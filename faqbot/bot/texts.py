"""Messages more than one feature sends, so that no feature imports another for its wording.

The sentences themselves are in the per-language catalogue (`knowledge/catalogue.py`); these
names are the English ones, for the features that do not speak Hindi yet.
"""

from faqbot.knowledge.catalogue import say

EXPIRED = say("en", "expired")
SORRY = say("en", "sorry")
NOT_ALLOWED = say("en", "not_allowed")

# /help, per kind of chat; {bot} is the bot's username, {commands} the menu of that chat.
HELP_PRIVATE = (
    "Ask me a question in your own words. If I'm not sure, I offer a few questions to "
    'pick from; if I don\'t know, I say so. After an answer, ask "why?" or "tell me '
    'more"; paste an MCQ with its options and I name the one that fits.\n\n'
    "In a group, mention me (@{bot} your question), reply to one of my messages, "
    "or use /ask. In any chat, type @{bot} and a question to share an answer.\n\n{commands}"
)
HELP_GROUP = (
    "In this group, ask me with /ask your question, by mentioning me (@{bot} your question), "
    "or by replying to one of my messages. /quiz starts a quiz, /top shows this week's "
    "standings, and /review sends you to a private chat to go over what you got wrong.\n\n"
    "{commands}"
)
HELP_GROUP_ADMIN = "\n\nFor this group's admins:\n{commands}"
