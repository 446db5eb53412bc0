"""Every `python scripts/...` command the README and docs/ give parses as written.

A command of the docs whose option was renamed or whose value no longer parses would fail a
reader at once; each one is run here up to its argument parsing (in this process, the script's
own parser, stopped right after it accepted the command), so none is left behind when a script
changes. Placeholders (`...`, `[--opt]`, `S` for a seed) are not commands and are skipped.
"""

import argparse
import importlib.util
import re
import runpy
import shlex
import sys

import pytest
from conftest import ROOT, SHARED_DATA, require_data

COMMAND = re.compile(r"python (scripts/[a-z_]+\.py)(.*)")
# The hands' PyTorch reference imports torch before it parses (it says so in one line without it;
# pytorch_reference.py parses first, and says it when it runs).
NEEDS_TORCH = {"scripts/pytorch_cgan_rps.py"}


def documented_commands():
    """(source, script, arguments) of each command in a code block or `inline code` of the docs."""
    commands = set()
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = re.sub(r"\\\n\s*", " ", path.read_text())  # continued lines joined
        for line in text.splitlines():
            for piece in re.split(r"`", line):
                match = COMMAND.search(piece)
                if not match:
                    continue
                args = match.group(2).split("#")[0].strip().rstrip("&").strip()
                if "..." in args or "[" in args or re.search(r"\bS\b|sS\b|\bDATA\b", args) or "|" in args:
                    continue
                commands.add((path.name, match.group(1), args))
    return sorted(commands)


class Parsed(Exception):
    """The script's parser accepted the command."""


@pytest.mark.parametrize("source, script, args", documented_commands())
def test_a_documented_command_parses(source, script, args, monkeypatch, capsys):
    if script in NEEDS_TORCH and importlib.util.find_spec("torch") is None:
        pytest.skip("needs PyTorch, which this environment does not have")
    original = argparse.ArgumentParser.parse_known_args

    def parse_and_stop(parser, argv=None, namespace=None):
        try:
            original(parser, argv, namespace)  # a bad option exits here with the parser's message
        except SystemExit as exit:
            if exit.code:
                raise
        raise Parsed  # accepted (--help: printed, and exit 0)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_known_args", parse_and_stop)
    if "../shared/data" in args:  # the docs' place for it, beside the checkout; a clone may be elsewhere
        require_data("")
        args = args.replace("../shared/data", str(SHARED_DATA))
    monkeypatch.setattr(sys, "argv", [script, *shlex.split(args)])
    monkeypatch.chdir(ROOT)
    with pytest.raises(Parsed):
        runpy.run_path(str(ROOT / script), run_name="__main__")
    assert "error:" not in capsys.readouterr().err


def test_the_docs_give_commands_of_every_script():
    scripts = {script for _, script, _ in documented_commands()}
    assert len(scripts) >= 15, scripts
