"""The command menu, read off the registered CommandHandlers; each command is described by the
catalogue's `menu_<command>` in the menu's language, else by its callback's docstring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Literal, TypeVar

from telegram import BotCommand
from telegram.ext import Application, CommandHandler

from faqbot.knowledge.catalogue import DEFAULT, menu_description

# Telegram shows a group's administrators the "admins" menu instead of the "groups" one, so
# every group command is in both, and commands only admins may use are in "admins" alone.
MenuScope = Literal["private", "groups", "admins"]
PRIVATE: Final = "private"
GROUPS: Final = "groups"
ADMINS: Final = "admins"
EVERYWHERE: tuple[MenuScope, ...] = (PRIVATE, GROUPS, ADMINS)

F = TypeVar("F", bound=Callable[..., object])

# Callbacks shown in fewer scopes than everywhere; read by command_menu.
_scopes: dict[Callable[..., object], tuple[MenuScope, ...]] = {}


def menu(*scopes: MenuScope) -> Callable[[F], F]:
    """Show a command only in these menu scopes; `@menu()` hides it (admin commands)."""

    def mark(callback: F) -> F:
        _scopes[callback] = scopes
        return callback

    return mark


def command_menu(
    application: Application[Any, Any, Any, Any, Any, Any], language: str = DEFAULT
) -> dict[MenuScope, list[BotCommand]]:
    """Commands per scope, described in `language` (a command the catalogue does not describe
    by the first line of its callback's docstring)."""
    commands: dict[MenuScope, list[BotCommand]] = {PRIVATE: [], GROUPS: [], ADMINS: []}
    for handlers in application.handlers.values():
        for handler in handlers:
            if not isinstance(handler, CommandHandler):
                continue
            doc = (handler.callback.__doc__ or "").strip().splitlines()
            scopes = _scopes.get(handler.callback, EVERYWHERE)
            if GROUPS in scopes and ADMINS not in scopes:
                scopes = (*scopes, ADMINS)
            for name in sorted(handler.commands):
                for scope in scopes:
                    if doc and name not in {c.command for c in commands[scope]}:
                        described = menu_description(language, name) or doc[0]
                        commands[scope].append(BotCommand(name, described.rstrip(".")[:256]))
    return commands
