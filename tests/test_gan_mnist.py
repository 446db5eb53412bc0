"""The classic Keras GAN on MNIST: both networks, the composite method and the fit method."""

import keras
import numpy as np
import pytest
from model_checks import check_gan, check_tutorial_settings
from PIL import Image

from keras_gans.callbacks import SummarizePerformance
from keras_gans.models.gan import GAN
from keras_gans.models.gan_mnist import (
    adam,
    build_discriminator,
    build_generator,
    composite_train_step,
    define_discriminator,
    define_gan,
)
from keras_gans.presets import get_preset
from keras_gans.runner import train

PRESET = get_preset("gan_mnist")
SMALL = PRESET.tiny


@pytest.fixture(scope="module")
def tutorial_gan():
    """The tutorial's networks at their own size, built from the preset."""
    return PRESET.build_gan()


def _weights(model):
    return [w.numpy().copy() for w in model.weights]


def _changed(before, model):
    return any(not np.array_equal(b, w.numpy()) for b, w in zip(before, model.weights, strict=True))


def _small_networks():
    discriminator = define_discriminator(build_discriminator(widths=(4, 4), dropout=0.4), adam(2e-4, 0.5))
    generator = build_generator(latent_dim=8, seed_channels=8, widths=(8, 8))
    return generator, discriminator, define_gan(generator, discriminator, adam(2e-4, 0.5))


def test_discriminator_matches_the_tutorial(tutorial_gan):
    d = tutorial_gan.discriminator
    assert d.count_params() == 40_705
    assert d.input_shape == (None, 28, 28, 1)
    assert d.output_shape == (None, 1)
    assert [
        tuple(layer.output.shape[1:]) for layer in d.layers if isinstance(layer, keras.layers.Conv2D)
    ] == [
        (14, 14, 64),
        (7, 7, 64),
    ]
    assert [layer.rate for layer in d.layers if isinstance(layer, keras.layers.Dropout)] == [0.4, 0.4]
    assert d.layers[-1].activation is keras.activations.sigmoid


def test_generator_matches_the_tutorial(tutorial_gan):
    g = tutorial_gan.generator
    assert g.count_params() == 1_164_289
    assert g.input_shape == (None, 100)
    shapes = [
        tuple(layer.output.shape[1:])
        for layer in g.layers
        if isinstance(layer, (keras.layers.Reshape, keras.layers.Conv2DTranspose, keras.layers.Conv2D))
    ]
    assert shapes == [(7, 7, 128), (14, 14, 128), (28, 28, 128), (28, 28, 1)]
    assert g.layers[-1].activation is keras.activations.sigmoid


def test_tutorial_optimizers_and_labels():
    config = PRESET.config()
    gan = PRESET.build_gan(**SMALL)
    # The tutorial's labels: real 1, fake 0, no noise, one BCE over the batch.
    check_tutorial_settings(gan, 2e-4, 0.5, (1.0, 0.0, 0.0, "mean"))
    assert config["latent_dim"] == 100
    # The composite loop's optimizer is the same Adam.
    composite_adam = adam(config["learning_rate"], config["beta_1"])
    assert (float(composite_adam.learning_rate), float(composite_adam.beta_1)) == pytest.approx((2e-4, 0.5))


def test_composite_update_leaves_the_discriminator_unchanged():
    generator, discriminator, composite = _small_networks()
    assert not discriminator.trainable
    z = np.random.default_rng(0).standard_normal((8, 8)).astype("float32")
    d_before, g_before = _weights(discriminator), _weights(generator)
    loss = composite.train_on_batch(z, np.ones((8, 1), "float32"))
    assert np.isfinite(loss)
    assert _changed(g_before, generator), "the generator did not learn"
    assert not _changed(d_before, discriminator), "the composite model changed the discriminator"


def test_composite_step_trains_both_networks():
    # The discriminator must learn in its own step even though define_gan
    # froze it (the Keras 3 trap the step's trainable toggling avoids) and
    # stay unchanged in the composite's step.
    generator, discriminator, composite = _small_networks()
    images = np.random.default_rng(0).uniform(0, 1, (32, 28, 28, 1)).astype("float32")
    rng = np.random.default_rng(1)
    d_before, g_before = _weights(discriminator), _weights(generator)
    d_seen = []
    train_composite = composite.train_on_batch

    def spy(*args, **kwargs):
        d_seen.append(_weights(discriminator))
        result = train_composite(*args, **kwargs)
        assert not _changed(d_seen[-1], discriminator), "the composite step changed the discriminator"
        return result

    composite.train_on_batch = spy
    for _ in range(2):
        d_loss, g_loss = composite_train_step(generator, discriminator, composite, images, 8, 8, rng)
        assert np.isfinite(d_loss) and np.isfinite(g_loss)
    assert _changed(d_before, discriminator), "the discriminator did not learn"
    assert _changed(g_before, generator), "the generator did not learn"
    assert len(d_seen) == 2


def test_fit_gan_shared_checks(tmp_path):
    gan = PRESET.build_gan(seed=0, **SMALL)
    batch = np.random.default_rng(0).uniform(0, 1, (6, 28, 28, 1)).astype("float32")
    z = np.random.default_rng(1).standard_normal((3, 8)).astype("float32")
    logs = check_gan(gan, batch, z, tmp_path)
    assert set(logs) == {"d_loss", "g_loss"}
    # No class of its own: the base GAN, whose step is already the tutorial's.
    assert type(keras.models.load_model(tmp_path / "gan.keras")) is GAN


def test_fit_losses_label_real_one():
    gan = PRESET.build_gan(**SMALL)
    bce = keras.losses.BinaryCrossentropy()
    real = np.full((4, 1), 0.9, "float32")
    fake = np.full((4, 1), 0.2, "float32")
    expected = float(bce(np.r_[np.ones((4, 1)), np.zeros((4, 1))], np.r_[real, fake]))
    assert float(gan.discriminator_loss(real, fake)) == pytest.approx(expected, rel=1e-6)
    assert float(gan.generator_loss(fake)) == pytest.approx(float(bce(np.ones((4, 1)), fake)), rel=1e-6)


def test_summarize_performance_every_n_epochs(tmp_path, capsys):
    gan = PRESET.build_gan(**SMALL)
    images = np.random.default_rng(0).uniform(0, 1, (50, 28, 28, 1)).astype("float32")
    summary = SummarizePerformance(images, latent_dim=8, save_dir=str(tmp_path), every=2, seed=0)
    summary.set_model(gan)
    summary.on_epoch_end(0)  # epoch 1: nothing
    assert not list(tmp_path.iterdir())
    summary.on_epoch_end(1)  # epoch 2: evaluated
    assert ">Accuracy real:" in capsys.readouterr().out
    with Image.open(tmp_path / "generated_plot_e002.png") as plot:
        assert plot.size == (280, 280)  # 10x10 digits
    assert (tmp_path / "generator_model_002.keras").exists()
    # The composite loop calls the same method with its own networks.
    # A discriminator that calls everything real: right on all reals, wrong on all fakes.
    says_real = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(1, "sigmoid", kernel_initializer="zeros", bias_initializer="ones"),
        ]
    )
    accuracies = summary.summarize(3, gan.generator, says_real)
    assert accuracies == {"acc_real": 1.0, "acc_fake": 0.0}
    assert ">Accuracy real: 100%, fake: 0%" in capsys.readouterr().out
    assert (tmp_path / "generated_plot_e003.png").exists()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["composite", "fit"])
def test_a_run_of_either_method_trains_on_real_mnist(method, mnist_dir, tmp_path):
    out = tmp_path / method
    paths = train(
        "gan_mnist",
        method=method,
        mnist_path=mnist_dir / "mnist_content_equivalent.npz",
        output_dir=str(out),
        epochs=2,
        batch_size=8,
        steps_per_epoch=2,
        max_images=64,
        sample_every=1,
        d_widths=(4, 4),
        g_widths=(8, 8),
        seed_channels=8,
        latent_dim=8,
        seed=0,
        verbose=0,
        eval_every=0,  # the quality scores have tests of their own
    )
    samples = out / "samples"
    assert sorted(p.name for p in samples.glob("generated_plot_e*.png")) == [
        "generated_plot_e001.png",
        "generated_plot_e002.png",
    ]
    assert (samples / "generator_model_002.keras").exists()
    losses = (out / "losses.csv").read_text().splitlines()
    assert len(losses) == 3  # header + one row per epoch
    assert keras.models.load_model(paths["generator"]).output_shape == (None, 28, 28, 1)
