"""The shell queues of the comparisons (scripts/run_improved.sh, scripts/reference/run_comparison.sh):
the exit status they log is the run's, and a side they do not know stops them before any folder goes."""

import os
import shutil
import subprocess

import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the queues are bash scripts")


def queue(script, name, tmp_path, **env):
    return subprocess.run(
        ["bash", str(ROOT / script), name],
        env={**os.environ, "RUNS": str(tmp_path / "runs"), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_failed_run_is_logged_with_its_own_exit_status(tmp_path):
    # `false` stands in for Python: every run fails at once, with status 1.
    done = queue("scripts/run_improved.sh", "dcgan_mnist", tmp_path, PYTHON="false", RUN_LIST="tutorial 0")
    assert done.returncode == 0  # the queue goes on past a failed run
    assert "end tutorial seed 0: exit 1" in done.stdout
    done = queue(
        "scripts/reference/run_comparison.sh", "gan_mnist", tmp_path, PYTHON="false", RUN_LIST="text 0"
    )
    assert "end text seed 0: exit 1" in done.stdout


def test_an_unknown_side_stops_the_queue_before_its_folder_is_touched(tmp_path):
    kept = tmp_path / "runs" / "bogus_seed0"
    kept.mkdir(parents=True)
    (kept / "work.txt").write_text("finished work")
    done = queue("scripts/reference/run_comparison.sh", "stylegan", tmp_path, RUN_LIST="bogus 0")
    assert done.returncode == 2
    assert "unknown side bogus of stylegan" in done.stderr
    assert (kept / "work.txt").read_text() == "finished work"
    done = queue("scripts/run_improved.sh", "dcgan_mnist", tmp_path, RUN_LIST="bogus 0")
    assert done.returncode == 2 and "unknown side bogus" in done.stderr


def test_a_joined_side_runs_with_each_parts_options(tmp_path):
    # `echo` stands in for Python: the run's log holds the command it was given.
    done = queue("scripts/run_improved.sh", "dcgan_mnist", tmp_path, PYTHON="echo", RUN_LIST="r1+ttur 0")
    assert "end r1+ttur seed 0: exit 0" in done.stdout
    command = (tmp_path / "runs" / "r1+ttur_seed0.log").read_text()
    assert command.rstrip().endswith(
        "--seed 0 --output-dir "
        + str(tmp_path / "runs" / "r1+ttur_seed0")
        + " --r1-gamma 0.0006 --d-learning-rate 2e-4"
    )
    done = queue("scripts/run_improved.sh", "dcgan_mnist", tmp_path, RUN_LIST="r1+bogus 0")
    assert done.returncode == 2 and "unknown side bogus" in done.stderr
    assert not (tmp_path / "runs" / "r1+bogus_seed0.log").exists()


def test_an_augment_side_names_its_policies(tmp_path):
    side = "augment_translation_cutout"
    done = queue("scripts/run_improved.sh", "dcgan_mnist", tmp_path, PYTHON="echo", RUN_LIST=f"{side} 0")
    assert "exit 0" in done.stdout
    command = (tmp_path / "runs" / "augment_translation_cutout_seed0.log").read_text()
    assert command.rstrip().endswith("--augment translation,cutout")


def test_the_faces_reference_resumes_its_folder_with_the_ports_budget(tmp_path):
    # dcgan_celeba_keras_io.py resumes a run folder, so the queue keeps what an unfinished run saved.
    saved = tmp_path / "runs" / "text_seed1"
    saved.mkdir(parents=True)
    (saved / "losses.json").write_text("[]")
    done = queue(
        "scripts/reference/run_comparison.sh", "dcgan_celeba", tmp_path, PYTHON="echo", RUN_LIST="text 1"
    )
    assert "resume text seed 1" in done.stdout and (saved / "losses.json").exists()
    command = (tmp_path / "runs" / "text_seed1.log").read_text().split()
    assert command[:3] == ["scripts/reference/dcgan_celeba_keras_io.py", "--variant", "text"]
    assert " ".join(command[3:]).endswith(
        f"--epochs 12 --mixed-precision bfloat16 --seed 1 --output-dir {saved}"
    )
