"""A training run: samples, logs, checkpoints, resume, and a refusal to overwrite."""

import csv
import json
import time

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gans.callbacks import GANMonitor
from keras_gans.presets import get_preset
from keras_gans.runner import train
from keras_gans.training import (
    OutputDirError,
    check_output_dir,
    compare_resumed_config,
    fit_gan,
    run_clock,
    save_run,
)

FACE = get_preset("dcgan_celeba")
TINY = FACE.tiny


def tiny_gan(seed=0):
    return FACE.build_gan(latent_dim=8, seed=seed, **TINY)


def tiny_dataset():
    images = np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 3)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(images).batch(4)


def csv_epochs(path):
    with open(path, newline="") as file:
        return [int(row["epoch"]) for row in csv.DictReader(file)]


class Interrupt(keras.callbacks.Callback):
    """Stands for a killed process: raises at the end of an epoch."""

    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise KeyboardInterrupt


class SlowEpochs(keras.callbacks.Callback):
    """Makes each epoch take at least `seconds` longer."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds

    def on_epoch_end(self, epoch, logs=None):
        time.sleep(self.seconds)


class EpochRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)


def test_gan_monitor_writes_images_and_a_grid_from_fixed_latents(tmp_path):
    gan = tiny_gan()
    monitor = GANMonitor(num_img=3, latent_dim=8, save_dir=str(tmp_path), seed=0)
    gan.fit(tiny_dataset(), epochs=2, callbacks=[monitor], verbose=0, shuffle=False)
    for epoch in (0, 1):
        assert (tmp_path / f"grid_{epoch:03d}.png").exists()
        for i in range(3):
            image = Image.open(tmp_path / f"generated_img_{epoch:03d}_{i}.png")
            assert image.size == (16, 16) and image.mode == "RGB"
    # The same latent vectors every epoch, and saved for a resumed run.
    expected = np.random.default_rng(0).standard_normal((3, 8)).astype("float32")
    np.testing.assert_array_equal(monitor.inputs, expected)
    with np.load(tmp_path / "monitor_inputs.npz") as saved:
        np.testing.assert_array_equal(saved["arr_0"], expected)


def test_interrupted_run_resumes_from_its_last_epoch(tmp_path):
    out = tmp_path / "run"
    assert check_output_dir(str(out)) == "new"
    with pytest.raises(KeyboardInterrupt):
        fit_gan(
            tiny_gan(),
            tiny_dataset(),
            str(out),
            epochs=4,
            callbacks=[SlowEpochs(0.3), Interrupt(at_epoch=1)],
            verbose=0,
        )
    assert (out / "backup" / "epoch_0002").is_dir() and not (out / "run.json").exists()
    assert csv_epochs(out / "losses.csv") == [0, 1]
    # The checkpoint holds the run's clock: epochs 1 and 2 in one session (each sleeps 0.3 s after its
    # checkpoint: epoch 1's sleep is in epoch 2's time).
    first = json.loads((out / "backup" / "epoch_0002" / "clock.json").read_text())
    assert first["sessions"] == 1 and first["since_epoch"] == 0 and first["seconds"] >= 0.3
    time.sleep(1.0)  # between sessions: not training time

    # Re-running in the same folder continues with epoch 2, from the saved weights.
    assert check_output_dir(str(out)) == "unfinished"
    gan, recorder = tiny_gan(seed=1), EpochRecorder()
    started = time.monotonic()
    fit_gan(gan, tiny_dataset(), str(out), epochs=4, callbacks=[recorder], verbose=0)
    second_session = time.monotonic() - started
    clock = run_clock(str(out))
    assert clock["sessions"] == 2 and clock["since_epoch"] == 0
    assert 0 < clock["seconds"] - first["seconds"] <= second_session
    paths = save_run(str(out), gan.generator, gan, {"epochs": 4})
    assert recorder.epochs == [2, 3]
    assert csv_epochs(out / "losses.csv") == [0, 1, 2, 3]
    assert gan.d_optimizer.iterations.numpy() == 8  # 4 epochs x 2 steps: the state was restored
    assert not (out / "backup").exists()
    assert json.loads((out / "run.json").read_text())["epochs"] == 4
    assert (out / "losses.png").exists()
    reloaded = keras.models.load_model(paths["generator"])
    z = np.ones((1, 8), "float32")
    np.testing.assert_array_equal(reloaded(z), gan.generator(z))


def test_a_checkpoint_older_than_the_clock_resumes_with_a_clock_from_its_epoch(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        fit_gan(tiny_gan(), tiny_dataset(), str(out), epochs=3, callbacks=[Interrupt(at_epoch=0)], verbose=0)
    (out / "backup" / "epoch_0001" / "clock.json").unlink()  # as keras_gans wrote them before the clock
    fit_gan(tiny_gan(), tiny_dataset(), str(out), epochs=3, verbose=0)
    clock = run_clock(str(out))
    assert clock["sessions"] == 1 and clock["since_epoch"] == 1 and clock["seconds"] > 0


def test_a_resume_reads_an_older_versions_values_as_they_meant():
    # keras_gans recorded ema_decay null ("no moving average") before its default became 0.0.
    old = {"epochs": 50, "ema_decay": None, "seed": 0}
    may_change = {"epochs"}
    assert (
        compare_resumed_config(old, {"epochs": 50, "ema_decay": 0.0, "seed": 0}, "runs/x", may_change) == {}
    )
    with pytest.raises(OutputDirError, match="--ema-decay 0.0; this command asks for 0.999"):
        compare_resumed_config(old, {"epochs": 50, "ema_decay": 0.999, "seed": 0}, "runs/x", may_change)
    # gan_mnist's `every` is `sample_every` since 0.2.0, as in every other tutorial.
    old = {"epochs": 50, "every": 10, "ema_decay": 0.0}
    new = {"epochs": 60, "sample_every": 10, "ema_decay": 0.0}
    assert compare_resumed_config(old, new, "runs/x", may_change) == {"epochs": (50, 60)}
    with pytest.raises(OutputDirError, match="--seed"):
        compare_resumed_config(old, {**new, "seed": 1}, "runs/x", may_change)


def test_output_dir_refusals(tmp_path):
    (tmp_path / "finished").mkdir()
    (tmp_path / "finished" / "run.json").write_text("{}")
    with pytest.raises(OutputDirError, match="finished run.*--overwrite"):
        check_output_dir(str(tmp_path / "finished"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "thesis.tex").write_text("precious")
    with pytest.raises(OutputDirError, match="other files"):
        check_output_dir(str(tmp_path / "other"))
    # --overwrite deletes runs only: a folder of other files is refused, whatever is asked.
    with pytest.raises(OutputDirError, match=r"files that keras_gans did not write \(thesis.tex\)"):
        check_output_dir(str(tmp_path / "other"), overwrite=True)
    assert (tmp_path / "other" / "thesis.tex").read_text() == "precious"  # nothing lost
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputDirError, match="is a file"):
        check_output_dir(str(tmp_path / "file"))
    # Checking deletes nothing; the runner deletes a replaced run's files only once all else is checked.
    assert check_output_dir(str(tmp_path / "finished"), overwrite=True) == "replace"
    assert (tmp_path / "finished" / "run.json").exists()


def write_faces(folder, count=12):
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(count):
        Image.fromarray(rng.integers(0, 256, (24, 20, 3), dtype=np.uint8)).save(folder / f"{i}.jpg")
    return folder


def test_same_seed_gives_the_same_first_samples(tmp_path):
    data = write_faces(tmp_path / "faces")
    small = dict(TINY, eval_every=0, latent_dim=8, batch_size=4, steps_per_epoch=2, num_images=4, verbose=0)
    grids = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        paths = train("dcgan_celeba", data_dir=str(data), output_dir=str(tmp_path / name), seed=seed, **small)
        grids.append(np.asarray(Image.open(f"{paths['samples']}/grid_000.png")))
    np.testing.assert_array_equal(grids[0], grids[1])
    assert not np.array_equal(grids[0], grids[2])


@pytest.mark.slow
def test_short_real_run_on_celeba(celeba_dir, tmp_path):
    """Tens of steps on real faces (small widths at the tutorial's 64x64)."""
    paths = train(
        "dcgan_celeba",
        data_dir=str(celeba_dir),
        output_dir=str(tmp_path / "run"),
        epochs=2,
        steps_per_epoch=10,
        batch_size=16,
        latent_dim=32,
        num_images=4,
        d_widths=(8, 16, 16),
        g_widths=(16, 16, 8),
        seed_channels=16,
        seed=0,
        verbose=0,
        eval_every=0,  # the quality scores have tests of their own
    )
    with open(paths["losses_csv"], newline="") as file:
        rows = list(csv.DictReader(file))
    assert [int(r["epoch"]) for r in rows] == [0, 1]
    assert all(np.isfinite(float(r[k])) for r in rows for k in ("d_loss", "g_loss"))
    grid = Image.open(f"{paths['samples']}/grid_001.png")
    assert grid.size == (128, 128)  # 2x2 images of 64x64
    assert Image.open(f"{paths['samples']}/generated_img_001_3.png").size == (64, 64)
    generator = keras.models.load_model(paths["generator"])
    assert generator.output_shape == (None, 64, 64, 3)
