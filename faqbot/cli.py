"""The `faqbot` command line: run the bot, look after its database, or work with the knowledge
pack without Telegram."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from faqbot import __version__
from faqbot.config import Settings, SettingsError
from faqbot.knowledge import Pack, PackError, check_pack, load_pack
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.citations import citation_line
from faqbot.knowledge.evaluation import evaluate_by_language, load_questions, question_set_language
from faqbot.knowledge.gaps import find_gaps, parse_since
from faqbot.knowledge.gaps_report import (
    accepted_phrasings,
    render_accepted,
    render_csv,
    render_json,
)
from faqbot.knowledge.gaps_report import render_text as render_gaps_text
from faqbot.knowledge.languages import LanguageAnswerers
from faqbot.knowledge.matcher import Matcher
from faqbot.knowledge.overlay import OVERLAY_FILE, Overlay, overlay_path, read_overlay
from faqbot.knowledge.quiz_items import generated_items, quiz_items
from faqbot.knowledge.replies import Reply, answer_reply, outcome_reply
from faqbot.storage import admin
from faqbot.storage.database import StorageError
from faqbot.storage.target import DatabaseTarget, TargetError, parse_target

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `faqbot` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        code: int = args.handler(args)
        return code
    except SettingsError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    except PackError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`faqbot eval … | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faqbot",
        description="A Telegram FAQ bot that answers from a fuzzy-matched YAML knowledge pack.",
    )
    parser.add_argument("--version", action="version", version=f"faqbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    pack_option = argparse.ArgumentParser(add_help=False)
    pack_option.add_argument(
        "--knowledge",
        type=Path,
        metavar="PATH",
        help="a YAML pack or a folder of them (default: $FAQBOT_KNOWLEDGE, else the shipped pack)",
    )
    _add_overlay_options(
        pack_option, "phrasings accepted from /gaps to add to the pack", "--knowledge"
    )

    run = commands.add_parser("run", help="run the Telegram bot (long polling, or --webhook)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="take updates on an HTTPS webhook instead of polling (FAQBOT_WEBHOOK_URL, "
        "FAQBOT_WEBHOOK_LISTEN, FAQBOT_WEBHOOK_SECRET)",
    )
    run.set_defaults(handler=_run)

    chat = commands.add_parser(
        "chat", parents=[pack_option], help="chat with the bot in this terminal, no Telegram"
    )
    chat.set_defaults(handler=_chat)

    ask = commands.add_parser("ask", parents=[pack_option], help="answer one question")
    ask.add_argument("question", nargs="?", help="the question; with --json and none, read stdin")
    ask.add_argument(
        "--json", action="store_true", help="print a JSON object (one per line for stdin input)"
    )
    ask.add_argument(
        "--after", metavar="ENTRY_ID", help="read a follow-up as asked after this entry's answer"
    )
    ask.add_argument(
        "--language",
        metavar="CODE",
        help="match and answer in this pack language (default: the question's script decides)",
    )
    ask.set_defaults(handler=_ask)

    validate = commands.add_parser("validate", help="lint a knowledge pack")
    validate.add_argument("path", nargs="?", type=Path, help="pack file or folder")
    _add_overlay_options(
        validate, "also check an overlay of accepted phrasings with the pack", "PATH"
    )
    validate.set_defaults(handler=_validate)

    evaluate_ = commands.add_parser(
        "eval", parents=[pack_option], help="accuracy report on a labelled question set"
    )
    evaluate_.add_argument("file", type=Path, help="YAML with answerable: and offtopic: lists")
    evaluate_.add_argument("--no-failures", action="store_true", help="omit the failing cases")
    evaluate_.add_argument(
        "--language",
        metavar="CODE",
        help="match every question in this pack language, or 'auto' to go by each question's "
        "script (default: the set's own `language:`, else auto); figures are per language",
    )
    evaluate_.set_defaults(handler=_eval)

    gaps = commands.add_parser(
        "gaps",
        parents=[pack_option],
        help="questions the pack did not answer outright, in clusters, from the question log",
    )
    gaps.add_argument(
        "--database",
        metavar="PATH_OR_URL",
        help="the bot's database, a SQLite file or a PostgreSQL URL (default: "
        "$FAQBOT_DATABASE, else data/faqbot.sqlite3)",
    )
    gaps.add_argument(
        "--since", metavar="WHEN", help="only questions asked since: 7d, 2026-11-01 or a time"
    )
    gaps_format = gaps.add_mutually_exclusive_group()
    gaps_format.add_argument("--json", action="store_true", help="print a JSON list")
    gaps_format.add_argument("--csv", action="store_true", help="print CSV with a header row")
    gaps.add_argument(
        "--limit", type=int, default=50, metavar="N", help="clusters shown (default 50; 0: all)"
    )
    gaps.add_argument(
        "--accepted",
        action="store_true",
        help=f"list the phrasings accepted from /gaps instead ({OVERLAY_FILE} next to the "
        "database), to copy into the pack",
    )
    gaps.set_defaults(handler=_gaps)

    export = commands.add_parser("export", parents=[pack_option], help="print the knowledge base")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.set_defaults(handler=_export)

    db = commands.add_parser("db", help="the database: where it stands, upgrade, copy")
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    db_current = db_commands.add_parser(
        "current", help="say which schema revision $FAQBOT_DATABASE is at (exit 1 if behind)"
    )
    db_current.set_defaults(handler=_db_current)
    db_upgrade = db_commands.add_parser(
        "upgrade", help="bring $FAQBOT_DATABASE to this faqbot's schema (`faqbot run` also does)"
    )
    db_upgrade.set_defaults(handler=_db_upgrade)
    db_copy = db_commands.add_parser(
        "copy",
        help="copy every table of one database into another (SQLite to PostgreSQL, or back)",
    )
    db_copy.add_argument(
        "source", metavar="SOURCE", help="the database to read: a SQLite file or PostgreSQL URL"
    )
    db_copy.add_argument(
        "destination",
        metavar="DESTINATION",
        help="the database to fill: a PostgreSQL URL or SQLite file",
    )
    db_copy.add_argument(
        "--replace", action="store_true", help="delete what the destination holds first"
    )
    db_copy.set_defaults(handler=_db_copy)
    return parser


def _add_overlay_options(parser: argparse.ArgumentParser, what: str, pack_named: str) -> None:
    """--overlay FILE / --no-overlay: which overlay.yaml a command reads with the pack."""
    overlays = parser.add_mutually_exclusive_group()
    overlays.add_argument(
        "--overlay",
        type=Path,
        metavar="FILE",
        help=f"{what} (default, without {pack_named}: {OVERLAY_FILE} next to "
        "$FAQBOT_DATABASE, if it exists, as the bot reads it)",
    )
    overlays.add_argument(
        "--no-overlay", action="store_true", help=f"leave out {OVERLAY_FILE}: the pack alone"
    )


def _database(value: str | Path | None = None) -> DatabaseTarget:
    """FAQBOT_DATABASE (or `value`), read as `faqbot run` reads it."""
    chosen = Settings.from_env().database if value is None else value
    try:
        return parse_target(chosen)
    except TargetError as error:
        raise SettingsError(str(error)) from None


def _db_current(args: argparse.Namespace) -> int:
    try:
        up_to_date, line = admin.current(_database())
    except StorageError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    print(line)
    return EXIT_OK if up_to_date else EXIT_PROBLEM


def _db_upgrade(args: argparse.Namespace) -> int:
    try:
        print(admin.upgrade(_database()))
    except StorageError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


def _db_copy(args: argparse.Namespace) -> int:
    def progress(table: str, rows: int) -> None:
        print(f"  {table}: {rows} rows…", file=sys.stderr)

    try:
        lines = admin.copy(
            _database(args.source),
            _database(args.destination),
            replace=args.replace,
            progress=progress,
        )
    except StorageError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    print("\n".join(lines))
    return EXIT_OK


def _pack(args: argparse.Namespace) -> Pack:
    """The pack the command works on, with the phrasings the bot adds to it (_overlay)."""
    return _pack_and_overlay(args)[0]


def _pack_and_overlay(args: argparse.Namespace) -> tuple[Pack, Path | None]:
    """The pack the command works on, and the overlay file read into it, if any."""
    settings = Settings.from_env()
    overlay = _overlay(args, settings, args.knowledge is not None)
    return load_pack(args.knowledge or settings.knowledge, overlay), overlay


def _overlay(args: argparse.Namespace, settings: Settings, named_pack: bool) -> Path | None:
    """--overlay; else, for the pack the bot serves (no pack named), the overlay the bot
    reads next to its database, when there is one; None with --no-overlay. An overlay belongs
    to the bot's pack, so a pack named on the command line is read alone."""
    if args.no_overlay:
        return None
    named: Path | None = args.overlay
    if named is not None:
        if not named.is_file():
            raise SettingsError(f"--overlay {named}: no such file")
        return named
    default = overlay_path(_database(getattr(args, "database", None) or settings.database).path)
    return default if not named_pack and default.is_file() else None


def _run(args: argparse.Namespace) -> int:
    from faqbot.runner import run_bot

    return run_bot(Settings.from_env(), webhook=args.webhook)


def _ask(args: argparse.Namespace) -> int:
    if args.question is None and not args.json:
        print(
            "faqbot: give a QUESTION, or use --json to read questions from stdin", file=sys.stderr
        )
        return EXIT_USAGE
    pack = _pack(args)
    language = _language_option(pack, args.language)
    if language is None:
        return EXIT_USAGE
    answerers = LanguageAnswerers(pack)
    questions = [args.question] if args.question is not None else sys.stdin
    for line in questions:
        found = answerers.respond(line.rstrip("\n"), language or None, previous_id=args.after)
        if args.json:
            record = {**found.outcome.to_json(), "language": found.language}
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print(render_text(outcome_reply(found.outcome, pack.in_language(found.language))))
    return EXIT_OK


def _language_option(pack: Pack, language: str | None) -> str | None:
    """The --language asked for ('' for auto), or None after saying why it is not usable."""
    if language in (None, "auto"):
        return ""
    if language not in pack.languages:
        print(
            f"faqbot: the pack has no language '{language}'; "
            f"use one of {', '.join(pack.languages)} or auto",
            file=sys.stderr,
        )
        return None
    return language


def _chat(args: argparse.Namespace) -> int:
    pack = _pack(args)
    answerers = LanguageAnswerers(pack)
    language = pack.info.language
    print(f"{pack.info.title}: ask a question, pick a number, or press Ctrl-D to quit.")
    choices: list[str] = []
    previous: str | None = None  # the last entry answered, for follow-ups
    while True:
        try:
            line = input("you> ").strip()
        except EOFError:
            print()
            return EXIT_OK
        if not line:
            continue
        picked = (
            pack.entry(choices[int(line) - 1])
            if line.isascii() and line.isdigit() and 1 <= int(line) <= len(choices)
            else None
        )
        if picked is not None:
            view = pack.in_language(language)
            reply = answer_reply(view.entry(picked.id) or picked, view)
            previous = reply.entry_id
        else:
            found = answerers.respond(line, previous_id=previous)
            language = found.language
            reply = outcome_reply(found.outcome, pack.in_language(language))
            previous = found.outcome.answered_id or previous
        choices = [choice.entry_id for choice in (*reply.choices, *filter(None, [reply.also]))]
        print(render_text(reply))


def render_text(reply: Reply) -> str:
    """A reply as terminal text, with numbered choices."""
    parts = [f"bot> {reply.title}\n{reply.body}" if reply.title else f"bot> {reply.body}"]
    if reply.source:
        parts.append(f"{say(reply.language, 'source')}: {reply.source}")
    if reply.choices:
        lines = [f"  {n}. {choice.label}" for n, choice in enumerate(reply.choices, 1)]
        parts.append(f"{reply.choices_heading}:\n" + "\n".join(lines))
    if reply.also:
        also = say(reply.language, "or_did_you_mean")
        parts.append(f"{also}\n  {len(reply.choices) + 1}. {reply.also.label}")
    return "\n".join(parts) + "\n"


def _validate(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    overlay = _overlay(args, settings, args.path is not None)
    pack, problems = check_pack(args.path or settings.knowledge, overlay)
    for problem in problems:
        print(problem)
    if pack is None:
        return EXIT_PROBLEM
    phrasings = sum(len(entry.phrasings) for entry in pack.entries)
    written = sum(len(entry.quiz) for entry in pack.entries)
    generated = len(generated_items(pack))
    quiz = len(quiz_items(pack))
    files = [*pack.paths, *([str(overlay)] if overlay is not None else [])]
    print(
        f"ok: {', '.join(files)}: {len(pack.entries)} entries, {phrasings} phrasings, "
        f"{len(pack.topics)} topics, {quiz} distinct quiz items ({written} hand-written, "
        f"{generated} generated); languages: {', '.join(pack.languages)}",
        file=sys.stderr,
    )
    return EXIT_OK


def _eval(args: argparse.Namespace) -> int:
    pack = _pack(args)
    try:
        questions = load_questions(args.file)
        declared = question_set_language(args.file)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        print(f"faqbot: cannot read question set {args.file}: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    requested = args.language or (declared if declared in pack.languages else None)
    language = _language_option(pack, requested)
    if language is None:
        return EXIT_USAGE
    reports = evaluate_by_language(LanguageAnswerers(pack), questions, language or None)
    for index, (code, report) in enumerate(reports.items()):
        if len(reports) > 1:
            print(f"{'' if index == 0 else chr(10)}language: {code}")
        print(report.format(show_failures=not args.no_failures))
    return EXIT_OK


def _gaps(args: argparse.Namespace) -> int:
    # Only `gaps` and `run` open the database; the other commands never import storage.
    from faqbot.storage.database import DATABASE_ERRORS, StorageError
    from faqbot.storage.questions import open_read_only

    database = _database(args.database) if args.database else _database()
    fmt = "json" if args.json else "csv" if args.csv else "text"
    if args.accepted:
        path = overlay_path(database.path)
        try:
            accepted = accepted_phrasings(path)
        except (OSError, ValueError) as error:
            print(f"faqbot: {error}", file=sys.stderr)
            return EXIT_PROBLEM
        sys.stdout.write(render_accepted(accepted, fmt, path))
        return EXIT_OK
    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.limit < 0:
        print("faqbot: --limit must be 0 (all) or more", file=sys.stderr)
        return EXIT_USAGE
    pack, overlay_file = _pack_and_overlay(args)
    matcher = Matcher.from_pack(pack)
    overlay = read_overlay(overlay_file, []).overlay if overlay_file else Overlay()
    try:
        reader = open_read_only(database)
    except StorageError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        found = find_gaps(reader.questions(since), matcher)
    except DATABASE_ERRORS as error:
        print(f"faqbot: cannot read the question log in {database} ({error})", file=sys.stderr)
        return EXIT_PROBLEM
    finally:
        reader.close()
    # As /gaps does: a cluster accepted or ignored in the overlay is dealt with.
    clusters = [c for c in found if not overlay.settles(c.representative, c.variants)]
    settled = len(found) - len(clusters)
    clusters = clusters[: args.limit or None]
    if fmt == "json":
        print(render_json(clusters))
    elif fmt == "csv":
        sys.stdout.write(render_csv(clusters))
    else:
        sys.stdout.write(render_gaps_text(clusters, since))
        if settled:
            print(
                f"\n{settled} cluster{'s' if settled != 1 else ''} accepted or ignored in "
                f"{overlay_file} left out (--no-overlay lists them)"
            )
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    pack = _pack(args)
    records = [
        {
            "id": entry.id,
            "question": entry.question,
            "alternates": list(entry.alternates),
            "answer": entry.answer,
            "topic": entry.topic,
            "source": entry.source,
            # Added for citable sources: the source ids, and the line students see.
            "cites": list(entry.cites),
            "background": list(entry.background),
            "citation": citation_line(entry, pack),
        }
        for entry in pack.entries
    ]
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return EXIT_OK
    writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]) if records else ["id"])
    writer.writeheader()
    for record, entry in zip(records, pack.entries, strict=True):
        lists = {
            "alternates": entry.alternates,
            "cites": entry.cites,
            "background": entry.background,
        }
        writer.writerow({**record, **{key: " | ".join(value) for key, value in lists.items()}})
    return EXIT_OK
