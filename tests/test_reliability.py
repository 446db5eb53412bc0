"""A run never loses finished work, and bad input gets one clear line.

Faults are made for real where a unit test cannot reach: a training process
killed while it writes a checkpoint, a Ctrl-C, a disk that fills up (a
small tmpfs). The toy GAN of tests/toy_gan.py trains in a fraction of a
second an epoch, so each case runs the real runner and command line.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import keras
import numpy as np
import pytest

from keras_gans.cli import main as cli_main

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def toy_command(args, before=""):
    """A python command that runs the toy GAN's command line with `args`, after the code `before`."""
    code = "\n".join(
        [
            f"import sys; sys.path.insert(0, {str(TESTS)!r}); import keras, toy_gan",
            "from keras_gans.presets import register; register(toy_gan.POINTS)",
            before,
            f"from keras_gans.cli import main; sys.exit(main('points_ring', {args!r}))",
        ]
    )
    return [sys.executable, "-c", code]


ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}


def run_toy(args, capsys):
    """Runs the toy GAN's command line to its end in this process (the one a killed `toy_process`
    leaves behind is a real one): its exit code and what it printed."""
    code = cli_main("points_ring", args)
    printed = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=printed.out, stderr=printed.err)


def toy_process(args, before=""):
    """Starts the toy GAN's command line in a new process, to be killed.

    Ctrl+C acts as in a terminal, wherever pytest runs: a shell starts a background job (`make test &`,
    a CI runner's) with SIGINT ignored, a child inherits that, and Python then installs no
    KeyboardInterrupt handler (the interrupted run went on to its end).
    """
    return subprocess.Popen(
        toy_command(args, before),
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_for_line(process, marker, timeout=120):
    """Reads the process's output until a line holding `marker`."""
    for line in process.stdout:
        if marker in line:
            return line
    raise AssertionError(f"{marker!r} never printed; stderr: {process.stderr.read()[-2000:]}")


def record(folder):
    return json.loads((folder / "run.json").read_text())


# A run killed while it writes the checkpoint of epoch 2: the file is cut to half its
# size, then the process waits to be killed, between the write and the rename.
KILLED_MID_WRITE = """
import os, time
save = keras.Model.save_weights
def cut_short(self, path, *args, **kwargs):
    save(self, path, *args, **kwargs)
    if "epoch_0002" in str(path):
        os.truncate(path, os.path.getsize(path) // 2)
        print("WRITING", flush=True)
        time.sleep(600)
keras.Model.save_weights = cut_short
"""


@pytest.mark.slow
def test_a_run_killed_while_writing_a_checkpoint_resumes_from_the_last_good_one(
    tmp_path, points_preset, capsys
):
    out = tmp_path / "run"
    args = ["--output-dir", str(out), "--epochs", "4", "--seed", "0"]
    process = toy_process(args, KILLED_MID_WRITE)
    wait_for_line(process, "WRITING")
    process.send_signal(signal.SIGKILL)
    process.wait()
    backup = out / "backup"
    assert sorted(p.name for p in backup.iterdir()) == ["config.json", "epoch_0001", "epoch_0002.tmp"]

    # The rerun takes epoch 1's checkpoint, not the cut-off one, and finishes the run.
    result = run_toy(args, capsys)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Resuming after epoch 1" in result.stdout
    assert [row.split(",")[0] for row in (out / "losses.csv").read_text().splitlines()] == [
        "epoch",
        "0",
        "1",
        "2",
        "3",
    ]
    assert record(out)["config"]["epochs"] == 4 and not backup.exists()


@pytest.mark.slow
def test_ctrl_c_ends_with_one_line_and_the_rerun_resumes(tmp_path, points_preset, capsys):
    out = tmp_path / "run"
    args = ["--output-dir", str(out), "--epochs", "30", "--seed", "0"]
    slow = "import time; from keras_gans import training\n" + (
        "training.LossPlot.on_epoch_end = lambda self, epoch, logs=None: (print('EPOCH', epoch, flush=True), "
        "time.sleep(0.3))"
    )
    process = toy_process(args, slow)
    wait_for_line(process, "EPOCH 2")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert (
        stderr.strip().splitlines()[-1]
        == "Interrupted. Re-run the same command to resume from the last finished epoch."
    )
    result = run_toy(args, capsys)
    assert result.returncode == 0 and "Resuming after epoch" in result.stdout


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs: a disk that fills up (needs root, as CI and these machines have)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    # Lazily: a file the failed run left open must not fail the test's clean-up.
    subprocess.run(["umount", "--lazy", str(mount)], check=True)


def fill(disk):
    """Fills `disk` to the last byte; returns the filler file."""
    filler = disk / "filler"
    with open(filler, "wb") as file:
        try:
            while True:
                file.write(b"\0" * 4096)
                file.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_stops_the_run_with_one_line_and_keeps_the_last_checkpoint(
    small_disk, points_preset, capsys
):
    out = small_disk / "run"
    assert (
        cli_main("points_ring", ["--output-dir", str(out), "--epochs", "1", "--seed", "0", "--overwrite"])
        == 0
    )
    # A finished run of one epoch; train on in a new run, filling the disk after its first epoch.
    args = ["--output-dir", str(out / "more"), "--epochs", "3", "--seed", "0"]

    class FillAfterFirstEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                fill(small_disk)

    from toy_gan import POINTS

    original = POINTS.monitors
    object.__setattr__(POINTS, "monitors", lambda *a: [*original(*a), FillAfterFirstEpoch()])
    try:
        assert cli_main("points_ring", args) == 1
    finally:
        object.__setattr__(POINTS, "monitors", original)
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("error: training stopped: could not write")
    assert "No space left on device" in error[0] and "checkpoint" in error[0]
    backup = out / "more" / "backup"
    assert sorted(p.name for p in backup.iterdir()) == ["config.json", "epoch_0001"]
    assert not (out / "more" / "run.json").exists() and (out / "run.json").exists()
    # Space freed, the same command resumes after epoch 1 and finishes.
    (small_disk / "filler").unlink()
    assert cli_main("points_ring", args) == 0
    assert "Resuming after epoch 1" in capsys.readouterr().out
    assert record(out / "more")["config"]["epochs"] == 3


def test_non_finite_losses_stop_the_run_and_keep_the_last_good_state(tmp_path, points_preset, capsys):
    out = tmp_path / "run"
    assert cli_main("points_ring", ["--output-dir", str(out), "--epochs", "1", "--seed", "0"]) == 0
    run = ["--output-dir", str(tmp_path / "nan"), "--epochs", "3", "--seed", "0", "--learning-rate", "1e30"]
    assert cli_main("points_ring", run) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "training stopped: non-finite loss at epoch" in error[0]
    assert "lower --learning-rate" in error[0]
    nan_run = tmp_path / "nan"
    assert not (nan_run / "run.json").exists() and not (nan_run / "generator.keras").exists()
    # Resuming with a lower learning rate is accepted, said, and applied to both optimizers.
    assert cli_main("points_ring", run[:-1] + ["1e-3"]) == 0
    assert "Resuming with learning_rate 0.001 (was 1e+30)" in capsys.readouterr().out
    gan = keras.models.load_model(nan_run / "gan.keras")
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert np.isfinite(keras.ops.convert_to_numpy(gan.generator(np.ones((2, 4), "float32")))).all()


def test_overwrite_checks_everything_before_deleting(tmp_path, points_preset, capsys):
    out = tmp_path / "run"
    assert cli_main("points_ring", ["--output-dir", str(out), "--seed", "0"]) == 0
    before = sorted(p.name for p in out.iterdir())
    # A mistyped data folder with --overwrite: refused, the finished run untouched.
    assert cli_main("points_ring", ["--output-dir", str(out), "--overwrite", "--data-dir", "nowhere"]) == 2
    assert "error: Image folder not found: nowhere" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == before and (out / "run.json").exists()
    # A folder with files keras_gans did not write is never emptied.
    (out / "notes.txt").write_text("mine")
    assert cli_main("points_ring", ["--output-dir", str(out), "--overwrite"]) == 2
    assert "did not write (notes.txt)" in capsys.readouterr().err
    (out / "notes.txt").unlink()
    (out / ".generator.tmp.keras").write_text("cut short")  # what a kill during the final save leaves
    assert cli_main("points_ring", ["--output-dir", str(out), "--overwrite", "--seed", "1"]) == 0
    assert not (out / ".generator.tmp.keras").exists()
    assert record(out)["config"]["seed"] == 1


def test_a_run_killed_in_its_first_epoch_starts_again_and_resume_checks_the_options(
    tmp_path, points_preset, capsys
):
    out = tmp_path / "run"
    args = ["--output-dir", str(out), "--epochs", "2", "--seed", "0"]
    # What a kill in the first epoch leaves: the run's recorded options, no checkpoint yet.
    from toy_gan import POINTS

    from keras_gans.training import start_run_dir

    config = {**POINTS.config(output_dir=str(out), epochs=2, seed=0), "verbose": "auto"}
    start_run_dir(str(out), "new", config)
    # Another batch size would change the run: refused, naming it and the ways out.
    assert cli_main("points_ring", [*args, "--batch-size", "64"]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (
        f"error: {out} is an unfinished run with --batch-size 32; this command asks for 64. Re-run it "
        "with the same options to resume, pass --overwrite to start again, or choose another --output-dir."
    )
    # More epochs are harmless: accepted and recorded.
    assert cli_main("points_ring", [*args[:-4], "--epochs", "3", "--seed", "0"]) == 0
    output = capsys.readouterr().out
    assert "Resuming with epochs 3 (was 2)" in output and "was finished: starting from the first" in output
    assert record(out)["config"]["epochs"] == 3


def test_bad_values_and_folders_get_one_line(tmp_path, points_preset, capsys):
    with pytest.raises(SystemExit):
        cli_main("points_ring", ["--learning-rate", "inf"])
    assert "must be a finite number greater than 0, got inf" in capsys.readouterr().err
    (tmp_path / "a_file").write_text("")
    assert cli_main("points_ring", ["--output-dir", str(tmp_path / "a_file" / "run")]) == 2
    assert capsys.readouterr().err.startswith("error: cannot write in --output-dir")


# --- Bad data: one line, or a conversion that says so --------------------------


def test_links_are_followed_into_each_real_folder_once(tmp_path):
    from PIL import Image

    from keras_gans.data.images import scan_image_folder

    faces = tmp_path / "faces"
    (faces / "more").mkdir(parents=True)
    for path in (faces / "a.png", faces / "more" / "b.png"):
        Image.new("RGB", (8, 8)).save(path)
    (faces / "loop").symlink_to(faces)  # a link to itself...
    (faces / "more" / "up").symlink_to(faces)  # ...and one from below: two loops
    (tmp_path / "elsewhere").mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "elsewhere" / "c.png")
    (faces / "linked").symlink_to(tmp_path / "elsewhere")  # a real folder outside: followed once
    report = scan_image_folder(faces)
    assert sorted(Path(f).name for f in report.files) == ["a.png", "b.png", "c.png"]


def write_npz(path, x_train, y_train):
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_train[:2], y_test=y_train[:2])
    return path


def test_mnist_arrays_of_the_wrong_type_or_labels_are_converted_or_refused(tmp_path, capsys):
    from keras_gans.data.images import DataError
    from keras_gans.data.mnist import load_mnist

    pixels = np.random.default_rng(0).integers(0, 256, (4, 28, 28)).astype("uint8")
    labels = np.array([0, 3, 9, 5])
    # Floats in [0, 1] (a common export) are scaled back to MNIST's bytes, with a line saying so.
    (x, y), _ = load_mnist(write_npz(tmp_path / "floats.npz", pixels / 255.0, labels))
    assert x.dtype == np.uint8 and np.array_equal(x, pixels) and np.array_equal(y, labels)
    assert "converted to uint8 pixels in [0, 255]" in capsys.readouterr().out
    with pytest.raises(DataError, match="range from 20 to 29: MNIST's classes are 0-9"):
        load_mnist(write_npz(tmp_path / "labels.npz", pixels, labels + 20))
    with pytest.raises(DataError, match="must be whole class numbers 0-9"):
        load_mnist(write_npz(tmp_path / "halves.npz", pixels, labels + 0.5))
    with pytest.raises(DataError, match=r"range from -1 to 1: expected pixels in \[0, 255\]"):
        load_mnist(write_npz(tmp_path / "tanh.npz", pixels / 127.5 - 1, labels))


def test_a_cut_or_wrong_idx_file_is_one_line(tmp_path, mnist_dir):
    import shutil

    from keras_gans.data.images import DataError
    from keras_gans.data.mnist import load_mnist

    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(mnist_dir / name, tmp_path / name)
    data = (mnist_dir / "t10k-images-idx3-ubyte.gz").read_bytes()
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(data[: len(data) // 2])  # a cut download
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz cannot be read"):
        load_mnist(tmp_path)
    import gzip

    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"not an idx file at all"))
    with pytest.raises(DataError, match="is not an IDX file of unsigned bytes"):
        load_mnist(tmp_path)


def test_files_tensorflow_cannot_decode_are_named_and_a_folder_of_only_those_is_one_line(tmp_path):
    from PIL import Image

    from keras_gans.data.images import DataError, image_folder_dataset

    folder = tmp_path / "faces"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(3):
        Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(folder / f"good_{i}.jpg")
    data = (folder / "good_0.jpg").read_bytes()
    (folder / "cut.jpg").write_bytes(data[: len(data) // 2])  # a JPEG cut short: its header reads fine
    Image.new("RGB", (16, 16)).save(folder / "tiff.png", format="TIFF")  # Pillow reads it, TensorFlow not
    with pytest.warns(UserWarning) as caught:
        dataset, report = image_folder_dataset(folder, image_size=8, batch_size=2, seed=0)
    assert len(report.files) == 5  # the header check passed them all
    skipped = sorted(str(w.message).split(":")[0] for w in caught if "cannot decode" in str(w.message))
    assert skipped == [f"skipped {folder / 'cut.jpg'}", f"skipped {folder / 'tiff.png'}"]
    images = np.concatenate([batch.numpy() for batch in dataset])
    assert len(images) == 6  # three batches of the three good faces, streamed
    assert np.isfinite(images).all()

    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    (only_bad / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.warns(UserWarning), pytest.raises(DataError, match="None of the 1 image file"):
        image_folder_dataset(only_bad, image_size=8, batch_size=2)


def test_a_full_disk_at_the_final_save_keeps_the_checkpoint_and_the_rerun_saves(
    small_disk, points_preset, capsys
):
    out = small_disk / "run"
    args = ["--output-dir", str(out), "--epochs", "2", "--seed", "0"]

    class FillAtTheEnd(keras.callbacks.Callback):
        def on_train_end(self, logs=None):
            fill(small_disk)

    from toy_gan import POINTS

    original = POINTS.monitors
    object.__setattr__(POINTS, "monitors", lambda *a: [*original(*a), FillAtTheEnd()])
    try:
        assert cli_main("points_ring", args) == 1
    finally:
        object.__setattr__(POINTS, "monitors", original)
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("error: training stopped: could not")
    assert not (out / "run.json").exists() and (out / "backup" / "epoch_0002").is_dir()
    (small_disk / "filler").unlink()
    assert cli_main("points_ring", args) == 0  # nothing left to train: it resumes after epoch 2 and saves
    assert "Resuming after epoch 2" in capsys.readouterr().out
    assert record(out)["config"]["epochs"] == 2 and (out / "generator.keras").exists()


# --- One process per run folder, and what blocks a run ----------------------------

# The toy run holds after its first epoch (checkpoint written) until it is killed.
HOLD_AFTER_FIRST_EPOCH = """
import time
class Hold(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            print("HOLDING", flush=True)
            time.sleep(600)
original = toy_gan.POINTS.monitors
object.__setattr__(toy_gan.POINTS, "monitors", lambda *a: [*original(*a), Hold()])
"""


def test_a_folder_in_use_is_refused_and_a_dead_holders_lock_is_taken_over(tmp_path, points_preset, capsys):
    out = tmp_path / "run"
    args = ["--output-dir", str(out), "--epochs", "3", "--seed", "0"]
    first = toy_process(args, HOLD_AFTER_FIRST_EPOCH)
    try:
        wait_for_line(first, "HOLDING")
        # A second process on the same folder, resuming or not, is refused at once and changes nothing.
        before = sorted(p.name for p in (out / "backup").iterdir())
        for extra in ([], ["--overwrite"]):
            second = run_toy(args + extra, capsys)
            assert second.returncode == 2, second.stderr[-2000:]
            line = second.stderr.strip().splitlines()[-1]
            assert line.startswith(f"error: {out} is in use by process {first.pid} ("), line
        assert sorted(p.name for p in (out / "backup").iterdir()) == before
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    # The holder was killed: the next run takes its lock over, says so, resumes and finishes.
    third = run_toy(args, capsys)
    assert third.returncode == 0, third.stderr[-2000:]
    assert f"Taking over {out}: process {first.pid} (" in third.stdout
    assert "Resuming after epoch 1" in third.stdout
    assert [row.split(",")[0] for row in (out / "losses.csv").read_text().splitlines()] == [
        "epoch",
        "0",
        "1",
        "2",
    ]
    # A clean end leaves nothing to take over.
    again = run_toy(["--output-dir", str(out), "--epochs", "3", "--seed", "0", "--overwrite"], capsys)
    assert again.returncode == 0 and "Taking over" not in again.stdout


def test_an_empty_output_dir_is_refused_and_nothing_is_written(tmp_path, points_preset, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for blank in ("", "  "):
        assert cli_main("points_ring", ["--output-dir", blank, "--epochs", "1"]) == 2
        assert capsys.readouterr().err.strip() == (
            "error: --output-dir is empty; name a folder for the run (e.g. runs/my_run)."
        )
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_checkpoint_does_not_block_the_one_that_replaces_it(tmp_path, points_preset, capsys):
    out = tmp_path / "run"
    args = ["--output-dir", str(out), "--epochs", "3", "--seed", "0"]
    first = toy_process(args, HOLD_AFTER_FIRST_EPOCH)
    wait_for_line(first, "HOLDING")
    first.send_signal(signal.SIGKILL)
    first.wait()
    weights = out / "backup" / "epoch_0001" / "state.weights.h5"
    os.truncate(weights, 5000)  # the checkpoint of a killed run, cut short
    assert cli_main("points_ring", args) == 0
    output = capsys.readouterr().out
    assert "Skipping the unreadable checkpoint" in output and "starting from the first" in output
    assert record(out)["config"]["epochs"] == 3 and not (out / "backup").exists()


@pytest.mark.parametrize("obstacle", ["samples", "losses.csv"])
def test_a_path_in_the_way_is_named_and_not_blamed_on_the_disk(tmp_path, points_preset, capsys, obstacle):
    out = tmp_path / "run"
    args = ["--output-dir", str(out), "--epochs", "2", "--seed", "0"]
    out.mkdir()
    (out / "backup").mkdir()  # an unfinished run whose samples/ is a file, or whose losses.csv a folder
    (out / obstacle).mkdir() if obstacle.endswith(".csv") else (out / obstacle).write_text("")
    assert cli_main("points_ring", args) in (1, 2)
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and str(out / obstacle) in error[0], error
    assert "free space" not in error[0].lower() and "Traceback" not in error[0]


# --- A value is checked the same way wherever it comes from -----------------------

BAD_VALUES = [
    ("cgan_mnist", "latent_dim", 0, "--latent-dim: must be a whole number at least 1, got 0"),
    ("cgan_mnist", "epochs", 0, "--epochs: must be a whole number at least 1, got 0"),
    ("cgan_mnist", "epochs", 1.5, "--epochs: must be a whole number at least 1, got 1.5"),
    ("cgan_mnist", "batch_size", -5, "--batch-size: must be a whole number at least 1, got -5"),
    ("cgan_mnist", "g_widths", "abc", "--g-widths: must be one or more whole numbers, each at least 1"),
    ("cgan_mnist", "eval_every", -1, "--eval-every: must be a whole number at least 0, got -1"),
    ("cgan_mnist", "seed", -1, "--seed: must be a whole number from 0 to 4294967295, got -1"),
    ("cgan_mnist", "seed", 10**20, "--seed: must be a whole number from 0 to 4294967295"),
    ("cgan_mnist", "d_loss_reduction", "median", "--d-loss-reduction: must be one of sum, mean, got 'med"),
    ("stylegan", "w_dim", "8", "--w-dim: must be a whole number at least 1, got '8'"),
]


@pytest.mark.parametrize("name, option, value, message", BAD_VALUES)
def test_a_bad_value_from_python_or_a_config_file_is_refused_before_anything_runs(
    name, option, value, message, tmp_path, capsys
):
    from keras_gans.options import OptionError
    from keras_gans.presets import get_preset

    preset = get_preset(name)
    with pytest.raises(OptionError) as raised:
        preset.config(**{option: value})
    assert str(raised.value).startswith(message)
    # The same value in a finished run's run.json, re-run with --config: one line, nothing written.
    recorded = {**json.loads(json.dumps(preset.config(), default=list)), option: value}
    config = tmp_path / "run.json"
    config.write_text(json.dumps({"tutorial": name, "config": recorded}))
    out = tmp_path / "again"
    with pytest.raises(SystemExit) as exit_code:
        cli_main(name, ["--config", str(config), "--output-dir", str(out)])
    assert exit_code.value.code == 2 and message in capsys.readouterr().err
    assert not out.exists()


def test_the_command_line_parses_every_option_by_its_type(capsys):
    from keras_gans.cli import parse_options
    from keras_gans.presets import get_preset

    options = parse_options(get_preset("stylegan"), ["--w-dim", "8", "--gp-weight", "2.5", "--seed", "7"])
    assert (options["w_dim"], options["gp_weight"], options["seed"]) == (8, 2.5, 7)
    for argv, message in (
        (["--seed", "-1"], "--seed: must be a whole number from 0 to 4294967295, got -1"),
        (["--seed", "99999999999999999999999"], "--seed: must be a whole number from 0 to 4294967295"),
        (["--w-dim", "eight"], "--w-dim: expected a whole number, got 'eight'"),
    ):
        with pytest.raises(SystemExit):
            parse_options(get_preset("stylegan"), argv)
        assert message in capsys.readouterr().err


def test_a_config_that_is_not_an_object_is_one_line(tmp_path, capsys):
    config = tmp_path / "run.json"
    for text in ('{"tutorial": "cgan_mnist", "config": [1, 2]}', "[1, 2]", "{oops"):
        config.write_text(text)
        with pytest.raises(SystemExit):
            cli_main("cgan_mnist", ["--config", str(config)])
        error = capsys.readouterr().err.strip().splitlines()[-1]
        assert f"error: --config: cannot read a run's config from {config}" in error


def test_an_unfinished_run_whose_options_cannot_be_read_is_one_line(tmp_path, points_preset, capsys):
    out = tmp_path / "run"
    (out / "backup").mkdir(parents=True)
    args = ["--output-dir", str(out), "--epochs", "1", "--seed", "0"]
    for text in ("{oops", "[1, 2]"):
        (out / "backup" / "config.json").write_text(text)
        assert cli_main("points_ring", args) == 2
        error = capsys.readouterr().err.strip()
        assert error.startswith(f"error: {out} is an unfinished run whose options cannot be read")
        assert error.endswith("Pass --overwrite to start again, or choose another --output-dir.")
        assert (out / "backup" / "config.json").read_text() == text  # nothing touched
    assert cli_main("points_ring", [*args, "--overwrite"]) == 0  # the way out the line names


@pytest.mark.parametrize("tf_config", ["{not json", '["a"]', '{"cluster": {}}'])
def test_a_bad_tf_config_is_one_line_before_anything_is_written(tmp_path, points_preset, capsys, tf_config):
    out = tmp_path / "run"
    os.environ["TF_CONFIG"] = tf_config
    try:
        with pytest.raises(SystemExit) as exit_code:
            cli_main("points_ring", ["--output-dir", str(out), "--strategy", "multiworker"])
    finally:
        del os.environ["TF_CONFIG"]
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert exit_code.value.code == 2
    assert "error: --strategy multiworker: TF_CONFIG must be a JSON object" in error
    assert repr(tf_config) in error and not out.exists()
