"""The tools' bad inputs (issue 28): one line on stderr, exit code 2, nothing half-written.

scripts/generate.py, evaluate_mnist.py, score_faces.py, make_results.py, benchmark.py and
pytorch_reference.py, given what a new user gives them: a truncated or empty `.keras` file, an
output in a missing folder or without an image name, a negative seed, a million images, a run
killed in its first epoch, a face folder too small for its held-out set, no PyTorch.
"""

import dataclasses
import json
import os
import subprocess
import sys
import zipfile

import keras
import numpy as np
import pytest
from conftest import ROOT, load_script
from PIL import Image

from keras_gans import benchmark, sampling
from keras_gans.files import FileProblem, check_model_file, check_output_file, check_output_folder


def save_generator(path, size=8, channels=3, latent=8):
    """A tiny untrained generator of `size`x`size` images from latent vectors, saved at `path`."""
    z = keras.Input((latent,))
    pixels = keras.layers.Dense(size * size * channels, activation="tanh")(z)
    keras.Model(z, keras.layers.Reshape((size, size, channels))(pixels)).save(path)
    return str(path)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Saved models, good and bad: a face-like and an MNIST-like generator, a truncated, an empty
    and a damaged copy, a zip that is no model, a model that draws from images."""
    folder = tmp_path_factory.mktemp("models")
    face = save_generator(folder / "face.keras")
    data = open(face, "rb").read()
    (folder / "truncated.keras").write_bytes(data[:5000])  # what a killed save leaves
    (folder / "empty.keras").write_bytes(b"")
    with zipfile.ZipFile(folder / "other.keras", "w") as archive:
        archive.writestr("notes.txt", "not a model")
    image = keras.Input((8, 8, 3))
    keras.Model(image, keras.layers.Dense(1)(keras.layers.Flatten()(image))).save(folder / "critic.keras")
    return {
        "folder": folder,
        "face": face,
        "mnist": save_generator(folder / "mnist.keras", size=28, channels=1),
        "large": save_generator(folder / "large.keras", size=64),
        **{name: str(folder / f"{name}.keras") for name in ("truncated", "empty", "other", "critic")},
    }


def error_line(captured):
    """The one `error:` line a tool printed on stderr (argparse's usage line before it aside)."""
    lines = [line for line in captured.err.strip().splitlines() if "error:" in line]
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def refused(main, argv, capsys):
    """The error line of a command that must stop with exit code 2 (argparse's or its own)."""
    try:
        code = main(argv)
    except SystemExit as exit:
        code = exit.code
    assert code == 2
    return error_line(capsys.readouterr())


# --- Reading saved models ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("truncated", "it is not a whole .keras archive (5000 bytes): truncated by an interrupted save"),
        ("empty", "it is empty (0 bytes), as an interrupted save leaves it"),
        ("other", "a zip archive, but not a saved Keras model (no config.json)"),
        ("folder", "is a folder, not a saved model"),
        ("missing", "no saved model at"),
    ],
)
def test_a_model_file_that_cannot_be_read_is_named_with_the_reason(models, name, message, capsys):
    """Keras says "File not found" of a truncated or empty .keras file that exists."""
    path = {"folder": str(models["folder"]), "missing": str(models["folder"] / "no.keras")}.get(
        name, models.get(name)
    )
    for script in ("generate", "evaluate_mnist"):
        line = refused(load_script(script).main, ["--generator", path], capsys)
        assert message in line and path in line and "File not found" not in line


def test_tools_given_the_wrong_kind_of_generator_say_so(models, capsys):
    for script, expected in (
        ("interpolate_rps", "needs a conditional generator of [noise, label]"),
        ("evaluate_mnist", "not MNIST's (28, 28, 1): pass a generator of an MNIST tutorial"),
    ):
        assert expected in refused(load_script(script).main, ["--generator", str(models["face"])], capsys)


def test_a_damaged_archive_and_a_model_that_is_no_generator_are_named(models, tmp_path, capsys):
    data = bytearray(open(models["face"], "rb").read())
    with zipfile.ZipFile(models["face"]) as archive:
        member = archive.getinfo("model.weights.h5")
    body = member.header_offset + 30 + len(member.filename) + 100
    data[body : body + 64] = bytes(64)  # bytes flipped inside the weights: a bad checksum
    (tmp_path / "damaged.keras").write_bytes(bytes(data))
    with pytest.raises(FileProblem, match="its model.weights.h5 is damaged"):
        check_model_file(tmp_path / "damaged.keras")
    line = refused(load_script("generate").main, ["--generator", models["critic"]], capsys)
    assert "does not draw images from latent vectors: it takes (None, 8, 8, 3) and gives (None, 1)" in line


# --- scripts/generate.py ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--files", "a_file", "argument --files: {path} is a file, not a folder"),
        ("--output", ".", "argument --output: {path} is a folder: name a file in it, e.g. "),
        ("--output", "grid.txt", "argument --output: {path}: the name must end in .png, .jpg"),
        ("--output", "grid", "argument --output: {path}: the name must end in .png"),
        ("--output", "no_folder/grid.png", "the folder of {path}, {folder}, does not exist: make it first"),
        ("--seed", "-1", "argument --seed: must be a whole number from 0 to 4294967295, got -1"),
    ],
)
def test_generate_refuses_where_it_cannot_write_before_drawing(
    models, tmp_path, option, value, message, capsys
):
    (tmp_path / "a_file").write_text("in the way")
    path = value if option == "--seed" else str(tmp_path / value)
    line = refused(load_script("generate").main, ["--generator", models["face"], option, path], capsys)
    assert message.format(path=path, folder=os.path.dirname(path)) in line
    assert not (models["folder"] / "generated.png").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]  # nothing written


def test_generate_refuses_a_grid_too_large_for_memory_and_viewers(models, monkeypatch, capsys):
    """--num 1000000: a grid of 64,000x64,000 pixels is refused before a single image is drawn."""

    def whole(*args, **kwargs):
        raise AssertionError("the million images drawn in one batch")

    monkeypatch.setattr(sampling, "sample", whole)
    line = refused(load_script("generate").main, ["--generator", models["large"], "--num", "1000000"], capsys)
    assert "a grid of 1000000 images of 64x64 would be 4,096,000,000 pixels" in line
    assert "--files FOLDER to write one file per image" in line
    assert not (models["folder"] / "generated.png").exists()


def test_generate_draws_and_writes_files_in_batches_the_same_images(models, tmp_path, monkeypatch, capsys):
    """With --files any number of images: drawn and written a batch at a time, memory bounded."""
    script = load_script("generate")
    monkeypatch.setattr(script, "BATCH", 4)
    sizes, inputs = [], sampling.generator_inputs

    def counted(generator, z, labels=None):
        sizes.append(len(z))
        return inputs(generator, z, labels)

    monkeypatch.setattr(sampling, "generator_inputs", counted)
    out = tmp_path / "made" / "images"  # made, with its parent
    assert (
        script.main(["--generator", models["face"], "--num", "10", "--seed", "3", "--files", str(out)]) == 0
    )
    assert sizes == [4, 4, 2]
    written = sorted(os.listdir(out))
    assert written == [f"generated_{i:04d}.png" for i in range(10)]  # no temporary file left
    # The same images as one batch draws from the same seed.
    generator, _ = sampling.load_generator(models["face"])
    expected = np.clip(np.rint((sampling.sample(generator, 10, 3) + 1) / 2 * 255), 0, 255).astype("uint8")
    np.testing.assert_array_equal(np.stack([np.asarray(Image.open(out / f)) for f in written]), expected)
    assert "Written: 10 images" in capsys.readouterr().out


# --- scripts/evaluate_mnist.py ----------------------------------------------------------------


def test_evaluate_mnist_checks_its_json_and_classifier_before_the_work(models, tmp_path, monkeypatch, capsys):
    """--json into a missing folder failed after printing the results; a truncated classifier
    cache was "File not found"."""
    from keras_gans import metrics
    from keras_gans.metrics import classifier

    def no_work(*args, **kwargs):
        raise AssertionError("the work started")

    script = load_script("evaluate_mnist")
    argv = ["--generator", models["mnist"]]
    monkeypatch.setattr(metrics, "load_mnist_classifier", no_work)
    missing = str(tmp_path / "no_folder" / "scores.json")
    line = refused(script.main, [*argv, "--json", missing], capsys)
    assert f"argument --json: the folder of {missing}" in line and "does not exist" in line
    assert "must end in .json" in refused(script.main, [*argv, "--json", str(tmp_path / "s.txt")], capsys)
    assert "from 0 to 4294967295, got -1" in refused(script.main, [*argv, "--seed", "-1"], capsys)
    (tmp_path / "a_file").write_text("")
    line = refused(script.main, [*argv, "--classifier", str(tmp_path / "a_file" / "c.keras")], capsys)
    assert f"argument --classifier: {tmp_path / 'a_file'} is a file, not a folder" in line
    monkeypatch.undo()
    monkeypatch.setattr(classifier, "train_classifier", no_work)
    line = refused(script.main, [*argv, "--classifier", models["truncated"]], capsys)
    assert f"cannot read {models['truncated']}: it is not a whole .keras archive" in line
    assert "(the mnist classifier's cache: delete it to train it again)" in line
    assert list(tmp_path.iterdir()) == [tmp_path / "a_file"]


# --- scripts/score_faces.py -------------------------------------------------------------------


def test_score_faces_says_a_face_folder_is_too_small_for_its_held_out_faces(models, tmp_path, capsys):
    """2,000 faces or fewer: the held-out set of the floor and the target is empty ("need at least
    one array to stack")."""
    faces = tmp_path / "faces"
    faces.mkdir()
    rng = np.random.default_rng(0)
    for i in range(12):
        Image.fromarray(rng.integers(0, 256, (16, 16, 3), dtype="uint8")).save(faces / f"{i:06d}.jpg")
    script = load_script("score_faces")
    argv = ["--generator", models["face"], "--data-dir", str(faces), "--eval-samples", "10"]
    line = refused(script.main, argv, capsys)
    assert line == (
        f"error: {faces} holds 12 faces: real faces' score (the floor) and the blurred target are scored "
        "on held-out faces, those after the first 2000 that the score compares with (eval_real_images), "
        "and there are none; it needs more than 2000 faces (2010 for all 10 of eval_samples)"
    )
    missing = str(tmp_path / "no_folder" / "scores.json")
    assert "does not exist: make it first" in refused(script.main, [*argv, "--json", missing], capsys)
    assert "got -1" in refused(script.main, [*argv, "--seed", "-1"], capsys)
    line = refused(script.main, ["--generator", models["empty"], "--data-dir", str(faces)], capsys)
    assert "it is empty (0 bytes)" in line


# --- scripts/make_results.py ------------------------------------------------------------------


def killed_in_first_epoch(preset):
    """`preset` whose runs are killed (KeyboardInterrupt) at the first step: no epoch finishes."""

    class Kill(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise KeyboardInterrupt

    original = preset.monitors
    return dataclasses.replace(preset, monitors=lambda *a: [*original(*a), Kill()])


def test_make_results_snapshots_a_run_killed_in_its_first_epoch(points_preset, tmp_path, capsys):
    """--unfinished: FileNotFoundError losses.png, and a half-written in_progress/ left behind."""
    from keras_gans.presets import register
    from keras_gans.runner import train

    runs, out = tmp_path / "runs", tmp_path / "results"
    register(killed_in_first_epoch(points_preset))
    with pytest.raises(KeyboardInterrupt):
        train("points_ring", output_dir=str(runs / "points_ring"), epochs=3, seed=0, verbose=0)
    script = load_script("make_results")
    argv = ["--runs", str(runs), "--out", str(out), "--only", "points_ring", "--unfinished"]
    assert script.main(argv) == 0
    folder = out / "points_ring" / "in_progress"
    assert sorted(p.name for p in (out / "points_ring").iterdir()) == ["in_progress"]  # no temporary left
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "config.json", "progress.json"]
    progress = json.loads((folder / "progress.json").read_text())
    assert progress["epochs_done"] == 0 and progress["epochs"] == 3 and progress["best"] is None
    page = (folder / "README.md").read_text()
    assert "unfinished, 0 of 3 epochs" in page and "No epoch has\nfinished yet" in page
    assert "points_ring: 0 of 3 epochs" in capsys.readouterr().out


def test_make_results_checks_its_readme_and_output_folder_before_the_work(points_preset, tmp_path, capsys):
    """A missing --readme failed after the results were written; --out a file failed halfway."""
    from keras_gans.runner import train

    runs, out = tmp_path / "runs", tmp_path / "results"
    train("points_ring", output_dir=str(runs / "points_ring"), epochs=1, seed=0, verbose=0)
    script = load_script("make_results")
    argv = ["--runs", str(runs), "--only", "points_ring"]
    missing = str(tmp_path / "README.md")
    line = refused(script.main, [*argv, "--out", str(out), "--readme", missing], capsys)
    assert line == (
        f"error: --readme {missing}: no such file (its results table is rebuilt: run from the "
        "repository's root, or pass --readme)"
    )
    (tmp_path / "a_file").write_text("")
    line = refused(script.main, [*argv, "--out", str(tmp_path / "a_file"), "--readme", missing], capsys)
    assert line == f"error: {tmp_path / 'a_file'} is a file, not a folder"
    assert not out.exists()
    (runs / "points_ring" / "run.json").write_text("{oops")  # a finished run's record, damaged
    (tmp_path / "README.md").write_text("<!-- results -->\n<!-- /results -->\n")
    line = refused(script.main, [*argv, "--out", str(out), "--readme", missing], capsys)
    assert line.startswith(f"error: cannot read a run's config from {runs / 'points_ring' / 'run.json'}: ")


# --- scripts/benchmark.py and scripts/pytorch_reference.py ------------------------------------


def fake_measurement(model, config, warmup, steps):
    return {
        "config": config,
        "model": model,
        "batch_size": 8,
        "step_seconds": [0.5] * steps,
        "peak_rss_mib": 100.0,
        "xla": False,
        "onednn": True,
        "precision": "float32",
    }


def test_benchmark_without_steps_measures_each_model_for_its_own_steps(tmp_path, monkeypatch, capsys):
    """The command of docs/speed.md, without --steps, died at its first measurement: `run`'s
    argument `models` hid the module's `models()` ("'list' object is not callable")."""
    calls = []

    def measured(model, config, warmup, steps):
        calls.append((model, config, steps))
        return fake_measurement(model, config, warmup, steps)

    monkeypatch.setattr(benchmark, "measure", measured)
    script = load_script("benchmark")
    result = tmp_path / "benchmark.json"
    argv = ["--models", "dcgan_celeba", "dcgan_mnist", "--configs", "keras_gans", "plain"]
    assert script.main([*argv, "--repeats", "1", "--json", str(result)]) == 0
    steps = benchmark.models()
    assert calls == [
        (m, c, steps[m]) for m in ("dcgan_celeba", "dcgan_mnist") for c in ("keras_gans", "plain")
    ]
    assert len(json.loads(result.read_text())["runs"]) == 4
    assert f"Written: {result}" in capsys.readouterr().out
    # The destination is checked before the first measurement, not after the last.
    calls.clear()
    missing = str(tmp_path / "no_folder" / "b.json")
    assert "does not exist: make it first" in refused(script.main, [*argv, "--json", missing], capsys)
    assert calls == []


@pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("torch") is not None, reason="PyTorch is installed here"
)
def test_the_pytorch_reference_without_pytorch_says_so_in_one_line(tmp_path, capsys):
    """pytorch_reference.py --help was a ModuleNotFoundError; the benchmark's pytorch_eager says it too."""
    script = str(ROOT / "scripts" / "pytorch_reference.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    help_text = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True, env=env)
    assert help_text.returncode == 0 and "needs PyTorch" in help_text.stdout and not help_text.stderr
    run = subprocess.run([sys.executable, script, "dcgan_mnist"], capture_output=True, text=True, env=env)
    assert run.returncode == 2
    assert run.stderr.strip() == (
        "error: pytorch_reference.py needs PyTorch, which keras_gans does not use: pip install torch"
    )
    argv = ["--models", "dcgan_celeba", "dcgan_mnist", "--configs", "keras_gans", "pytorch_eager"]
    line = refused(load_script("benchmark").main, [*argv, "--json", str(tmp_path / "b.json")], capsys)
    assert "pytorch_eager needs PyTorch, which keras_gans does not use: pip install torch" in line


# --- The checks themselves ----------------------------------------------------------------------


def test_output_checks_name_what_is_in_the_way(tmp_path):
    (tmp_path / "a_file").write_text("")
    assert check_output_file(str(tmp_path / "out.png"), (".png",)) == str(tmp_path / "out.png")
    assert check_output_folder(str(tmp_path / "new" / "deeper")) == str(tmp_path / "new" / "deeper")
    with pytest.raises(FileProblem, match="a_file is a file, so the folder .* cannot be made"):
        check_output_folder(str(tmp_path / "a_file" / "deeper"))
    with pytest.raises(FileProblem, match="an empty path"):
        check_output_file("  ")
    with pytest.raises(FileProblem, match="is a file, not a folder"):
        check_output_file(str(tmp_path / "a_file" / "out.png"))
