"""The benchmark's bookkeeping: turns taken, medians, ratios (no timing is asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import load_script
from test_speed_settings import settings_in_fresh_process

from keras_gans import benchmark

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "benchmark.py"


def fake_measurement(model, config, warmup, steps):
    # plain: 1 s per step; keras_gans: 0.5 s, except one step slowed to 10 s.
    seconds = [1.0] * steps if config == "plain" else [0.5] * (steps - 1) + [10.0]
    return {
        "config": config,
        "model": model,
        "batch_size": 8,
        "step_seconds": seconds,
        "peak_rss_mib": 100.0 if config == "plain" else 80.0,
        "xla": False,
        "onednn": config != "plain",
        "precision": "float32",
    }


def test_configurations_take_turns_and_the_median_step_sets_the_rate(monkeypatch):
    monkeypatch.setattr(benchmark, "measure", fake_measurement)
    lines = []
    runs = benchmark.run(["m"], ["plain", "keras_gans"], warmup=1, steps=5, repeats=2, report=lines.append)
    assert [(r["repeat"], r["config"]) for r in runs] == [
        (0, "plain"),
        (0, "keras_gans"),
        (1, "plain"),
        (1, "keras_gans"),
    ]
    assert len(lines) == 4 and "run 2/2" in lines[-1]

    plain, fast = benchmark.summarize(runs)
    assert plain["steps"] == fast["steps"] == 10
    assert plain["images_per_s"] == pytest.approx(8.0)
    # The median ignores the two slowed steps; the mean does not.
    assert fast["images_per_s"] == pytest.approx(16.0)
    assert fast["vs_plain"] == pytest.approx(2.0)
    assert fast["mean_images_per_s"] == pytest.approx(80 / (8 * 0.5 + 2 * 10.0))
    assert fast["run_images_per_s"] == pytest.approx([16.0, 16.0])

    table = benchmark.table([plain, fast])
    assert "| m | 8 | keras_gans | on | off | float32 | 16.0 | 2.00x | 16.0-16.0 | 3.3 | 80 |" in table


def test_without_a_plain_run_the_ratio_is_not_made_up(monkeypatch):
    monkeypatch.setattr(benchmark, "measure", fake_measurement)
    (row,) = benchmark.summarize(benchmark.run(["m"], ["keras_gans"], 1, 3, 1, report=lambda line: None))
    assert row["vs_plain"] is None
    assert "| n/a |" in benchmark.table([row])


def test_the_script_measures_the_pytorch_reference_in_turn(monkeypatch):
    """`--configs ... pytorch_eager[+bf16]` runs scripts/pytorch_reference.py; the others `measure`."""
    script = load_script("benchmark")
    calls = []

    def fake_process(argv, env, label):
        calls.append(argv)
        return fake_measurement("dcgan_mnist", "pytorch_eager", 1, 3)

    monkeypatch.setattr(benchmark, "measure", fake_measurement)
    monkeypatch.setattr(benchmark, "run_process", fake_process)
    configs = ["plain", "pytorch_eager", "pytorch_eager+bf16"]
    runs = benchmark.run(["dcgan_mnist"], configs, 1, 3, 1, lambda line: None, script.measure_or_reference)
    assert [r["config"] for r in runs] == configs
    reference = [sys.executable, script.REFERENCE, "dcgan_mnist", "--warmup", "1", "--steps", "3"]
    assert calls == [reference + ["--precision", "float32"], reference + ["--precision", "bfloat16"]]
    assert Path(script.REFERENCE).is_file()


def test_the_pytorch_reference_is_refused_for_models_it_does_not_port():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--models", "cgan_mnist", "--configs", "pytorch_eager"],
        env={**os.environ, "PYTHONPATH": str(SCRIPT.parents[1])},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "pytorch_eager covers dcgan_celeba and dcgan_mnist only" in result.stderr


@pytest.mark.slow
def test_each_configuration_runs_with_its_kernels_and_precision():
    """Real child processes (the small CGAN, 2 steps): plain keeps TensorFlow's own choice."""
    tensorflow_default = settings_in_fresh_process("import tensorflow")["onednn"]
    results = {
        c: benchmark.measure("cgan_mnist", c, 1, 2) for c in ("plain", "onednn_off", "keras_gans+bf16")
    }
    assert results["plain"]["onednn"] is tensorflow_default
    assert results["plain"]["precision"] == "float32"
    assert results["onednn_off"]["onednn"] is False
    assert results["keras_gans+bf16"]["onednn"] is True
    assert results["keras_gans+bf16"]["precision"] == "mixed_bfloat16"
    assert all(len(r["step_seconds"]) == 2 for r in results.values())


def test_the_benchmark_measures_every_tutorial_of_the_registry():
    from keras_gans.presets import PRESETS

    # Every image tutorial; DGGAN's graph batches are not images.
    assert list(benchmark.models()) == [name for name, preset in PRESETS.items() if preset.kind == "images"]
    # A conditional tutorial's synthetic batches carry its labels; an unconditional one's do not.
    _, batch, elements = benchmark._model_spec("cgan_rps", "auto")
    assert batch == 16 and elements == [("image", (128, 128, 3)), ("label", 3)]
    _, batch, elements = benchmark._model_spec("dcgan_mnist", "auto")
    assert batch == 256 and elements == [("image", (28, 28, 1))]
