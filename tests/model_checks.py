"""The checks every GAN's tests run (as keras-hub's shared model test helper).

`check_gan` asserts, for any GAN model of the project:
- the `get_config` / `from_config` round trip rebuilds the same config;
- no two random weights start equal (an initializer object shared by layers draws one seed for
  all, made at import before `--seed`: cgan_rps's were);
- one train step changes both networks' weights and returns finite losses;
- `.keras` save and reload, of the generator alone and of the whole GAN,
  gives identical outputs for the same inputs.
"""

import keras
import numpy as np


def _weights(model):
    return [w.numpy() for w in model.trainable_weights]


def _changed(before, model):
    return any(not np.array_equal(b, w.numpy()) for b, w in zip(before, model.trainable_weights, strict=True))


def check_distinct_initial_weights(gan):
    """Asserts that no two of the GAN's random (non-constant) weights are equal."""
    seen = {}
    for weight in gan.generator.weights + gan.discriminator.weights:
        values = weight.numpy()
        if values.size < 2 or np.all(values == values.flat[0]):
            continue  # zeros, ones: equal by design
        key = (values.shape, values.tobytes())
        assert key not in seen, f"{weight.path} starts equal to {seen[key]}: one seed drew both"
        seen[key] = weight.path


# The options of issue #29's improved training, all on: the shared checks run with them too.
IMPROVED = {"augment": "color,translation,cutout", "r1_gamma": 1.0, "d_learning_rate": 4e-4}
WITH_AND_WITHOUT_IMPROVEMENTS = [{}, IMPROVED]


def check_gan(gan, batch, generator_inputs, tmp_path):
    """Runs the shared checks on `gan`.

    Args:
        gan: a compiled GAN model of the project.
        batch: one training batch, as `fit` would pass it to `train_step`.
        generator_inputs: inputs for `gan.generator` (e.g. latent vectors).
        tmp_path: a folder for the saved files.
    Returns the train step's logs.
    """
    # get_config round trip.
    config = gan.get_config()
    clone = type(gan).from_config(config)
    assert clone.get_config() == config

    check_distinct_initial_weights(gan)

    # One train step changes both networks and gives finite losses.
    d_before, g_before = _weights(gan.discriminator), _weights(gan.generator)
    logs = gan.train_on_batch(batch, return_dict=True)
    assert logs, "train_step returned no losses"
    for name, value in logs.items():
        assert np.isfinite(value), f"{name} is not finite: {value}"
    assert _changed(d_before, gan.discriminator), "the discriminator did not change"
    assert _changed(g_before, gan.generator), "the generator did not change"

    # .keras round trips give identical outputs.
    expected = np.array(gan.generator(generator_inputs, training=False))
    gan.generator.save(tmp_path / "generator.keras")
    generator = keras.models.load_model(tmp_path / "generator.keras")
    np.testing.assert_array_equal(np.array(generator(generator_inputs, training=False)), expected)

    gan.save(tmp_path / "gan.keras")
    reloaded = keras.models.load_model(tmp_path / "gan.keras")
    assert type(reloaded) is type(gan)
    np.testing.assert_array_equal(np.array(reloaded.generator(generator_inputs, training=False)), expected)
    for original, loaded in zip(gan.discriminator.weights, reloaded.discriminator.weights, strict=True):
        np.testing.assert_array_equal(original.numpy(), loaded.numpy())
    return logs


def check_tutorial_settings(gan, learning_rate, beta_1, labels, latent_dim=None):
    """The tutorial's optimizers and label conventions, as its preset compiles them.

    `labels` is (real_label, label_noise, label_smoothing, d_loss_reduction).
    """
    import pytest

    if latent_dim is not None:
        assert gan.latent_dim == latent_dim
    assert (gan.real_label, gan.label_noise, gan.label_smoothing, gan.d_loss_reduction) == labels
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate) == pytest.approx(learning_rate)
        assert float(optimizer.beta_1) == pytest.approx(beta_1)
        assert float(optimizer.beta_2) == pytest.approx(0.999)
