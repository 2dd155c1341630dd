"""What handlers share: the loaded pack, its matcher, settings and storage, per application."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import Application, ContextTypes

from faqbot.bot.flood import FloodGuard
from faqbot.bot.settings import Settings
from faqbot.bot.storage import Storage
from faqbot.knowledge import Matcher, Pack

SERVICES_KEY = "faqbot"


@dataclass
class Services:
    """Built once per application by the factory."""

    settings: Settings
    pack: Pack
    matcher: Matcher
    storage: Storage
    flood: FloodGuard


def services(context: ContextTypes.DEFAULT_TYPE | Application) -> Services:
    """The services of the application that a handler or job runs in."""
    application = context if isinstance(context, Application) else context.application
    return application.bot_data[SERVICES_KEY]
