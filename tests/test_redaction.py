"""The log filter hides the bot token however it is spelled, in messages and tracebacks."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from faqbot.config import Settings
from faqbot.runner import RedactToken, service_passwords

TOKEN = "123456789:TEST-redaction-token-NOT-real"
SECRET = TOKEN.partition(":")[2]
URL = f"https://api.telegram.org/bot{TOKEN}/sendMessage"


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose one handler writes through the filter into a string, as `run` sets up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(TOKEN))
    logger = logging.getLogger("faqbot.test_redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def assert_hidden(output: str) -> None:
    assert output.strip(), "nothing was logged"
    assert SECRET.lower() not in output.lower(), output
    assert "[token]" in output, output


SPELLINGS = {
    "raw": URL,
    "url-encoded": quote(URL, safe="/"),  # ':' as %3A, as an error quoting the path shows it
    "url-encoded, lower-case hex": quote(URL, safe="/").replace("%3A", "%3a"),
    "lower-cased": URL.lower(),
    "upper-cased": URL.upper(),
    "secret alone": f"rejected secret {SECRET}",
}


@pytest.mark.parametrize("text", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_the_message_and_its_arguments_are_redacted(logged, text: str) -> None:
    logger, stream = logged
    logger.error("cannot reach %s", text)
    logger.error(text)
    logger.error("%(url)s failed", {"url": text})
    assert_hidden(stream.getvalue())


@pytest.mark.parametrize("text", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_tracebacks_are_redacted(logged, text: str) -> None:
    logger, stream = logged
    try:
        try:
            raise ConnectionError(f"connect to {text} timed out")
        except ConnectionError as cause:
            raise RuntimeError("send failed") from cause
    except RuntimeError:
        logger.exception("while sending")
    output = stream.getvalue()
    assert "Traceback" in output and "ConnectionError" in output  # the traceback is kept
    assert_hidden(output)


def test_a_traceback_already_rendered_by_another_handler_is_redacted(logged) -> None:
    logger, stream = logged
    try:
        raise RuntimeError(quote(URL, safe="/"))
    except RuntimeError:
        record = logger.makeRecord(
            logger.name, logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    record.exc_text = logging.Formatter().formatException(record.exc_info)
    logger.handle(record)
    assert_hidden(stream.getvalue())


def test_a_malformed_log_call_does_not_leak_the_token_in_logging_s_own_report(
    logged, capsys: pytest.CaptureFixture[str]
) -> None:
    logger, stream = logged
    logger.error("two placeholders %s %s", SECRET.lower())
    captured = capsys.readouterr()
    assert SECRET.lower() not in (stream.getvalue() + captured.err).lower()


def test_text_without_the_token_is_left_alone(logged) -> None:
    logger, stream = logged
    logger.warning("chat %s: %d%% done", 42, 50)
    assert stream.getvalue() == "WARNING faqbot.test_redaction: chat 42: 50% done\n"


def test_the_webhook_secret_is_redacted_beside_the_token() -> None:
    webhook_secret = "TEST-webhook-secret-0123456789abcdef"
    redactor = RedactToken(TOKEN, (webhook_secret,))
    text = f"POST with {webhook_secret} and {webhook_secret.lower()} to {URL}"
    assert redactor.redact(text) == "POST with [secret] and [secret] to " + URL.replace(
        TOKEN, "[token]"
    )
    assert RedactToken(TOKEN, ("",)).redact("nothing else") == "nothing else"


def test_database_and_redis_passwords_are_hidden_like_secrets() -> None:
    settings = Settings(
        database="postgresql://faqbot:pg%2Fpass-TEST-1@db:5432/faqbot",
        redis_url="redis://:redis-pass-TEST-2@redis:6379/0",
    )
    passwords = service_passwords(settings)
    assert set(passwords) >= {"pg/pass-TEST-1", "redis-pass-TEST-2"}
    redactor = RedactToken(TOKEN, passwords)
    assert redactor.redact("auth pg/pass-TEST-1 then REDIS-PASS-test-2") == (
        "auth [secret] then [secret]"
    )
    # A SQLite file, no Redis, or a password too short to hide: nothing to add.
    assert service_passwords(Settings()) == ()
    short = Settings(database="postgresql://u:pw@db/faqbot", redis_url="redis://:x@redis/0")
    assert service_passwords(short) == ()
