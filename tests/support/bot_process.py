"""Runs the real `faqbot run` process against a FakeBotAPI, for end-to-end tests and benchmarks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.support.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """`python -m faqbot run` with its environment pointed at the fake Bot API."""

    def __init__(
        self,
        api: FakeBotAPI,
        database: Path,
        env: dict[str, str] | None = None,
        command: tuple[str, ...] = ("run",),
        python_options: tuple[str, ...] = (),
        stop_signal: int = signal.SIGTERM,
        ready_method: str = "getUpdates",
    ) -> None:
        self.api = api
        self.database = database
        self.extra_env = env or {}
        self.command = command
        self.python_options = python_options  # e.g. ("-m", "cProfile", "-o", path)
        self.stop_signal = stop_signal
        self.ready_method = ready_method  # the Bot API call that shows the bot is up
        self.process: subprocess.Popen[str] | None = None
        self._log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115
        self.returncode: int | None = None

    @property
    def environment(self) -> dict[str, str]:
        """The variables the process runs with: nothing from a developer's .env leaks in."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FAQBOT_", "TELEGRAM_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=self.api.token,
            TELEGRAM_API_BASE_URL=self.api.base_url,
            FAQBOT_DATABASE=str(self.database),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def start(self, wait: bool = True, timeout: float = 30.0) -> BotProcess:
        """Start the bot; by default wait until it polls for updates (or sets its webhook)."""
        polls_before = len(self.api.calls_to(self.ready_method))
        self.process = subprocess.Popen(
            [sys.executable, *self.python_options, "-m", "faqbot", *self.command],
            cwd=self.database.parent,
            env=self.environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if wait:
            self.api.wait_for(self.ready_method, timeout=timeout, count=polls_before + 1)
        return self

    def start_after(self, prepare: Callable[[], None], timeout: float = 60.0) -> BotProcess:
        """Start the bot and run `prepare` (say, write subscriptions due in a few seconds)
        once the process is past the slow part of its start (imports, the pack, the database),
        which its getMe marks, and before it reads its state; then wait until it polls.
        A test's clock then starts when the bot is almost up, however loaded the machine is."""
        release = self.api.hold_answers("getMe")
        asked_before = len(self.api.calls_to("getMe"))
        ready_before = len(self.api.calls_to(self.ready_method))
        try:
            self.start(wait=False)
            self.api.wait_for("getMe", timeout=timeout, count=asked_before + 1)
            prepare()
        finally:
            release.set()
        self.api.wait_for(self.ready_method, timeout=timeout, count=ready_before + 1)
        return self

    def stop(self, sig: int | None = None, timeout: float = 20.0) -> int:
        """Signal the bot and wait for it to exit; returns its exit code."""
        sig = self.stop_signal if sig is None else sig
        if self.process is None:
            return self.returncode or 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            self.returncode = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.returncode = self.process.wait()
        self.process = None
        return self.returncode

    def wait(self, timeout: float = 30.0) -> int:
        """Wait for the process to exit by itself."""
        assert self.process is not None
        self.returncode = self.process.wait(timeout=timeout)
        self.process = None
        return self.returncode

    @property
    def log(self) -> str:
        """Everything the process wrote to stdout and stderr so far."""
        self._log.flush()
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        self.stop()
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)
