"""The auxiliary classifier GAN: two-headed image-only discriminator, the paper's losses."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from model_checks import WITH_AND_WITHOUT_IMPROVEMENTS, check_gan, check_tutorial_settings
from PIL import Image

from keras_gans.models.acgan_mnist import ACGAN
from keras_gans.presets import get_preset
from keras_gans.runner import train

PRESET = get_preset("acgan_mnist")
TINY = dict(latent_dim=8, g_widths=(16,), d_widths=(16,))


@pytest.fixture(scope="module")
def tutorial_gan():
    """The tutorial's networks at their own size, built from the preset."""
    return PRESET.build_gan()


def _batch(n=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 28, 28, 1)).astype("float32"), np.arange(n) % 10


def test_generator_matches_the_tutorial(tutorial_gan):
    g = tutorial_gan.generator
    # (110*256 + 256) + (256*512 + 512) + (512*784 + 784)
    assert g.count_params() == 562_192
    assert [tuple(i.shape) for i in g.inputs] == [(None, 100), (None, 10)]
    assert g.output_shape == (None, 28, 28, 1)
    dense = [layer for layer in g.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [256, 512, 784]
    activations = [layer.activation for layer in g.layers if isinstance(layer, keras.layers.Activation)]
    assert activations == [keras.activations.relu] * 2 + [keras.activations.tanh]  # the tutorial's ReLU


def test_discriminator_sees_only_the_image_and_has_two_heads(tutorial_gan):
    """The chosen discriminator: Flatten, Dense(512), Dense(256) (LeakyReLU 0.2), two heads.

    (784*512 + 512) + (512*256 + 256) + (256 + 1) + (256*10 + 10) = 536,075.
    """
    d = tutorial_gan.discriminator
    assert d.count_params() == 536_075
    assert len(d.inputs) == 1 and tuple(d.inputs[0].shape) == (None, 28, 28, 1)
    source, label = d.output_shape
    assert source == (None, 1) and label == (None, 10)
    assert d.get_layer("source").activation is keras.activations.sigmoid
    assert d.get_layer("class").activation is keras.activations.softmax
    probabilities = d(np.zeros((2, 28, 28, 1), "float32"))[1]
    np.testing.assert_allclose(np.sum(probabilities, axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("options", WITH_AND_WITHOUT_IMPROVEMENTS, ids=["tutorial", "improved"])
def test_gan_shared_checks(tmp_path, options):
    gan = PRESET.build_gan(seed=0, **TINY, **options)
    inputs = [
        np.random.default_rng(1).standard_normal((3, 8)).astype("float32"),
        np.eye(10, dtype="float32")[:3],
    ]
    logs = check_gan(gan, _batch(), inputs, tmp_path)
    assert set(logs) == {"d_loss", "g_loss"}
    assert isinstance(keras.models.load_model(tmp_path / "gan.keras"), ACGAN)


def test_tutorial_defaults():
    gan = PRESET.build_gan(g_widths=(16,), d_widths=(16,))
    check_tutorial_settings(gan, 2e-4, 0.5, (1.0, 0.0, 0.0, "sum"), latent_dim=100)


def test_train_step_losses_are_the_papers():
    """L_D = BCE(real) + BCE(fake) + CE(class|real) + CE(class|fake).

    L_G = BCE(fake as real) + CE(class|fake).
    """
    gan = PRESET.build_gan(seed=0, **TINY)
    images, labels = _batch()
    rng = np.random.default_rng(2)
    z = rng.standard_normal((8, 8)).astype("float32")
    fake_labels = np.eye(10, dtype="float32")[rng.integers(0, 10, 8)]
    real_labels = np.eye(10, dtype="float32")[labels]
    gan.sample_latent = lambda batch_size: tf.constant(z)
    gan.sample_labels = lambda batch_size: tf.constant(fake_labels)
    g_weights = gan.generator.get_weights()
    bce, ce = keras.losses.BinaryCrossentropy(), keras.losses.CategoricalCrossentropy()
    ones, zeros = np.ones((8, 1)), np.zeros((8, 1))

    real_source, real_class = gan.discriminator(images)
    fake_source, fake_class = gan.discriminator(gan.generator([z, fake_labels]))
    expected_d = (
        bce(ones, real_source)
        + bce(zeros, fake_source)
        + ce(real_labels, real_class)
        + ce(fake_labels, fake_class)
    )
    logs = gan.train_on_batch(images, labels, return_dict=True)
    assert logs["d_loss"] == pytest.approx(float(expected_d), rel=1e-4)

    # The generator's loss is taken after the discriminator's update, before its own.
    updated = gan.generator.get_weights()
    gan.generator.set_weights(g_weights)
    fake_source, fake_class = gan.discriminator(gan.generator([z, fake_labels]))
    gan.generator.set_weights(updated)
    expected_g = bce(ones, fake_source) + ce(fake_labels, fake_class)
    assert logs["g_loss"] == pytest.approx(float(expected_g), rel=1e-4)


@pytest.mark.slow
def test_a_run_trains_with_the_tutorial_batch_size(tmp_path, mnist_dir):
    paths = train(
        "acgan_mnist",
        mnist_path=mnist_dir,
        output_dir=str(tmp_path / "run"),
        epochs=1,
        steps_per_epoch=2,
        max_images=256,
        per_class=3,
        seed=0,
        verbose=0,
        eval_every=0,  # the quality scores have tests of their own
        **TINY,
    )
    grid = Image.open(tmp_path / "run" / "samples" / "classes_000.png")
    assert grid.size == (3 * 28, 10 * 28)
    with open(paths["run"]) as file:
        settings = json.load(file)
    assert settings["tutorial"] == "acgan_mnist" and settings["config"]["batch_size"] == 64
