"""The command menu, read off the registered CommandHandlers and their docstrings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from telegram import BotCommand
from telegram.ext import Application, CommandHandler

PRIVATE, GROUPS = "private", "groups"

F = TypeVar("F", bound=Callable[..., object])


def menu(*scopes: str) -> Callable[[F], F]:
    """Show a command only in these menu scopes; `@menu()` hides it (admin commands)."""

    def mark(callback: F) -> F:
        callback.menu_scopes = scopes  # type: ignore[attr-defined]
        return callback

    return mark


def command_menu(application: Application) -> dict[str, list[BotCommand]]:
    """Commands per scope, described by the first line of each callback's docstring."""
    commands: dict[str, list[BotCommand]] = {PRIVATE: [], GROUPS: []}
    for handlers in application.handlers.values():
        for handler in handlers:
            if not isinstance(handler, CommandHandler):
                continue
            doc = (handler.callback.__doc__ or "").strip().splitlines()
            scopes = getattr(handler.callback, "menu_scopes", (PRIVATE, GROUPS))
            for name in sorted(handler.commands):
                for scope in scopes:
                    if doc and name not in {c.command for c in commands[scope]}:
                        commands[scope].append(BotCommand(name, doc[0].rstrip(".")[:256]))
    return commands
