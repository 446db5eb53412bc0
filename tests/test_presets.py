"""The presets: one name per tutorial everywhere, defaults in one place, one runner for all."""

import json
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from toy_gan import POINTS

from keras_gans.cli import main as cli_main
from keras_gans.presets import PRESETS, OptionError, TrainingData, get_preset
from keras_gans.runner import train

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", PRESETS)
def test_a_tutorial_has_one_name_everywhere(name):
    preset = PRESETS[name]
    assert (ROOT / "keras_gans" / "models" / f"{name}.py").is_file()
    assert (ROOT / "keras_gans" / "presets" / f"{name}.py").is_file()
    assert (ROOT / "scripts" / f"train_{name}.py").is_file()
    assert (ROOT / "notebooks" / f"{name}.ipynb").is_file()
    assert (ROOT / "docs" / f"{name}.md").is_file()
    assert preset.config()["output_dir"] == f"runs/{name}"
    # The script is the preset's: it names the tutorial and restates no default.
    script = (ROOT / "scripts" / f"train_{name}.py").read_text()
    assert f'train_main("{name}"' in script and "default=" not in script


@pytest.mark.parametrize("name", PRESETS)
def test_every_option_a_script_offers_is_a_preset_option(name):
    preset = PRESETS[name]
    config = preset.config()
    assert set(preset.options) <= set(config)
    assert {"epochs", "batch_size", "learning_rate"} <= set(config)
    assert preset.kind != "images" or "latent_dim" in config
    assert config["epochs"] and config["batch_size"]  # every preset sets them
    # The tiny sizes are options of the preset too.
    assert set(preset.tiny) <= set(config)


def test_unknown_options_and_values_are_refused_before_anything_runs():
    with pytest.raises(OptionError, match="dcgan_celeba has no option latnet_dim"):
        get_preset("dcgan_celeba").config(latnet_dim=64)
    with pytest.raises(OptionError, match="no tutorial called 'dcgan'"):
        get_preset("dcgan")
    with pytest.raises(OptionError, match="multiple of 32"):
        get_preset("cgan_rps").config(image_size=48)
    with pytest.raises(OptionError, match="at least 2"):
        get_preset("gan_mnist").config(batch_size=1)


def test_a_new_gan_needs_only_a_preset_and_its_model(points_preset, tmp_path):
    out = tmp_path / "run"
    paths = train("points_ring", output_dir=str(out), seed=3, verbose=0)
    record = json.loads((out / "run.json").read_text())
    # run.json is the whole resolved config, with what ran it and how long.
    assert record["tutorial"] == "points_ring"
    assert record["config"] == {**POINTS.config(), "output_dir": str(out), "seed": 3, "verbose": 0}
    assert record["in_force"] == {"xla": False, "eager": False, "precision": "float32", "replicas": 1}
    machine = record["machine"]
    assert machine["tensorflow"] == tf.__version__ and machine["keras"] == keras.__version__
    assert record["machine"]["cpu_count"] >= 1 and "cpu" in record["machine"]
    assert record["wall_time_s"] > 0 and record["resumed"] is False
    assert [row.split(",")[0] for row in (out / "losses.csv").read_text().splitlines()] == ["epoch", "0", "1"]
    gan = keras.models.load_model(paths["gan"])
    assert (gan.real_label, gan.label_smoothing) == (1.0, 0.1)  # the preset's conventions, saved
    assert keras.models.load_model(paths["generator"]).output_shape == (None, 2)


def test_run_eagerly_runs_the_same_step_op_by_op(points_preset, tmp_path, monkeypatch):
    from keras_gans.models.gan import GAN

    modes, step = [], GAN.train_step

    def recording_step(self, data):
        modes.append(tf.executing_eagerly())  # True only outside a tf.function
        return step(self, data)

    monkeypatch.setattr(GAN, "train_step", recording_step)
    compiled, eager = tmp_path / "compiled", tmp_path / "eager"
    train("points_ring", output_dir=str(compiled), seed=3, verbose=0)
    traced = len(modes)
    train("points_ring", output_dir=str(eager), seed=3, verbose=0, run_eagerly=True)
    assert not any(modes[:traced]) and modes[traced:] and all(modes[traced:])
    assert len(modes) - traced == 2 * 256 // POINTS.config()["batch_size"]  # every step of both epochs
    records = [json.loads((d / "run.json").read_text()) for d in (compiled, eager)]
    assert [r["in_force"]["eager"] for r in records] == [False, True]
    # The same step and draws: the losses agree to float32 rounding.
    losses = [
        np.loadtxt(d / "losses.csv", delimiter=",", skiprows=1, usecols=(1, 2)) for d in (compiled, eager)
    ]
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-4, atol=1e-5)


def test_config_reruns_a_finished_run_exactly(points_preset, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert cli_main("points_ring", ["--output-dir", str(first), "--seed", "5", "--latent-dim", "3"]) == 0
    rerun = ["--config", str(first / "run.json"), "--output-dir", str(second)]
    assert cli_main("points_ring", rerun) == 0
    a, b = (json.loads((d / "run.json").read_text())["config"] for d in (first, second))
    assert b == {**a, "output_dir": str(second)}  # latent_dim 3 and seed 5 came from the file
    np.testing.assert_array_equal(*[np.load(d / "samples" / "points_001.npy") for d in (first, second)])
    # The finished run itself is not replaced: its folder is refused.
    assert cli_main("points_ring", ["--config", str(first / "run.json")]) == 2


def test_config_of_another_tutorial_is_refused(points_preset, tmp_path, capsys):
    record = tmp_path / "run.json"
    record.write_text(json.dumps({"tutorial": "dcgan_mnist", "config": {}}))
    with pytest.raises(SystemExit):
        cli_main("points_ring", ["--config", str(record)])
    assert "is a run of 'dcgan_mnist', not of 'points_ring'" in capsys.readouterr().err


# --- Label conventions are options; each tutorial's losses are its own ---------


def test_label_smoothing_moves_only_the_real_labels():
    gan = POINTS.build_gan(TrainingData(), label_smoothing=0.1)
    real = np.array([[0.8], [0.6]], "float32")
    fake = np.array([[0.3], [0.1]], "float32")
    bce = keras.losses.BinaryCrossentropy()
    expected = (float(bce(np.full((2, 1), 0.9), real)) + float(bce(np.zeros((2, 1)), fake))) / 2
    assert float(gan.discriminator_loss(real, fake)) == pytest.approx(expected, rel=1e-6)
    # The generator's targets stay hard.
    assert float(gan.generator_loss(fake)) == pytest.approx(float(bce(np.ones((2, 1)), fake)), rel=1e-6)
    # With real labelled 0 (keras.io's face example) smoothing moves them up to 0.1.
    face = POINTS.build_gan(TrainingData(), real_label=0.0, label_smoothing=0.1, d_loss_reduction="sum")
    expected = float(bce(np.full((2, 1), 0.1), real)) + float(bce(np.ones((2, 1)), fake))
    assert float(face.discriminator_loss(real, fake)) == pytest.approx(expected, rel=1e-6)


def test_bad_label_conventions_are_refused():
    with pytest.raises(ValueError, match="real_label must be 0 or 1"):
        POINTS.build_gan(TrainingData(), real_label=0.5)
    with pytest.raises(ValueError, match="--d-loss-reduction: must be one of sum, mean, got 'max'"):
        POINTS.build_gan(TrainingData(), d_loss_reduction="max")


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [("gan_mnist", "every", "sample_every"), ("cgan_rps", "samples_per_class", "per_class")],
)
def test_a_run_json_of_0_1_reads_with_todays_option_names(name, old, new):
    # The committed results' run.json were written by 0.1.x, before the rename.
    from conftest import ROOT

    from keras_gans.cli import recorded_config

    path = ROOT / "docs" / "results" / name / "run.json"
    recorded = json.loads(path.read_text())["config"]
    options = recorded_config(path, get_preset(name))
    assert old in recorded and old not in options and options[new] == recorded[old]
    get_preset(name).config(**options)  # every value a run takes
