"""The command menu, read off the registered CommandHandlers and their docstrings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Literal, TypeVar

from telegram import BotCommand
from telegram.ext import Application, CommandHandler

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
    application: Application[Any, Any, Any, Any, Any, Any],
) -> dict[MenuScope, list[BotCommand]]:
    """Commands per scope, described by the first line of each callback's docstring."""
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
                        commands[scope].append(BotCommand(name, doc[0].rstrip(".")[:256]))
    return commands
