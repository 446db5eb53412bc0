"""The notebooks: their shown code is the package's, tiny mode is one helper, and they run end to end."""

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from keras_gans.notebook import MARKER, shown_name, shown_source

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


def code_cells(path):
    """The source of each code cell of the notebook at `path`."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
    ]


def test_notebooks_are_named_as_their_tutorials():
    from keras_gans.presets import PRESETS

    assert set(IDS) <= set(PRESETS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_shown_code_is_the_package_source(path):
    shown = {shown_name(source): source for source in code_cells(path) if shown_name(source)}
    assert any(name.endswith(".train_step") for name in shown), f"{path.name} shows no train_step"
    stale = [name for name, source in shown.items() if source != shown_source(name)]
    assert not stale, f"{path.name}: run scripts/sync_notebooks.py; stale: {', '.join(stale)}"
    # The marker is the cell's first line only: no cell mixes shown code with the notebook's own.
    assert all(MARKER not in source.split("\n", 1)[-1] for source in code_cells(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_tiny_mode_is_one_helper(path):
    # Tiny mode is keras_gans.notebook's business (`settings`, `pick`), not the notebooks'.
    offending = [source for source in code_cells(path) if re.search(r"\bif\s+(\w+\.)?TINY\b", source)]
    assert not offending, f"{path.name} tests TINY itself:\n" + "\n---\n".join(offending)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_calls_name_no_option_that_settings_sets(path):
    # `settings` adds `verbose` and `overwrite` (and the preset's short and tiny sizes) by the mode;
    # a call that names one beside `**options` fails in that mode only ("got multiple values for
    # keyword argument"): cgan_mnist's and acgan_mnist's `train(..., verbose=2, **options)` did.
    from keras_gans.notebook import TINY_RUN
    from keras_gans.presets import get_preset

    preset = get_preset(path.stem)
    settable = {
        "verbose",
        "overwrite",
        *preset.notebook,
        *preset.tiny,
        *TINY_RUN,
    }
    calls = [
        call for source in code_cells(path) for call in re.findall(r"\(([^()]*\*\*options[^()]*)\)", source)
    ]
    twice = [call for call in calls if set(re.findall(r"(\w+)=", call)) & settable]
    assert not twice, f"{path.name} names an option settings() may set: {twice}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_outputs_are_a_short_execution(path):
    # Outputs come only from scripts/execute_notebooks.py: every cell in order, no error, a small file.
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert all("id" in cell for cell in notebook["cells"]), "nbformat 4.5 wants an id on every cell"
    cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    if not any(cell["outputs"] for cell in cells):
        return  # committed unexecuted
    assert notebook["metadata"]["keras_gans"]["mode"] == "short"
    assert [cell["execution_count"] for cell in cells] == list(range(1, len(cells) + 1))
    assert not [o for cell in cells for o in cell["outputs"] if o["output_type"] == "error"]
    # Nothing on stderr: TensorFlow's C++ lines or a Keras warning read as errors to a learner.
    stderr = [o for cell in cells for o in cell["outputs"] if o.get("name") == "stderr"]
    assert not stderr, "".join(stderr[0]["text"])[:300] if stderr else ""
    # No progress bar saved: each of its steps would be an output of its own.
    assert not [o for cell in cells for o in cell["outputs"] if "\x08" in "".join(o.get("text", ""))]
    assert path.stat().st_size < 500_000


def test_short_mode_is_each_presets_notebook_run(monkeypatch):
    # What scripts/execute_notebooks.py runs: the notebook's own choices, then its preset's `notebook`.
    from keras_gans import notebook
    from keras_gans.presets import PRESETS

    monkeypatch.setattr(notebook, "MODE", "short")
    monkeypatch.setattr(notebook, "TINY", False)
    monkeypatch.setattr(notebook, "data_path", lambda kind: f"/shared/{kind}")
    for name, preset in PRESETS.items():
        assert preset.notebook.get("epochs"), f"{name}: no short run for its committed notebook"
        options = notebook.settings(name, epochs=1000, seed=3)
        assert {k: options[k] for k in preset.notebook} == preset.notebook
        assert options["seed"] == 3 and options["overwrite"]
        assert options["verbose"] == 2  # a line per epoch, not an output per step, in the saved file
        preset.config(**options)  # every option is the preset's


def test_show_results_shows_a_full_runs_numbers_and_pictures(tmp_path, capsys):
    pytest.importorskip("IPython")
    from keras_gans.notebook import show_results
    from keras_gans.plotting import save_image_grid

    assert show_results("toy", results_dir=tmp_path) is None
    assert "No full run of toy" in capsys.readouterr().out
    (tmp_path / "toy").mkdir()
    for picture in ("best.png", "final.png", "losses.png"):
        save_image_grid(np.zeros((4, 8, 8, 1)), tmp_path / "toy" / picture)
    results = {
        "command": "python scripts/train_toy.py --seed 0",
        "epochs": 3,
        "wall_time_s": 120.0,
        "machine": {"cpu": "Some CPU", "cpu_count": 2, "gpus": []},
        "at_best": {"val_fd": 2.5},
        "last": {"val_fd": 3.0},
        "floor": {"val_fd": 1.0},
    }
    (tmp_path / "toy" / "results.json").write_text(json.dumps(results))
    assert show_results("toy", results_dir=tmp_path) == results
    out = capsys.readouterr().out
    assert "train_toy.py --seed 0\n3 epochs in 2 min on Some CPU\n" in out
    assert "at best: val_fd 2.5" in out and "floor: val_fd 1" in out
    # A resumed run's time is its clock's, over its sessions; the cores it could use; a reference.
    results.update(
        clock={"seconds": 1500.0, "sessions": 3, "since_epoch": 1},
        machine={"cpu": "Some CPU", "cpu_count": 2, "cores_used": 1, "gpus": []},
        references={"blurred_4x": {"val_fd": 9.0}},
    )
    (tmp_path / "toy" / "results.json").write_text(json.dumps(results))
    show_results("toy", results_dir=tmp_path)
    out = capsys.readouterr().out
    assert "3 epochs in 25 min in 3 sessions (epochs 2-3) on Some CPU, 1 of 2 cores" in out
    assert "blurred_4x: val_fd 9" in out
    # One picture shown (the best grid, as a plain console shows it); the others named.
    assert out.count("<IPython.core.display.Image object>") == 1
    assert f"Also in {tmp_path / 'toy'}: final.png, losses.png" in out
    # A picture too large to keep in a saved notebook (a long run's GIF) is named with its size.
    with open(tmp_path / "toy" / "best.png", "ab") as file:
        file.write(bytes(200 * 1024))
    show_results("toy", results_dir=tmp_path)
    out = capsys.readouterr().out
    assert "<IPython.core.display.Image object>" not in out
    assert f"Also in {tmp_path / 'toy'}: best.png (200 KB), final.png, losses.png" in out


def test_show_improved_shows_both_sides_scores_and_grids(tmp_path, capsys):
    pytest.importorskip("IPython")
    from keras_gans.notebook import show_improved
    from keras_gans.plotting import save_image_grid

    assert show_improved("toy", results_dir=tmp_path) is None
    assert "No comparison of the improved training of toy" in capsys.readouterr().out
    (tmp_path / "toy").mkdir()
    for side in ("tutorial", "improved"):
        save_image_grid(np.zeros((4, 8, 8, 1)), tmp_path / "toy" / f"improved_{side}.png")

    def spread(low, high):
        return {"mean": (low + high) / 2, "min": low, "max": high, "n": 2}

    comparison = {
        "floor": {"swd": 8.0},
        "runs": [{"side": side, "seed": s} for side in ("tutorial", "improved", "ema") for s in (0, 1)][:5],
        "summary": {
            "epochs_compared": 12,
            "scores": {
                "swd": {
                    "tutorial": {"last": spread(90.0, 110.0)},
                    "improved": {"last": spread(40.0, 60.0)},
                    "verdict": {"last": "better than every tutorial seed"},
                }
            },
        },
    }
    (tmp_path / "toy" / "improved.json").write_text(json.dumps(comparison))
    assert show_improved("toy", results_dir=tmp_path) == comparison
    out = capsys.readouterr().out
    # The seeds of each side (not the improvements alone), the budget, each score against the floor.
    assert "The tutorial's training (2 seeds) against --improved (2 seeds), 12 epochs each" in out
    line = "swd, last: tutorial 100 (90-110), improved 50 (40-60); real data 8: the improved mean is better"
    assert line in out
    assert out.count("<IPython.core.display.Image object>") == 1  # both grids, side by side


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebooks_end_with_the_full_runs_results(path):
    # Then, where the improved training was compared (issue #29), that comparison.
    improved = (ROOT / "docs" / "results" / path.stem / "improved.json").is_file()
    cells = code_cells(path)
    assert f'show_results("{path.stem}")' in cells[-2 if improved else -1]
    assert (f'show_improved("{path.stem}")' in cells[-1]) == improved


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_executes(path, tmp_path, monkeypatch):
    """Every notebook executes end to end in a tiny setting (KERAS_GANS_TINY=1)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from conftest import SHARED_DATA

    # The kernel inherits these: tiny sizes, the real shared data, and the
    # package importable even without an editable install.
    monkeypatch.setenv("KERAS_GANS_TINY", "1")
    monkeypatch.setenv("KERAS_GANS_SHARED_DATA", str(SHARED_DATA))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
