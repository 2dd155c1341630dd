"""Telegram handlers, one module per feature; each exposes `register(application)`."""

from faqbot.handlers import (
    admin,
    answers,
    daily,
    errors,
    fallbacks,
    gatekeeping,
    inline,
    quiz,
    topics,
)

# Registration order is handler order within a group: `fallbacks` must stay last.
FEATURES = (errors, gatekeeping, answers, topics, inline, daily, quiz, admin, fallbacks)
