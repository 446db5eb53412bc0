"""Every tutorial's short run gives the losses recorded for it: a refactoring changes no training.

Each tutorial trains in this process through `keras_gans.runner.train` at its notebooks' tiny
size (the preset's `tiny` models, two epochs of two steps, seed 0, no scoring), and its
per-epoch losses (losses.csv) are compared with tests/data/short_run_losses.json. On the CPU
that recorded them they match bit for bit; another CPU's oneDNN kernels give round-off only,
far below what a changed layer, loss or draw gives (the first step's losses move by percents).

Record again, after a change that is meant to change training, with
    KERAS_GANS_RECORD_LOSSES=1 pytest tests/test_short_runs.py -n 0
and say in the commit why the losses moved.
"""

import csv
import json
import os

import numpy as np
import pytest
from conftest import ROOT, SHARED_DATA, require_data

from keras_gans.presets import PRESETS

pytestmark = pytest.mark.slow

RECORDED = ROOT / "tests" / "data" / "short_run_losses.json"
RECORD = os.environ.get("KERAS_GANS_RECORD_LOSSES") == "1"
# Round-off of one CPU's kernels against another's, after four steps: relative 1e-7 to 1e-5.
RTOL, ATOL = 1e-4, 1e-6


def short_run_options(name, monkeypatch, tmp_path):
    """The tiny run of the notebooks' tiny mode, for two epochs, seed 0, unscored."""
    from keras_gans import notebook

    monkeypatch.setattr(notebook, "MODE", "tiny")
    monkeypatch.setattr(notebook, "TINY", True)
    monkeypatch.setenv("KERAS_GANS_SHARED_DATA", str(SHARED_DATA))
    options = notebook.settings(name)
    options.update(epochs=2, seed=0, eval_every=0, output_dir=str(tmp_path / "run"), verbose=0)
    return options


def epoch_losses(path):
    """losses.csv as {column: [one value an epoch]}, without the epoch and the unscored ("NA") columns."""
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    keys = [key for key in rows[0] if key != "epoch" and "NA" not in {row[key] for row in rows}]
    return {key: [float(row[key]) for row in rows] for key in keys}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_a_short_run_gives_the_recorded_losses(name, monkeypatch, tmp_path):
    from keras_gans.runner import train

    require_data("mnist")
    require_data("fashion-mnist")
    require_data("celeba")
    require_data("dggan/cora")
    train(name, **short_run_options(name, monkeypatch, tmp_path))
    losses = epoch_losses(tmp_path / "run" / "losses.csv")
    assert all(len(values) == 2 for values in losses.values())
    recorded = json.loads(RECORDED.read_text()) if RECORDED.exists() else {}
    if RECORD:
        RECORDED.write_text(json.dumps({**recorded, name: losses}, indent=1, sort_keys=True) + "\n")
        pytest.skip(f"recorded {name}'s losses in {RECORDED.name}")
    assert name in recorded, f"no losses recorded for {name}: run with KERAS_GANS_RECORD_LOSSES=1"
    assert sorted(losses) == sorted(recorded[name])
    for key, values in losses.items():
        np.testing.assert_allclose(values, recorded[name][key], rtol=RTOL, atol=ATOL, err_msg=f"{name} {key}")
