"""The TensorFlow DCGAN tutorial on MNIST: architecture, losses, train step, grids and GIF."""

import json

import keras
import numpy as np
import pytest
from model_checks import WITH_AND_WITHOUT_IMPROVEMENTS, check_gan, check_tutorial_settings
from PIL import Image

from keras_gans.data.mnist import load_mnist
from keras_gans.models.dcgan_mnist import MnistDCGAN
from keras_gans.plotting import make_gif
from keras_gans.presets import get_preset
from keras_gans.runner import train

PRESET = get_preset("dcgan_mnist")
TINY = dict(latent_dim=8, g_widths=(8, 8, 4), d_widths=(4, 8))


@pytest.fixture(scope="module")
def tutorial_gan():
    """The tutorial's GAN at its own size, built from its preset."""
    return PRESET.build_gan()


def test_generator_matches_the_tutorial(tutorial_gan):
    g = tutorial_gan.generator
    assert g.count_params() == 2_330_944
    assert g.input_shape == (None, 100)
    shapes = [
        tuple(layer.output.shape[1:])
        for layer in g.layers
        if isinstance(layer, (keras.layers.Reshape, keras.layers.Conv2DTranspose))
    ]
    assert shapes == [(7, 7, 256), (7, 7, 128), (14, 14, 64), (28, 28, 1)]
    # No bias anywhere: the tutorial's use_bias="False" string would have added one.
    kinds = (keras.layers.Dense, keras.layers.Conv2DTranspose)
    weighted = [layer for layer in g.layers if isinstance(layer, kinds)]
    assert len(weighted) == 4 and not any(layer.use_bias for layer in weighted)
    assert g.layers[-1].activation is keras.activations.tanh


def test_discriminator_matches_the_tutorial(tutorial_gan):
    d = tutorial_gan.discriminator
    assert d.count_params() == 212_865
    assert d.input_shape == (None, 28, 28, 1)
    assert d.output_shape == (None, 1)
    assert [layer.rate for layer in d.layers if isinstance(layer, keras.layers.Dropout)] == [0.3, 0.3]
    # Logits: no sigmoid on the output.
    assert d.layers[-1].activation is keras.activations.linear


def test_tutorial_defaults():
    gan = PRESET.build_gan(g_widths=(8, 8, 4), d_widths=(4, 8))
    # The tutorial's labels: real 1, fake 0, no noise, real_loss + fake_loss.
    check_tutorial_settings(gan, 1e-4, 0.9, (1.0, 0.0, 0.0, "sum"), latent_dim=100)
    assert gan.loss_fn.get_config()["from_logits"] is True


def test_losses_are_the_tutorials():
    gan = PRESET.build_gan(**TINY)
    real = np.array([[3.0], [-1.0]], "float32")
    fake = np.array([[-2.0], [0.5]], "float32")
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    expected = float(bce(np.ones((2, 1)), real)) + float(bce(np.zeros((2, 1)), fake))
    assert float(gan.discriminator_loss(real, fake)) == pytest.approx(expected, rel=1e-6)
    assert float(gan.generator_loss(fake)) == pytest.approx(float(bce(np.ones((2, 1)), fake)), rel=1e-6)


@pytest.mark.parametrize("options", WITH_AND_WITHOUT_IMPROVEMENTS, ids=["tutorial", "improved"])
def test_gan_shared_checks(tmp_path, options):
    gan = PRESET.build_gan(seed=0, **TINY, **options)
    batch = np.random.default_rng(0).uniform(-1, 1, (6, 28, 28, 1)).astype("float32")
    z = np.random.default_rng(1).standard_normal((3, 8)).astype("float32")
    logs = check_gan(gan, batch, z, tmp_path)
    assert set(logs) == {"d_loss", "g_loss"}
    assert isinstance(keras.models.load_model(tmp_path / "gan.keras"), MnistDCGAN)


def test_make_gif_animates_every_frame(tmp_path):
    paths = []
    for i in range(4):
        path = tmp_path / f"frame_{i}.png"
        Image.fromarray(np.full((8, 8), 60 * i, "uint8")).save(path)
        paths.append(path)
    gif = make_gif(paths, tmp_path / "anim.gif")
    with Image.open(gif) as image:
        assert image.is_animated and image.n_frames == 4
    with pytest.raises(ValueError):
        make_gif([], tmp_path / "none.gif")


def test_real_mnist_loads_offline_from_both_forms(mnist_dir):
    (x_idx, y_idx), (x_test, _) = load_mnist(mnist_dir)
    (x_npz, y_npz), _ = load_mnist(mnist_dir / "mnist_content_equivalent.npz")
    assert x_idx.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    np.testing.assert_array_equal(x_idx, x_npz)
    np.testing.assert_array_equal(y_idx, y_npz)
    assert np.bincount(y_idx)[0] == 5923  # SOURCES.md's count of zeros


@pytest.mark.slow
def test_a_run_writes_grids_checkpoints_and_gif(mnist_dir, tmp_path):
    out = tmp_path / "run"
    paths = train(
        "dcgan_mnist",
        mnist_path=mnist_dir,
        output_dir=str(out),
        epochs=3,
        batch_size=8,
        steps_per_epoch=2,
        max_images=64,
        g_widths=(8, 8, 4),
        d_widths=(4, 8),
        seed=0,
        verbose=0,
        eval_every=0,  # the quality scores have tests of their own
    )
    grids = sorted((out / "samples").glob("image_at_epoch_*.png"))
    assert [p.name for p in grids] == [f"image_at_epoch_{e:04d}.png" for e in range(3)]
    with Image.open(grids[0]) as grid:
        assert grid.size == (4 * 28, 4 * 28)  # 16 fixed seeds, 4x4
    with Image.open(paths["gif"]) as gif:
        assert gif.n_frames > 1
    assert json.loads((out / "run.json").read_text())["config"]["batch_size"] == 8
    assert (out / "generator.keras").exists()


def test_script_reports_a_bad_mnist_path(tmp_path, capsys):
    from conftest import load_script

    script = load_script("train_dcgan_mnist")
    missing = tmp_path / "nowhere.npz"
    code = script.main(["--mnist-path", str(missing), "--output-dir", str(tmp_path / "out")])
    assert code == 2
    assert "--mnist-path" in capsys.readouterr().err
