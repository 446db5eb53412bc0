"""The face DCGAN of the Keras example: architecture, train step, saving."""

import keras
import numpy as np
import pytest
from model_checks import WITH_AND_WITHOUT_IMPROVEMENTS, check_gan, check_tutorial_settings

from keras_gans.models.dcgan_celeba import build_discriminator, build_generator
from keras_gans.presets import get_preset

PRESET = get_preset("dcgan_celeba")
TINY = PRESET.tiny


@pytest.fixture(scope="module")
def tutorial_gan():
    """The example's GAN at its own size, built from its preset."""
    return PRESET.build_gan()


def test_discriminator_matches_the_tutorial_summary(tutorial_gan):
    d = tutorial_gan.discriminator
    assert d.count_params() == 404_801
    assert d.input_shape == (None, 64, 64, 3)
    assert d.output_shape == (None, 1)
    assert [layer.output.shape[1:] for layer in d.layers if isinstance(layer, keras.layers.Conv2D)] == [
        (32, 32, 64),
        (16, 16, 128),
        (8, 8, 128),
    ]


def test_generator_matches_the_tutorial_summary(tutorial_gan):
    g = tutorial_gan.generator
    assert g.count_params() == 3_979_651
    assert g.input_shape == (None, 128)
    assert g.output_shape == (None, 64, 64, 3)
    assert g.layers[-1].activation is keras.activations.tanh


def test_small_models_through_constructor_arguments():
    g = build_generator(latent_dim=16, image_size=32, seed_channels=8, widths=(8, 8))
    assert g.output_shape == (None, 32, 32, 3)
    assert build_discriminator(image_size=32, widths=(4, 4), dropout=0.2).output_shape == (None, 1)


@pytest.mark.parametrize("options", WITH_AND_WITHOUT_IMPROVEMENTS, ids=["tutorial", "improved"])
def test_gan_shared_checks(tmp_path, options):
    gan = PRESET.build_gan(latent_dim=8, seed=0, **TINY, **options)
    batch = np.random.default_rng(0).uniform(-1, 1, (6, 16, 16, 3)).astype("float32")
    z = np.random.default_rng(1).standard_normal((3, 8)).astype("float32")
    logs = check_gan(gan, batch, z, tmp_path)
    assert set(logs) == {"d_loss", "g_loss"}


def test_tutorial_defaults():
    gan = PRESET.build_gan(**TINY)
    # keras.io's labels: fakes 1, reals 0, U(0, 0.05) noise, one cross-entropy over the batch.
    check_tutorial_settings(gan, 1e-4, 0.9, (0.0, 0.05, 0.0, "mean"), latent_dim=128)
    # The sigmoid output is a probability, so the loss must not expect logits.
    assert isinstance(gan.loss_fn, keras.losses.BinaryCrossentropy)
    assert gan.loss_fn.get_config()["from_logits"] is False


def test_train_step_runs_dropout_in_training_mode():
    """Keras 3 runs Dropout only when `training=True` reaches it."""
    gan = PRESET.build_gan(latent_dim=8, **TINY)
    dropout = next(layer for layer in gan.discriminator.layers if isinstance(layer, keras.layers.Dropout))
    seen = []
    call = dropout.call

    def spy(inputs, training=None):
        seen.append(training)
        return call(inputs, training=training)

    dropout.call = spy
    gan.train_on_batch(np.zeros((4, 16, 16, 3), "float32"))
    assert seen and all(flag is True for flag in seen), seen
    # And the flag has an effect: in training mode Dropout zeroes units.
    x = np.ones((1, 1000), "float32")
    assert np.mean(np.array(call(x, training=True)) == 0) == pytest.approx(0.2, abs=0.05)
    assert np.mean(np.array(call(x, training=False)) == 0) == 0


def test_discriminator_labels_fake_as_one_with_noise():
    gan = PRESET.build_gan(latent_dim=8, **TINY)
    fake = np.full((64, 1), 0.99, "float32")
    real = np.full((64, 1), 0.01, "float32")
    # Confident and right (fake -> 1, real -> 0): a small loss, not exactly
    # the noiseless one because of the 0.05 * uniform label noise.
    loss = float(gan.discriminator_loss(real, fake))
    noiseless = float(
        keras.losses.BinaryCrossentropy()(np.r_[np.ones((64, 1)), np.zeros((64, 1))], np.r_[fake, real])
    )
    assert loss < 0.2
    assert loss != pytest.approx(noiseless, abs=1e-6)
    # The generator wants its fakes called real (label 0).
    assert float(gan.generator_loss(np.full((8, 1), 0.01, "float32"))) < 0.05


def test_gan_with_its_defaults_is_the_examples_class():
    """`GAN(discriminator, generator, latent_dim)` as the example writes it: its labels, its loss."""
    from keras_gans.models.gan import GAN

    gan = GAN(discriminator=keras.Sequential(), generator=keras.Sequential(), latent_dim=8, seed=3)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-4),
        g_optimizer=keras.optimizers.Adam(1e-4),
        loss_fn=keras.losses.BinaryCrossentropy(),
    )
    real = np.random.default_rng(0).uniform(0.05, 0.95, (6, 1)).astype("float32")
    fake = np.random.default_rng(1).uniform(0.05, 0.95, (6, 1)).astype("float32")
    # The example: labels = concat(ones for fakes, zeros for reals) + 0.05 * uniform,
    # drawn in that order, then one BCE over the concatenation.
    noise = keras.random.SeedGenerator(3)
    labels = np.r_[np.ones((6, 1)), np.zeros((6, 1))].astype("float32")
    drawn = np.r_[
        np.array(keras.random.uniform((6, 1), seed=noise)), np.array(keras.random.uniform((6, 1), seed=noise))
    ]
    expected = keras.losses.BinaryCrossentropy()(labels + 0.05 * drawn, np.r_[fake, real])
    assert float(gan.discriminator_loss(real, fake)) == pytest.approx(float(expected), rel=1e-6)
    assert float(gan.generator_loss(fake)) == pytest.approx(
        float(keras.losses.BinaryCrossentropy()(np.zeros((6, 1)), fake)), rel=1e-6
    )
