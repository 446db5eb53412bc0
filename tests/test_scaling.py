"""tf.distribute and mixed precision: the custom train_step stays correct."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from model_checks import IMPROVED

from keras_gans.cli import parse_options
from keras_gans.presets import PRESETS, OptionError, get_preset
from keras_gans.runtime import build_gan, make_strategy

# No Dropout here: Keras' Dropout draws one mask per replica, so its masks
# cannot match a single device's; everything else must match exactly.
FACE = get_preset("dcgan_celeba")
TINY = dict(FACE.tiny, latent_dim=8, dropout=0.0)


def tiny_face_gan(**overrides):
    """The face tutorial's GAN at a tiny size, without Dropout."""
    return FACE.build_gan(**TINY, **overrides)


def two_cpu_strategy():
    devices = tf.config.list_logical_devices("CPU")
    if len(devices) < 2:
        pytest.skip("needs the two logical CPUs set up in conftest.py")
    return tf.distribute.MirroredStrategy([d.name for d in devices[:2]])


def train_one_step(strategy, initial_weights, images, **options):
    gan = build_gan(lambda: tiny_face_gan(seed=123, **options), strategy)
    gan.set_weights(initial_weights)
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(len(images))
    history = gan.fit(dataset, epochs=1, verbose=0, shuffle=False)
    return gan, history.history


# With R1 and the discriminator's own learning rate too: R1 is averaged over the global batch as
# the losses are. (DiffAugment is not: see the next test.)
@pytest.mark.parametrize(
    "options",
    [{}, {"r1_gamma": 1.0, "d_learning_rate": 4e-4}, {"ema_decay": 0.9}],
    ids=["tutorial", "r1_and_ttur", "ema"],
)
def test_a_mirrored_step_equals_a_single_device_step_on_the_global_batch(options):
    strategy = two_cpu_strategy()
    initial = tiny_face_gan(seed=123, **options).get_weights()
    images = np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 3)).astype("float32")

    single, single_logs = train_one_step(tf.distribute.get_strategy(), initial, images, **options)
    mirrored, mirrored_logs = train_one_step(strategy, initial, images, **options)

    assert mirrored.distribute_strategy.num_replicas_in_sync == 2
    # Losses are reported for the global batch (not summed over replicas)...
    for name in ("d_loss", "g_loss"):
        assert mirrored_logs[name][0] == pytest.approx(single_logs[name][0], rel=1e-5)
    # ...and the updates are those of the global batch's mean loss.
    for a, b, w in zip(single.get_weights(), mirrored.get_weights(), initial, strict=True):
        assert not np.allclose(a, w)  # it trained
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_a_mirrored_step_augments_each_replicas_images_with_draws_of_its_own():
    # The discriminator's batch of fakes and reals is split otherwise across replicas than across
    # one device's draws, so the augmentations are others (as random) and the step is not equal.
    strategy = two_cpu_strategy()
    gan = build_gan(lambda: tiny_face_gan(seed=5, **IMPROVED), strategy)
    images = np.zeros((4, 16, 16, 3), "float32")
    per_replica = strategy.run(tf.function(lambda: gan.discriminate(images)))
    first, second = (t.numpy() for t in strategy.experimental_local_results(per_replica))
    assert not np.allclose(first, second)  # the same images, other augmentations
    initial = gan.get_weights()
    logs = gan.fit(
        np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 3)).astype("float32"), batch_size=8, verbose=0
    )
    assert all(np.isfinite(v[0]) for v in logs.history.values())
    assert not np.allclose(gan.get_weights()[0], initial[0])


def test_latent_vectors_differ_between_replicas():
    strategy = two_cpu_strategy()
    gan = build_gan(lambda: tiny_face_gan(seed=5), strategy)
    per_replica = strategy.run(tf.function(lambda: gan.sample_latent(4)))
    first, second = (t.numpy() for t in strategy.experimental_local_results(per_replica))
    assert first.shape == second.shape == (4, 8)
    assert not np.allclose(first, second)


def check_mixed_policy(gan, compute_dtype):
    """Layers compute in `compute_dtype` with float32 weights and output; the global policy is restored."""
    assert keras.config.dtype_policy().name == "float32"
    assert gan.generator.layers[1].compute_dtype == compute_dtype
    assert gan.generator.layers[1].variable_dtype == "float32"
    z = np.random.default_rng(0).standard_normal((2, 8)).astype("float32")
    assert gan.generator(z).dtype == "float32"


def train_briefly(gan):
    """Two epochs of 2 steps; returns the generator's first weights before and after."""
    images = np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 3)).astype("float32")
    before = gan.generator.get_weights()[0]
    history = gan.fit(images, batch_size=4, epochs=2, verbose=0).history
    assert all(np.isfinite(v) for values in history.values() for v in values)
    return before, gan.generator.get_weights()[0]


def test_mixed_precision_trains_with_loss_scaling_and_float32_outputs():
    gan = build_gan(lambda: tiny_face_gan(), mixed_precision=True)
    check_mixed_policy(gan, "float16")
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    before, after = train_briefly(gan)
    # Scaled gradients were finite, so every step was applied (an overflow
    # would have skipped the update and halved the scale).
    assert float(gan.g_optimizer.dynamic_scale) == 2.0**15
    assert gan.g_optimizer.iterations.numpy() == 4
    assert not np.allclose(before, after)


def test_bfloat16_mixed_precision_trains_without_loss_scaling():
    gan = build_gan(lambda: tiny_face_gan(), mixed_precision="bfloat16")
    check_mixed_policy(gan, "bfloat16")
    assert gan.dtype_policy.name == "mixed_bfloat16"
    assert not isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    before, after = train_briefly(gan)
    assert gan.g_optimizer.iterations.numpy() == 4
    assert not np.allclose(before, after)


def _inputs(generator):
    """A batch of 2 for each of the generator's inputs: class indices for int inputs, ones otherwise."""
    batch = [
        np.array([0, 2], "int32") if x.dtype == "int32" else np.ones((2, *x.shape[1:]), "float32")
        for x in generator.inputs
    ]
    return batch[0] if len(batch) == 1 else batch


def _accepts(preset, **options):
    try:
        preset.config(**options)
    except OptionError:
        return False
    return True


# The image GANs that train in mixed precision (StyleGAN refuses it: its penalty differentiates twice).
MIXED_PRECISION_TUTORIALS = [
    name for name, p in PRESETS.items() if p.kind == "images" and _accepts(p, mixed_precision="bfloat16")
]


def test_a_tutorial_that_refuses_mixed_precision_says_so():
    assert "stylegan" not in MIXED_PRECISION_TUTORIALS
    with pytest.raises(OptionError, match="stylegan trains in float32"):
        PRESETS["stylegan"].config(mixed_precision="bfloat16")


@pytest.mark.parametrize("name", MIXED_PRECISION_TUTORIALS)
def test_generators_compute_in_bfloat16_up_to_a_float32_activation(name):
    preset = PRESETS[name]
    generator = build_gan(lambda: preset.build_gan(**preset.tiny), mixed_precision="bfloat16").generator
    # Every layer with a kernel computes in bfloat16, the output convolution
    # or Dense too (on the face DCGAN it is a large share of the step)...
    kernels = [layer for layer in generator.layers if hasattr(layer, "kernel")]
    assert kernels and all(layer.compute_dtype == "bfloat16" for layer in kernels)
    # ...and only the last activation is float32, so the loss sees float32.
    last = next(layer for layer in reversed(generator.layers) if isinstance(layer, keras.layers.Activation))
    assert last.compute_dtype == "float32"
    assert last.activation in (keras.activations.tanh, keras.activations.sigmoid)
    assert generator(_inputs(generator)).dtype == "float32"


def test_the_mixed_precision_option_and_its_default_type():
    assert parse_options(FACE, [])["mixed_precision"] is None
    assert parse_options(FACE, ["--mixed-precision"])["mixed_precision"] == "float16"
    assert parse_options(FACE, ["--mixed-precision", "bfloat16"])["mixed_precision"] == "bfloat16"
    with pytest.raises(ValueError, match="unknown mixed precision 'int8'"):
        build_gan(lambda: None, mixed_precision="int8")


def test_unknown_strategy_is_refused():
    with pytest.raises(ValueError, match="unknown strategy 'tpu'"):
        make_strategy("tpu")
