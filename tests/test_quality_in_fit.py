"""Quality measured while training: scores in fit, the best generator kept, TensorBoard, step losses."""

import csv
import dataclasses
import json
import os

import keras
import numpy as np
import pytest
from conftest import load_script
from PIL import Image
from toy_gan import POINTS, ring_quality

from keras_gans.presets import PRESETS, get_preset, register
from keras_gans.runner import train


def rows(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def scored_points():
    """The toy GAN with a quality score, registered for one test."""
    preset = register(dataclasses.replace(POINTS, quality=ring_quality, best=("radius_error", "min")))
    yield preset
    del PRESETS[preset.name]


def scripted(values):
    """A quality function whose scores are `values`, one per evaluation, whatever the generator."""
    calls = iter(values)
    return lambda config, data: lambda generator: {"radius_error": next(calls)}


def stopping_after(epochs, preset):
    """`preset` whose runs raise KeyboardInterrupt after `epochs` epochs: a kill, at a known point."""

    class StopAfter(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == epochs:
                raise KeyboardInterrupt

    original = preset.monitors
    return dataclasses.replace(preset, monitors=lambda *a: [*original(*a), StopAfter()])


def test_scores_go_into_the_logs_the_curves_and_run_json(scored_points, tmp_path):
    out = tmp_path / "run"
    train("points_ring", output_dir=str(out), epochs=3, seed=0, verbose=0, log_every=2)
    logged = [float(r["val_radius_error"]) for r in rows(out / "losses.csv")]
    assert len(logged) == 3 and all(np.isfinite(logged))
    # The best epoch's generator is kept, with its epoch and score, and run.json says which.
    best = json.loads((out / "best" / "best.json").read_text())
    assert best == {"epoch": int(np.argmin(logged)) + 1, "val_radius_error": min(logged)}
    assert json.loads((out / "run.json").read_text())["best"] == best
    kept = keras.models.load_model(out / "best" / "generator.keras")
    assert ring_quality(scored_points.config(), None)(kept)["radius_error"] == pytest.approx(min(logged))
    assert (out / "quality.png").exists() and (out / "losses.png").exists()


def test_the_best_generator_is_the_better_of_the_epochs_and_survives_resume(scored_points, tmp_path):
    out = tmp_path / "run"
    register(stopping_after(3, dataclasses.replace(scored_points, quality=scripted([3.0, 1.0, 2.0]))))
    with pytest.raises(KeyboardInterrupt):
        train("points_ring", output_dir=str(out), epochs=5, seed=0, verbose=0)
    best_file = out / "best" / "generator.keras"
    assert json.loads((out / "best" / "best.json").read_text()) == {"epoch": 2, "val_radius_error": 1.0}
    saved = best_file.stat().st_mtime_ns
    # Resumed: the later epochs score worse than epoch 2, so its generator stays the best.
    register(dataclasses.replace(scored_points, quality=scripted([2.5, 4.0])))
    train("points_ring", output_dir=str(out), epochs=5, seed=0, verbose=0)
    record = json.loads((out / "run.json").read_text())
    assert record["best"] == {"epoch": 2, "val_radius_error": 1.0}
    assert best_file.stat().st_mtime_ns == saved
    # Its time is the two sessions' epochs, this one's alone is wall_time_s; the cores it could use.
    assert record["clock"]["sessions"] == 2 and record["clock"]["since_epoch"] == 0
    assert record["clock"]["seconds"] > 0 and 1 <= record["machine"]["cores_used"] <= os.cpu_count()
    assert [r["val_radius_error"] for r in rows(out / "losses.csv")] == ["3.0", "1.0", "2.0", "2.5", "4.0"]


def test_a_best_with_minimums_skips_the_epochs_below_them(scored_points, tmp_path):
    # CycleGAN's kind of best: the lowest error among the epochs whose accuracy reaches 0.8.
    scores = iter([(1.0, 0.5), (3.0, 0.9), (2.0, 0.95), (1.5, float("nan")), (2.5, 0.8)])

    def quality(config, data):
        return lambda generator: dict(zip(("radius_error", "accuracy"), next(scores), strict=True))

    register(
        dataclasses.replace(scored_points, quality=quality, best=("radius_error", "min", {"accuracy": 0.8}))
    )
    out = tmp_path / "run"
    train("points_ring", output_dir=str(out), epochs=5, seed=0, verbose=0)
    # Epoch 1 has the lowest error but translates too little, epoch 4's accuracy is NaN: epoch 3.
    assert json.loads((out / "best" / "best.json").read_text()) == {"epoch": 3, "val_radius_error": 2.0}


def test_step_losses_are_the_means_of_each_window_of_steps(points_preset, tmp_path):
    out = tmp_path / "run"
    running = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            running.append((batch + 1, float(logs["d_loss"])))

    original = POINTS.monitors
    register(dataclasses.replace(POINTS, monitors=lambda *a: [*original(*a), Record()]))
    train("points_ring", output_dir=str(out), epochs=1, seed=0, verbose=0, log_every=3, max_images=256)
    # 256 points in batches of 32: 8 steps, windows of steps 1-3 and 4-6, and the epoch's last two.
    steps = rows(out / "losses_steps.csv")
    assert [float(r["epoch"]) for r in steps] == [pytest.approx(3 / 8), pytest.approx(6 / 8), 1.0]
    means = dict(running)  # running mean of the epoch after k steps
    losses = {k: k * means[k] - (k - 1) * means.get(k - 1, 0.0) for k in means}  # each step's own loss
    for row, window in zip(steps, ((1, 2, 3), (4, 5, 6), (7, 8)), strict=True):
        assert float(row["d_loss"]) == pytest.approx(np.mean([losses[k] for k in window]), rel=1e-4)


def event_tags(folder):
    """{tag: number of values} of the TensorBoard event files under `folder`."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    tags = {}
    for root, _, files in os.walk(folder):
        if any(name.startswith("events.") for name in files):
            events = EventAccumulator(root, size_guidance={"tensors": 0, "images": 0})
            events.Reload()
            for tag in events.Tags()["tensors"]:
                tags[tag] = len(events.Tensors(tag))
    return tags


def test_tensorboard_holds_the_scalars_and_the_sample_grid(tmp_path):
    faces = tmp_path / "faces"
    faces.mkdir()
    for i in range(8):
        Image.fromarray(np.random.default_rng(i).integers(0, 256, (20, 20, 3), dtype=np.uint8)).save(
            faces / f"{i}.png"
        )
    face = get_preset("dcgan_celeba")
    out = tmp_path / "run"
    train(
        "dcgan_celeba",
        **face.tiny,
        data_dir=str(faces),
        output_dir=str(out),
        epochs=2,
        batch_size=4,
        num_images=4,
        log_every=3,
        verbose=0,
    )
    # Epochs of 2 steps, shorter than log_every: each epoch's scalars and grid are there all the same.
    tags = event_tags(out / "logs")
    assert tags["epoch_d_loss"] == 2 and tags["epoch_g_loss"] == 2
    assert tags["batch_d_loss"] == 1  # steps 3 (and not 1, 2, 4), every log_every
    assert tags["samples"] == 2  # the grid, each epoch


# --- Generate from any saved generator ----------------------------------------------


def generate(capsys, *args):
    """scripts/generate.py's `main` on `args`, in this process: the code a user's command runs, without
    a new interpreter's TensorFlow import (5 s each on a slow CPU): (exit code, its stderr)."""
    code = load_script("generate").main(list(args))
    return code, capsys.readouterr().err


@pytest.mark.slow
def test_generate_draws_the_class_asked_for_by_its_saved_name(mnist_dir, tmp_path, capsys):
    out = tmp_path / "run"
    cgan = get_preset("cgan_mnist")
    train(
        "cgan_mnist",
        **cgan.tiny,
        mnist_path=str(mnist_dir),
        output_dir=str(out),
        epochs=1,
        steps_per_epoch=2,
        max_images=128,
        seed=0,
        verbose=0,
    )
    generator = str(out / "generator.keras")
    code, errors = generate(capsys, "--generator", generator, "--class", "7", "--num", "5", "--seed", "1")
    assert code == 0, errors[-2000:]
    with Image.open(out / "generated.png") as grid:
        assert grid.size == (5 * 28, 28)
    assert (
        generate(capsys, "--generator", generator, "--num", "3", "--output", str(tmp_path / "all.png"))[0]
        == 0
    )
    with Image.open(tmp_path / "all.png") as grid:
        assert grid.size == (3 * 28, 10 * 28)  # one row per class
    # Same seed, same images.
    for name in ("a", "b"):
        argv = ["--generator", generator, "--class", "3", "--seed", "4", "--files", str(tmp_path / name)]
        assert generate(capsys, *argv)[0] == 0
    a, b = (np.asarray(Image.open(tmp_path / n / "generated_0000.png")) for n in ("a", "b"))
    np.testing.assert_array_equal(a, b)
    code, errors = generate(capsys, "--generator", generator, "--class", "seven")
    assert code == 2 and "no class 'seven': the generator's classes are 0, 1, 2" in errors


def test_generate_refuses_a_class_for_an_unconditional_generator(tmp_path, capsys):
    face = get_preset("dcgan_celeba")
    path = tmp_path / "generator.keras"
    face.build_gan(**face.tiny).generator.save(path)
    code, errors = generate(capsys, "--generator", str(path), "--class", "smile")
    assert code == 2 and "draws no classes: --class needs a conditional generator" in errors
    assert generate(capsys, "--generator", str(path), "--num", "4")[0] == 0
    assert (tmp_path / "generated.png").exists()


def test_make_results_builds_the_results_and_the_readme_table_from_finished_runs(scored_points, tmp_path):
    runs, out, readme = tmp_path / "runs", tmp_path / "results", tmp_path / "README.md"
    # A reference beside the (absent) floor, as the faces' "blurred_4x".
    register(dataclasses.replace(scored_points, references=lambda *a: {"halfway": {"radius_error": 0.5}}))
    train("points_ring", output_dir=str(runs / "points_ring"), epochs=3, seed=0, verbose=0)
    readme.write_text("# title\n<!-- results -->\nold table\n<!-- /results -->\nthe rest\n")
    script = load_script("make_results")
    argv = ["--runs", str(runs), "--out", str(out), "--readme", str(readme), "--only", "points_ring"]
    assert script.main(argv) == 0
    results = json.loads((out / "points_ring" / "results.json").read_text())
    logged = [float(r["val_radius_error"]) for r in rows(runs / "points_ring" / "losses.csv")]
    assert results["best"]["val_radius_error"] == min(logged) == results["at_best"]["val_radius_error"]
    assert (
        results["epochs"] == 3
        and results["command"] == "python scripts/train_points_ring.py --epochs 3 --seed 0"
    )
    assert results["references"] == {"halfway": {"val_radius_error": 0.5}}
    assert (out / "points_ring" / "quality.png").exists() and (out / "points_ring" / "run.json").exists()
    text = readme.read_text()
    assert "old table" not in text and text.endswith("<!-- /results -->\nthe rest\n")
    # One row: the scores at the best epoch (no floor here), the epochs, the time of the run's one
    # session (its checkpoints' clock), the machine with the cores the run could use.
    clock = results["clock"]
    assert clock["sessions"] == 1 and 0 < clock["seconds"] <= results["wall_time_s"]
    cores = f"{results['machine']['cores_used']} of {results['machine']['cpu_count']} cores"
    row = (
        f"| [points_ring](docs/results/points_ring/) | radius_error {min(logged):.4g} (-; halfway 0.5) "
        f"| {results['best']['epoch']} of 3 | {clock['seconds'] / 60:.0f} min | "
    )
    assert row in text and f"{cores}, float32 |" in text
    assert script.main(["--runs", str(tmp_path / "none"), "--readme", str(readme)]) == 2


def test_make_results_pictures_training_by_the_grids_of_five_epochs(tmp_path):
    from PIL import Image

    script = load_script("make_results")
    samples, out = tmp_path / "samples", tmp_path / "out"
    samples.mkdir(), out.mkdir()
    for epoch in range(10):  # as monitors name them: by the epoch from 0; the MNIST tutorial's grey
        mode, name = (
            ("L", f"image_at_epoch_{epoch:04d}.png") if epoch % 2 else ("RGB", f"grid_{epoch:03d}.png")
        )
        Image.new(mode, (8, 8), 25 * epoch).save(samples / name)
    Image.new("RGB", (8, 8)).save(samples / "generated_img_009_0.png")  # one image, not a grid
    grids = script.epoch_grids(str(samples))
    assert [epoch for epoch, _ in grids] == list(range(1, 11))
    assert [epoch for epoch, _ in script.spread(grids, 5)] == [1, 3, 5, 8, 10]
    assert script.spread(grids[:3], 5) == grids[:3] and script.spread([], 5) == []
    assert script.last_grid(str(samples)) == str(samples / "image_at_epoch_0009.png")
    Image.new("RGB", (8, 8)).save(samples / "final.png")  # the grid a monitor writes when training ends
    assert script.last_grid(str(samples)) == str(samples / "final.png")
    assert script.progress_grids(str(samples), str(out)) == str(out / "progress.png")
    width, height = Image.open(out / "progress.png").size
    assert width > 4 * height  # one row of five
    assert script.progress_grids(str(tmp_path / "no_samples"), str(out / "none")) is None
    classic = tmp_path / "classic"  # the classic GAN's plots, named by the epoch from 1
    classic.mkdir()
    for epoch in (10, 20):
        Image.new("L", (8, 8)).save(classic / f"generated_plot_e{epoch:03d}.png")
    assert [epoch for epoch, _ in script.epoch_grids(str(classic))] == [10, 20]
    # The README's gallery: each best grid, else the final one, at one height, 8 white pixels apart.
    for name, mode, size, colour in (("wide", "L", (8, 4), 0), ("square", "RGB", (4, 4), (0, 0, 0))):
        (out / name).mkdir()
        Image.new(mode, size, colour).save(out / name / "final.png")
    Image.new("RGB", (4, 4), (0, 0, 255)).save(out / "square" / "best.png")
    gallery = np.asarray(Image.open(script.gallery([{"tutorial": "wide"}, {"tutorial": "square"}], str(out))))
    assert gallery.shape == (180, 360 + 8 + 180, 3)
    assert gallery[:, :360].max() == 0 and gallery[:, 360:368].min() == 255
    assert (gallery[:, 368:] == (0, 0, 255)).all()  # the best epoch's grid, not the final one


def test_make_results_snapshots_an_unfinished_run_and_the_finished_run_removes_it(scored_points, tmp_path):
    runs, out, readme = tmp_path / "runs", tmp_path / "results", tmp_path / "README.md"
    run = runs / "points_ring"
    register(stopping_after(2, scored_points))
    with pytest.raises(KeyboardInterrupt):
        train("points_ring", output_dir=str(run), epochs=4, seed=3, verbose=0)
    readme.write_text("<!-- results -->\n<!-- /results -->\n")
    script = load_script("make_results")
    argv = ["--runs", str(runs), "--out", str(out), "--readme", str(readme)]
    assert script.main([*argv, "--unfinished"]) == 0
    folder = out / "points_ring" / "in_progress"
    progress = json.loads((folder / "progress.json").read_text())
    logged = [float(r["val_radius_error"]) for r in rows(run / "losses.csv")]
    assert progress["epochs_done"] == 2 and progress["epochs"] == 4
    assert progress["best"] == {"epoch": int(np.argmin(logged)) + 1, "val_radius_error": min(logged)}
    assert progress["clock"]["sessions"] == 1 and progress["clock"]["seconds"] > 0
    assert progress["resume"] == f"python scripts/train_points_ring.py --epochs 4 --seed 3 --output-dir {run}"
    page = (folder / "README.md").read_text()
    assert "unfinished, 2 of 4 epochs" in page and progress["resume"] in page
    assert f"radius_error {min(logged):.4g} (-)" in page
    assert {"losses.csv", "losses.png", "quality.png", "best.json", "config.json"} <= {
        p.name for p in folder.iterdir()
    }
    assert readme.read_text() == "<!-- results -->\n<!-- /results -->\n"  # the table is for finished runs
    # Resumed to its end: the finished run's results replace the snapshot.
    register(scored_points)
    train("points_ring", output_dir=str(run), epochs=4, seed=3, verbose=0)
    assert script.main([*argv, "--unfinished"]) == 2  # nothing unfinished left
    assert script.main(argv) == 0
    assert (out / "points_ring" / "results.json").exists() and not folder.exists()
