"""Every tutorial's script as a user runs it: a subprocess, with scoring, TensorBoard and checkpoints on.

Each run is made tiny the way a user would make it (few images, epochs and steps, small sizes where
the script has the option), and nothing else is changed: `--eval-every` and `--log-every` keep their
defaults, so every epoch is scored and is shorter than `--log-every` (the short epochs whose
TensorBoard once stayed empty). Then the test reads back what a user looks at: TensorBoard's
scalars and sample grids, the per-step and per-epoch losses, the scores in losses.csv, best/ and
run.json.

Each run's per-epoch losses are also compared with those recorded for it in
tests/data/user_path_losses.json: a refactoring changes no training. On the CPU that recorded them
they match bit for bit; another CPU's oneDNN kernels give round-off only, far below what a changed
layer, loss or draw gives (the first step's losses move by percents). CycleGAN compounds it most
(batch 1, four networks, instance normalisation): on an Intel Xeon with AVX-512 its epoch losses
moved by up to 3e-4 and 1.2e-3 from those an AMD EPYC recorded, so it is held to 5e-3. After a
change that is meant to change training, record them again with
    KERAS_GANS_RECORD_LOSSES=1 pytest tests/test_user_path.py -n 0
and say in the commit why they moved.
"""

import csv
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, require_data
from PIL import Image

pytestmark = pytest.mark.slow

RECORDED = ROOT / "tests" / "data" / "user_path_losses.json"
RECORD = os.environ.get("KERAS_GANS_RECORD_LOSSES") == "1"
# Round-off of one CPU's kernels against another's, after four steps: relative 1e-7 to 1e-5;
# CycleGAN's, over its two epochs of batch-1 steps, up to 1.2e-3, and 1.3e-2 on a Zen 4 (AVX-512;
# its second epoch's D_Y_loss, 2026-12-06; its first epoch's within 3.1e-4).
RTOL, ATOL = 1e-4, 1e-6
RTOL_OF = {"cyclegan": 2e-2}

EPOCHS = 2
# What makes each run tiny, as a user passes it; {data}: the tutorial's data, made by `DATA`.
SHORT = f"--epochs {EPOCHS} --steps-per-epoch 2 --seed 0".split()
MNIST = "--mnist-path {data} --max-images 64 --batch-size 8 --eval-samples 100"
FACES = "--data-dir {data} --batch-size 4 --eval-samples 16 --num-images 4"
ARGS = {
    "dcgan_celeba": FACES,
    "dcgan_mnist": MNIST,
    "gan_mnist": MNIST + " --sample-every 1",  # the tutorial plots every 10 epochs
    "cgan_mnist": MNIST,
    "acgan_mnist": MNIST,
    "cgan_rps": "--data-dir {data} --image-size 32 --batch-size 4 --eval-samples 30",
    "cyclegan": "--dataset sneaker2boot --batch-size 1 --eval-samples 16 --num-images 2"
    " --num-residual-blocks 1",
    "stylegan": FACES + " --target-size 8 --max-filters 8 --latent-dim 8 --w-dim 8",
    "dggan": "--data-dir {data} --d-epochs 1 --g-epochs 1 --embedding-dim 8",
}
# The losses each tutorial's epoch logs hold, and its score; the tutorials that draw sample grids.
LOSSES = {"cyclegan": "G_loss", "dggan": "d_loss"}
SCORE = {"dcgan_celeba": "swd", "stylegan": "swd", "cyclegan": "accuracy", "dggan": "auc_0"}
NO_GRID = {"dggan"}  # its picture is its scores
# What else a tutorial's run folder holds: its other losses and scores, its sample files.
COLUMNS = {"cyclegan": {"G_loss", "F_loss", "D_X_loss", "D_Y_loss", "val_accuracy", "val_cycle_mae_x"}}
SAMPLES = {"cyclegan": ["final.png", "monitor_inputs.npz", "translations_000.png", "translations_001.png"]}
# The generators with layers of their own, which `keras.models.load_model` finds once keras_gans is
# imported (the README says so); every other tutorial's generator.keras loads with plain Keras.
NEEDS_KERAS_GANS = {"cyclegan": "ReflectionPadding2D", "stylegan": "PixelNorm"}


def faces(folder):
    """16 random 64x64 'faces': the face scripts read any folder of images."""
    folder.mkdir()
    for i in range(16):
        pixels = np.random.default_rng(i).integers(0, 256, (64, 64, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"face_{i:02d}.png")
    return folder


def hands_standin(folder):
    """The hands' Fashion-MNIST stand-in, 10 images a class, as scripts/make_rps_standin.py writes it."""
    from keras_gans.data.standin import write_fashion_standin

    return write_fashion_standin(require_data("fashion-mnist"), folder, per_class=10, image_size=32)


def mnist(folder):
    return require_data("mnist") / "mnist_content_equivalent.npz"


DATA = {
    "dcgan_celeba": faces,
    "dcgan_mnist": mnist,
    "gan_mnist": mnist,
    "cgan_mnist": mnist,
    "acgan_mnist": mnist,
    "cgan_rps": hands_standin,
    "cyclegan": lambda folder: require_data("fashion-mnist"),
    "stylegan": faces,
    "dggan": lambda folder: require_data("dggan/cora"),
}


@pytest.fixture(scope="module")
def judges(tmp_path_factory):
    """A folder of quickly trained MNIST and Fashion-MNIST classifiers, where the scripts look for them.

    A user's first scored run trains the judge once (a minute); these are trained on fewer images.
    """
    from keras_gans.metrics import load_classifier

    folder = tmp_path_factory.mktemp("judges")
    for dataset, data in (("mnist", "mnist"), ("fashion_mnist", "fashion-mnist")):
        load_classifier(
            dataset, folder / f"{dataset}_classifier.keras", require_data(data), epochs=1, max_examples=2000
        )
    return folder


def run_script(name, tmp_path, judges):
    data = DATA[name](tmp_path / "data")
    args = [arg.replace("{data}", str(data)) for arg in ARGS[name].split()]
    out = tmp_path / "run"
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "KERAS_GANS_CLASSIFIER_DIR": str(judges),
        "KERAS_GANS_CLASSIFIER": "",  # the folder's, not a file a user set
        "KERAS_GANS_FASHION_MNIST": str(require_data("fashion-mnist")),
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / f"train_{name}.py"), *args, *SHORT, "--output-dir", str(out)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result


def load_with_plain_keras(path):
    """`keras.models.load_model(path)` as in an interpreter that never imported keras_gans.

    Keras finds a class that is not its own only in its registry of custom objects, where importing
    keras_gans registers its layers (a saved class from any other package than Keras' own is never
    imported by the loader); so with that registry emptied for the call, this process loads as a
    fresh one would, without the 5 to 10 seconds of a second interpreter's TensorFlow import.
    """
    import keras
    from keras.src.saving import object_registration

    registered = [object_registration.GLOBAL_CUSTOM_OBJECTS, object_registration.GLOBAL_CUSTOM_NAMES]
    kept = [dict(registry) for registry in registered]
    for registry in registered:
        registry.clear()
    try:
        return keras.models.load_model(path)
    finally:
        for registry, entries in zip(registered, kept, strict=True):
            registry.update(entries)


def check_recorded_losses(name, rows):
    """The run's per-epoch losses (losses.csv but its epoch and its scores) are the recorded ones."""
    columns = [key for key in rows[0] if key != "epoch" and not key.startswith("val_")]
    losses = {key: [float(row[key]) for row in rows] for key in columns}
    recorded = json.loads(RECORDED.read_text()) if RECORDED.exists() else {}
    if RECORD:
        RECORDED.write_text(json.dumps({**recorded, name: losses}, indent=1, sort_keys=True) + "\n")
        return
    assert name in recorded, f"no losses recorded for {name}: run with KERAS_GANS_RECORD_LOSSES=1"
    assert sorted(losses) == sorted(recorded[name])
    for key, values in losses.items():
        rtol = RTOL_OF.get(name, RTOL)
        np.testing.assert_allclose(values, recorded[name][key], rtol=rtol, atol=ATOL, err_msg=f"{name} {key}")


def event_values(folder):
    """{(writer, tag): number of values} of every TensorBoard event file under `folder`."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    values = {}
    for writer in sorted(p.name for p in folder.iterdir()):
        events = EventAccumulator(str(folder / writer), size_guidance={"tensors": 0})
        events.Reload()
        for tag in events.Tags()["tensors"]:
            values[writer, tag] = len(events.Tensors(tag))
    return values


@pytest.mark.parametrize("name", ARGS)
def test_the_script_with_its_defaults_writes_what_a_user_looks_at(name, tmp_path, judges):
    out, result = run_script(name, tmp_path, judges)
    loss, judged = LOSSES.get(name, "d_loss"), SCORE.get(name, "fd")
    score = f"val_{judged}"  # losses.csv's column; TensorBoard's validation writer drops the "val_"

    # TensorBoard: each epoch's losses and scores, and its sample grid, though epochs are 2 steps long.
    values = event_values(out / "logs")
    assert values.get(("train", f"epoch_{loss}")) == EPOCHS, values
    assert values.get(("validation", f"epoch_{judged}")) == EPOCHS, values
    if name not in NO_GRID:
        assert values.get(("samples", "samples"), 0) >= 1, values

    # losses.csv: a row per epoch, every one scored (--eval-every 1); losses_steps.csv: each epoch's steps.
    with open(out / "losses.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [int(row["epoch"]) for row in rows] == list(range(EPOCHS))
    assert all(np.isfinite(float(row[score])) and np.isfinite(float(row[loss])) for row in rows), rows
    assert COLUMNS.get(name, set()) <= set(rows[0]), rows[0]
    check_recorded_losses(name, rows)
    if name in SAMPLES:
        assert sorted(p.name for p in (out / "samples").iterdir()) == SAMPLES[name]
    with open(out / "losses_steps.csv", newline="") as file:
        steps = list(csv.DictReader(file))
    assert [float(row["epoch"]) for row in steps] == [1.0, 2.0]  # each epoch's last (only) window

    # best/: the best epoch's model and its score, as losses.csv has it; run.json: the options in force.
    from keras_gans.presets import get_preset

    key, direction, *require = get_preset(name).best
    kept_by = f"val_{key}"
    record = json.loads((out / "run.json").read_text())
    bars = require[0] if require else {}
    passing = [row for row in rows if all(float(row[f"val_{k}"]) >= v for k, v in bars.items())]
    if (out / "best" / "best.json").exists():
        best = json.loads((out / "best" / "best.json").read_text())
        assert float(rows[best["epoch"] - 1][kept_by]) == pytest.approx(best[kept_by])
        better = min if direction == "min" else max
        assert best[kept_by] == pytest.approx(better(float(row[kept_by]) for row in passing))
        assert any(path.suffix == ".keras" for path in (out / "best").iterdir())
        assert record["best"] == best
    else:  # a best that must pass a bar (CycleGAN's: translations that read as the other domain)
        assert require and record["best"] is None and not passing
    assert record["tutorial"] == name and record["config"]["epochs"] == EPOCHS
    assert record["config"]["eval_every"] == 1 and record["config"]["log_every"] == 50
    assert record["resumed"] is False
    assert record["machine"]["onednn_system_allocator"] is True  # the memory of docs/speed.md's table
    assert not (out / "backup").exists()  # the finished run's checkpoint is removed

    # The saved generator as plain Keras loads it, without keras_gans, as the README says.
    if name in NEEDS_KERAS_GANS:
        with pytest.raises(TypeError, match=f"Could not locate class '{NEEDS_KERAS_GANS[name]}'"):
            load_with_plain_keras(out / "generator.keras")
    else:
        assert load_with_plain_keras(out / "generator.keras").count_params() > 0
    assert "Traceback" not in result.stderr
    shutil.rmtree(out)  # the runs' models are large next to the rest of the test folders
