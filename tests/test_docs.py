"""The README stays true: its two opening commands, and a section for every command."""
import re

from conftest import ROOT
from extractor.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")
OPENING = [line.strip() for line in README.splitlines()[:12] if line.startswith("    ")]


def test_readme_opens_with_two_commands():
    assert len(OPENING) == 2


def test_ci_runs_the_readmes_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert OPENING[1] in ci.splitlines()


def test_the_main_job_runs_on_the_bundled_samples():
    assert "fixtures/samples" in OPENING[0]
    assert (ROOT / "fixtures" / "samples").is_dir()


def test_every_command_is_documented():
    documented = set(re.findall(r"xxgk (\w+)", README))
    assert set(main.commands) <= documented
