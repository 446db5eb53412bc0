"""The MLP conditional GAN of the "CGAN on MNIST" tutorial: architecture, train step, a run."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from model_checks import WITH_AND_WITHOUT_IMPROVEMENTS, check_gan, check_tutorial_settings
from PIL import Image

from keras_gans.data.mnist import array_dataset
from keras_gans.models.cgan_mnist import ConditionalGAN, build_discriminator, build_generator
from keras_gans.presets import get_preset
from keras_gans.runner import train

PRESET = get_preset("cgan_mnist")
TINY = dict(latent_dim=8, g_widths=(16,), d_widths=(16,))


@pytest.fixture(scope="module")
def tutorial_gan():
    """The tutorial's networks at their own size, built from the preset."""
    return PRESET.build_gan()


def _batch(n=8, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (n, 28, 28, 1)).astype("float32")
    return images, np.arange(n) % 10


def test_generator_matches_the_tutorial(tutorial_gan):
    g = tutorial_gan.generator
    assert g.count_params() == 1_488_912
    assert [tuple(i.shape) for i in g.inputs] == [(None, 100), (None, 10)]
    assert g.output_shape == (None, 28, 28, 1)
    dense = [layer for layer in g.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [256, 512, 1024, 784]
    # tanh after the last Dense, a float32 layer of its own for mixed precision.
    assert dense[-1].activation is keras.activations.linear
    assert g.layers[-2].activation is keras.activations.tanh
    assert g.layers[-2].dtype_policy.name == "float32"
    # LeakyReLU(0.2) after each hidden Dense: the fix of the tutorial's collapsing ReLU.
    leaky = [layer for layer in g.layers if isinstance(layer, keras.layers.LeakyReLU)]
    assert len(leaky) == 3 and all(layer.negative_slope == pytest.approx(0.2) for layer in leaky)


def test_discriminator_matches_the_tutorial(tutorial_gan):
    d = tutorial_gan.discriminator
    assert d.count_params() == 538_625
    assert [tuple(i.shape) for i in d.inputs] == [(None, 28, 28, 1), (None, 10)]
    assert d.output_shape == (None, 1)
    assert d.layers[-1].activation is keras.activations.sigmoid
    assert sum(isinstance(layer, keras.layers.LeakyReLU) for layer in d.layers) == 2
    dropout = [layer.rate for layer in d.layers if isinstance(layer, keras.layers.Dropout)]
    assert dropout == [0.3, 0.3]


def test_small_models_through_constructor_arguments():
    g = build_generator(latent_dim=4, num_classes=3, widths=(8,), activation="relu")
    assert [layer.activation for layer in g.layers if isinstance(layer, keras.layers.Activation)] == [
        keras.activations.relu,
        keras.activations.tanh,
    ]
    assert g.count_params() == (7 * 8 + 8) + (8 * 784 + 784)
    assert build_discriminator(num_classes=3, widths=(8,), dropout=0.3).count_params() == (787 * 8 + 8) + 9


@pytest.mark.parametrize("options", WITH_AND_WITHOUT_IMPROVEMENTS, ids=["tutorial", "improved"])
def test_gan_shared_checks(tmp_path, options):
    gan = PRESET.build_gan(seed=0, **TINY, **options)
    inputs = [
        np.random.default_rng(1).standard_normal((3, 8)).astype("float32"),
        np.eye(10, dtype="float32")[:3],
    ]
    logs = check_gan(gan, _batch(), inputs, tmp_path)
    assert set(logs) == {"d_loss", "g_loss"}
    assert type(keras.models.load_model(tmp_path / "gan.keras")).__name__ == "ConditionalGAN"


def test_defaults():
    gan = PRESET.build_gan(g_widths=(16,), d_widths=(16,))
    assert gan.num_classes == 10
    # The tutorial's labels: real 1, fake 0, no noise, real_loss + fake_loss.
    check_tutorial_settings(gan, 2e-4, 0.5, (1.0, 0.0, 0.0, "sum"), latent_dim=100)
    assert gan.loss_fn.get_config()["from_logits"] is False
    assert gan.get_config()["num_classes"] == 10


def test_sampled_labels_are_one_hot_and_cover_every_class():
    gan = PRESET.build_gan(seed=0, **TINY)
    labels = gan.sample_labels(2000).numpy()
    np.testing.assert_array_equal(labels.sum(axis=1), 1.0)
    counts = labels.sum(axis=0)
    assert counts.min() > 150 and counts.max() < 250, counts  # ~200 each


def _fix_randomness(gan, z, labels):
    """Every draw in train_step returns the given z and labels (and the test can recompute)."""
    gan.sample_latent = lambda batch_size: tf.constant(z)
    gan.sample_labels = lambda batch_size: tf.constant(labels)


def test_train_step_losses_are_the_tutorials():
    """d_loss = BCE(real, 1) + BCE(fake, 0), reals with their own labels; g_loss = BCE(fake, 1)."""
    gan = PRESET.build_gan(seed=0, d_dropout=0.0, **TINY)  # no dropout, so the test can recompute the losses
    images, labels = _batch()
    rng = np.random.default_rng(2)
    z = rng.standard_normal((8, 8)).astype("float32")
    fake_labels = np.eye(10, dtype="float32")[rng.integers(0, 10, 8)]
    real_labels = np.eye(10, dtype="float32")[labels]
    _fix_randomness(gan, z, fake_labels)
    g_weights = gan.generator.get_weights()
    bce = keras.losses.BinaryCrossentropy()

    fakes = gan.generator([z, fake_labels]).numpy()
    expected_d = bce(np.ones((8, 1)), gan.discriminator([images, real_labels])) + bce(
        np.zeros((8, 1)), gan.discriminator([fakes, fake_labels])
    )
    logs = gan.train_on_batch(images, labels, return_dict=True)
    assert logs["d_loss"] == pytest.approx(float(expected_d), rel=1e-4)

    # The generator's loss is taken after the discriminator's update, before its own.
    updated = gan.generator.get_weights()
    gan.generator.set_weights(g_weights)
    fakes = gan.generator([z, fake_labels]).numpy()
    expected_g = bce(np.ones((8, 1)), gan.discriminator([fakes, fake_labels]))
    gan.generator.set_weights(updated)
    assert logs["g_loss"] == pytest.approx(float(expected_g), rel=1e-4)


def test_fit_on_a_labelled_tf_data_pipeline():
    gan = PRESET.build_gan(seed=0, **TINY)
    images = np.random.default_rng(0).integers(0, 256, (64, 28, 28), dtype=np.uint8)
    dataset = array_dataset(images, np.arange(64) % 10, batch_size=16, seed=0)
    history = gan.fit(dataset, epochs=2, verbose=0, shuffle=False)
    assert len(history.history["d_loss"]) == 2
    assert np.all(np.isfinite(history.history["g_loss"]))


def test_class_grid_rows_are_classes_columns_share_z():
    from keras_gans.callbacks import ClassGridMonitor

    monitor = ClassGridMonitor(num_classes=10, per_class=4, latent_dim=8, seed=0)
    z, labels = monitor.inputs
    np.testing.assert_array_equal(np.argmax(labels, axis=1), np.repeat(np.arange(10), 4))
    np.testing.assert_array_equal(z[:4], z[4:8])  # the same 4 latent vectors in every row
    assert monitor.cols == 4 and monitor.image_name is None


@pytest.mark.slow
def test_a_run_writes_a_class_grid_per_epoch(tmp_path, mnist_dir):
    paths = train(
        "cgan_mnist",
        mnist_path=mnist_dir,
        output_dir=str(tmp_path / "run"),
        epochs=2,
        batch_size=32,
        steps_per_epoch=2,
        max_images=256,
        per_class=4,
        seed=0,
        verbose=0,
        eval_every=0,  # the quality scores have tests of their own
        **TINY,
    )
    for epoch in (0, 1):
        grid = Image.open(tmp_path / "run" / "samples" / f"classes_{epoch:03d}.png")
        assert grid.size == (4 * 28, 10 * 28)  # rows = classes, columns = per_class
    generator = keras.models.load_model(paths["generator"])
    assert isinstance(keras.models.load_model(paths["gan"]), ConditionalGAN)
    assert generator.output_shape == (None, 28, 28, 1)
    with open(paths["run"]) as file:
        assert json.load(file)["tutorial"] == "cgan_mnist"
