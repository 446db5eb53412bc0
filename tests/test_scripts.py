"""The main script as a user meets it: help, bad values, offline, finished runs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import load_script

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "train_dcgan_celeba.py"


def run_script(*args, cwd, env=None):
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=cwd, env=environment, capture_output=True, text=True
    )


def exit_code(argv):
    """The script's own main in this process (a subprocess costs a TensorFlow import): its exit code."""
    try:
        return load_script("train_dcgan_celeba").main(argv)
    except SystemExit as exit:
        return exit.code


def test_help_documents_every_option(capsys):
    assert exit_code(["--help"]) == 0
    shown = capsys.readouterr().out
    for option in (
        "--data-dir",
        "--output-dir",
        "--epochs",
        "--batch-size",
        "--latent-dim",
        "--learning-rate",
        "--steps-per-epoch",
        "--num-images",
        "--seed",
        "--no-xla",
        "--strategy",
        "--mixed-precision",
    ):
        assert option in shown


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "-1"], "--epochs: must be a whole number at least 1, got -1"),
        (["--batch-size", "0"], "--batch-size: must be a whole number at least 1, got 0"),
        (["--learning-rate", "zero"], "--learning-rate: expected a finite number"),
        (["--strategy", "tpu"], "--strategy: invalid choice"),
    ],
)
def test_invalid_values_get_a_clear_error(args, message, capsys):
    # The subprocess test below shows the exit status and stream a user sees.
    assert exit_code(args) == 2
    assert message in capsys.readouterr().err


def test_main_command_offline_ends_with_the_way_out(tmp_path):
    """`python scripts/train_dcgan_celeba.py` with no data and no network."""
    result = run_script(cwd=tmp_path, env={"HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""})
    assert result.returncode == 2
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error: Could not download CelebA")
    assert "--data-dir" in last_line and "data.zip" in last_line
    assert "Traceback" not in result.stderr


def test_missing_data_dir_and_finished_run_are_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert exit_code(["--data-dir", "no_such_folder"]) == 2
    assert "error: Image folder not found: no_such_folder" in capsys.readouterr().err
    (tmp_path / "done").mkdir()
    (tmp_path / "done" / "run.json").write_text("{}")
    assert exit_code(["--data-dir", ".", "--output-dir", "done"]) == 2
    assert "holds a finished run" in capsys.readouterr().err
