"""StyleGAN (keras.io): sizes against keras.io's code, WGAN-GP by hand, growth, mixing, truncation, a run."""

import dataclasses
import json
import zipfile

import keras
import numpy as np
import pytest
import tensorflow as tf
from model_checks import check_gan
from PIL import Image

from keras_gans.metrics import output_range
from keras_gans.models.stylegan import (
    ProgressiveGrowth,
    StyleGAN,
    build_stylegan,
    gradient_penalty,
    images_from_styles,
    keras_io_schedule,
    mean_style,
    phase_at,
    schedule_epochs,
    style_mixing,
    style_mixing_grid,
    styles,
    truncate,
    truncated_images,
    truncation_grid,
)
from keras_gans.presets import OptionError, get_preset
from keras_gans.runner import train

PRESET = get_preset("stylegan")
# A tiny StyleGAN: z and w of 8, two mapping layers, 8 filters everywhere.
TINY = {"latent_dim": 8, "w_dim": 8, "mapping_layers": 2, "max_filters": 8}


def tiny_gan(target_size=8, resolution=None, seed=0):
    """A tiny StyleGAN whose steps run eagerly: tracing the step (a double backprop) takes seconds,
    a tiny eager step a fraction of one. The run at the end trains through `fit` in graph mode.
    Keras' global seed is set first, as the runner sets it: the initial weights come from its
    stream, so without it they would depend on the tests run before in the same process."""
    keras.utils.set_random_seed(seed)
    gan = build_stylegan(jit_compile=False, target_size=target_size, resolution=resolution, seed=seed, **TINY)
    gan.run_eagerly = True
    return gan


def trainable_count(model):
    return int(sum(np.prod(v.shape) for v in model.trainable_weights))


def uniform(shape, seed):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


def normal(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# --- The networks, at keras.io's size -------------------------------------------------------


def test_parameter_counts_are_keras_ios():
    """Counted on keras.io's own code (examples/generative/stylegan.py of 2026/03/06: `Mapping`,
    `Generator`, `Discriminator` with start 4 and target 64, and their `grow(res)` models), built
    under Keras 3.15 / TF 2.21 with one shim (`Input(shape=512)` written `shape=(512,)`)."""
    gan = StyleGAN()  # keras.io's sizes: z and w 512, 8 mapping layers, 4x4 to 64x64, 512 filters
    assert gan.mapping.count_params() == 2_101_248
    assert [m.count_params() for m in gan.g_blocks] == [3_413_504, 5_773_312, 5_773_312, 5_773_312, 2_296_832]
    assert [m.count_params() for m in gan.to_rgb] == [1539, 1539, 1539, 1539, 771]
    assert [m.count_params() for m in gan.d_blocks] == [6_559_745, 4_719_616, 4_719_616, 4_719_616, 1_770_240]
    assert [m.count_params() for m in gan.from_rgb] == [2048, 2048, 2048, 2048, 1024]
    assert sum(m.count_params() for m in gan.g_blocks + gan.to_rgb) == 23_037_199  # every block
    assert sum(m.count_params() for m in gan.d_blocks + gan.from_rgb) == 22_498_049
    # keras.io's grown models (the networks trained at each resolution), mapping excluded.
    grown_g = {4: 3_415_043, 8: 9_189_894, 16: 14_963_206, 32: 20_736_518, 64: 23_032_582}
    grown_d = {4: 6_561_793, 8: 11_283_457, 16: 16_003_073, 32: 20_722_689, 64: 22_491_905}
    for res in grown_g:
        gan.set_stage(res)
        assert trainable_count(gan.generator) == 2_101_248 + grown_g[res], res
        assert trainable_count(gan.discriminator) == grown_d[res], res
        assert sum(np.prod(v.shape) for v in gan.generator_variables()) == 2_101_248 + grown_g[res]
        assert sum(np.prod(v.shape) for v in gan.discriminator_variables()) == grown_d[res]
    assert gan.generator.output_shape == (None, 64, 64, 3)
    assert output_range(gan.generator) == (-1.0, 1.0)  # its to_rgb ends in tanh, as keras.io's


def test_keras_io_optimizers_and_schedule():
    gan = tiny_gan()
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert (float(optimizer.beta_1), float(optimizer.beta_2), optimizer.epsilon) == (0.0, 0.99, 1e-8)
    schedule = keras_io_schedule(4, 64)
    got = [(p.resolution, p.name, p.epochs, p.batch_size, p.learning_rate) for p in schedule]
    assert got == [
        (4, "stable", 1, 128, 1e-3),
        (8, "transition", 2, 128, 1e-3),
        (8, "stable", 2, 128, 1e-3),
        (16, "transition", 3, 128, 5e-4),
        (16, "stable", 3, 128, 5e-4),
        (32, "transition", 4, 64, 2.5e-4),
        (32, "stable", 4, 64, 2.5e-4),
        (64, "transition", 5, 32, 1.25e-4),
        (64, "stable", 5, 32, 1.25e-4),
    ]
    assert schedule_epochs(schedule) == 29 == PRESET.config()["epochs"]
    assert schedule_epochs(keras_io_schedule(4, 32)) == 19
    assert phase_at(schedule, 0).resolution == 4
    assert (phase_at(schedule, 2).resolution, phase_at(schedule, 2).fading) == (8, True)
    assert phase_at(schedule, 40) == schedule[-1]  # more epochs: a longer last stable phase
    assert [p.batch_size for p in keras_io_schedule(4, 64, batch_size=16)] == [16] * 5 + [8, 8, 4, 4]


def test_bad_options_are_refused():
    with pytest.raises(OptionError, match="power of two"):
        PRESET.config(target_size=48)
    with pytest.raises(OptionError, match="groups of 4"):
        PRESET.config(batch_size=24)
    with pytest.raises(OptionError, match="moving average"):
        PRESET.config(ema_decay=0.999)
    with pytest.raises(OptionError, match="float32"):
        PRESET.config(mixed_precision="float16")


# --- The shared checks ----------------------------------------------------------------------


def test_gan_shared_checks(tmp_path):
    gan = tiny_gan(target_size=16, resolution=8)
    gan.set_phase(3, 10)  # mid fade-in: both 8x8 and 4x4 RGB paths in use
    mapping_before = [w.numpy() for w in gan.mapping.weights]
    logs = check_gan(gan, uniform((4, 16, 16, 3), 0), normal((3, 8), 1), tmp_path)
    assert set(logs) == {"d_loss", "g_loss"}
    assert any(
        not np.array_equal(b, w.numpy()) for b, w in zip(mapping_before, gan.mapping.weights, strict=True)
    )
    reloaded = keras.models.load_model(tmp_path / "gan.keras")
    assert (reloaded.resolution, float(reloaded.alpha.numpy())) == (8, pytest.approx(0.4))
    assert reloaded.get_config() == gan.get_config()


def test_a_checkpoint_loads_into_a_model_at_another_resolution(tmp_path):
    gan = tiny_gan(target_size=16, resolution=16)
    gan.train_on_batch(uniform((4, 16, 16, 3), 2))
    path = str(tmp_path / "state.weights.h5")
    gan.save_weights(path)
    fresh = tiny_gan(target_size=16, resolution=4, seed=9)
    fresh.load_weights(path)
    fresh.set_stage(16)
    z = normal((2, 8), 3)
    np.testing.assert_array_equal(fresh.generator(z), gan.generator(z))
    for a, b in zip(gan.d_optimizer.variables, fresh.d_optimizer.variables, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


# --- WGAN-GP, by hand -------------------------------------------------------------------------


def _scores(gan, images):
    return gan.discriminate(tf.constant(images)).numpy()[:, 0].astype("float64")


def _gradient_norms_by_finite_differences(gan, x, h=1e-2):
    """||d sum_j D(x)_j / d x_i|| per image, by central differences (float64 around a float32 net).

    The minibatch standard deviation couples the images of a batch, so each perturbed batch is
    scored whole: the copies are interleaved so that every copy is one group of 4.
    """
    n, size = len(x), x[0].size
    copies = []
    for i in range(n):
        for p in range(size):
            for sign in (1.0, -1.0):
                batch = x.copy()
                batch[i].flat[p] += sign * h
                copies.append(batch)
    copies = np.stack(copies)  # (K, n, H, W, 3)
    stacked = copies.transpose(1, 0, 2, 3, 4).reshape(-1, *x.shape[1:])  # image j of copy k at j * K + k
    totals = _scores(gan, stacked).reshape(n, len(copies)).sum(axis=0)
    differences = (totals[0::2] - totals[1::2]) / (2 * h)
    return np.sqrt(np.square(differences.reshape(n, size)).sum(axis=1))


def test_discriminator_losses_by_hand():
    gan = tiny_gan(resolution=8, seed=1)
    gan.set_phase(5, 10)  # alpha 0.5: the fade-in is part of the discriminator
    real, fake = uniform((4, 8, 8, 3), 2), uniform((4, 8, 8, 3), 3)
    epsilon = np.array([0.1, 0.5, 0.9, 0.25], "float32").reshape(4, 1, 1, 1)
    losses = {k: float(v) for k, v in gan.discriminator_losses(real, fake, epsilon).items()}

    d_fake, d_real = _scores(gan, fake), _scores(gan, real)
    norms = _gradient_norms_by_finite_differences(gan, epsilon * real + (1 - epsilon) * fake)
    gp = np.mean((norms - 1) ** 2)
    assert losses["loss_fake"] == pytest.approx(d_fake.mean(), rel=1e-5)  # Wasserstein, label -1
    assert losses["loss_real"] == pytest.approx(-d_real.mean(), rel=1e-5)  # label 1
    assert losses["gp"] == pytest.approx(gp, rel=2e-2)
    assert losses["drift"] == pytest.approx(np.mean(np.concatenate([d_fake, d_real]) ** 2), rel=1e-5)
    expected = d_fake.mean() - d_real.mean() + 10 * losses["gp"] + 0.001 * losses["drift"]
    assert losses["d_loss"] == pytest.approx(expected, rel=1e-5)
    # The generator's loss: -mean(D(fake)).
    assert float(gan.generator_loss(tf.constant(fake))) == pytest.approx(-d_fake.mean(), rel=1e-5)


def test_train_step_reports_the_loss_of_its_own_draws():
    """The step draws z, noise and the interpolation weights (U[0, 1], one per image) from its seed."""
    gan = tiny_gan(resolution=8, seed=7)
    real = uniform((4, 8, 8, 3), 4)
    draws = keras.random.SeedGenerator(7)  # the model's stream, replayed
    z = keras.random.normal((4, 8), seed=draws)
    noise = [keras.random.normal((4, s, s, 1), seed=draws) for s in (4, 8)]
    epsilon = keras.random.uniform((4, 1, 1, 1), seed=draws)
    assert 0.0 <= float(keras.ops.min(epsilon)) and float(keras.ops.max(epsilon)) <= 1.0
    gan.set_phase(5, 10)  # the step first advances the fade-in to 6 / 10
    gan.fade.alpha.assign(0.6)
    fake = gan.synthesize(gan.mapping(z), noise)
    expected = float(gan.discriminator_losses(real, fake, epsilon)["d_loss"])
    logs = gan.train_on_batch(real, return_dict=True)
    assert logs["d_loss"] == pytest.approx(expected, rel=1e-4)
    assert float(gan.alpha.numpy()) == pytest.approx(0.6)


def test_gradient_penalty_is_finite_when_real_is_fake_and_where_keras_io_gives_nan():
    gan = tiny_gan(resolution=8, seed=2)
    gan.set_phase(5, 10)
    real = uniform((4, 8, 8, 3), 5)
    epsilon = np.full((4, 1, 1, 1), 0.3, "float32")
    with tf.GradientTape() as tape:
        losses = gan.discriminator_losses(real, real, epsilon)
    grads = tape.gradient(losses["d_loss"], gan.discriminator_variables())
    assert all(np.isfinite(float(v)) for v in losses.values())
    assert all(np.isfinite(g.numpy()).all() for g in grads if g is not None)

    # A discriminator blind to its input: the input gradient is exactly zero.
    for rgb in gan.from_rgb:
        rgb.layers[0].w.assign(tf.zeros_like(rgb.layers[0].w))
    with tf.GradientTape() as tape:
        gp = gradient_penalty(gan.discriminate, real, real, epsilon)
    assert float(gp) == pytest.approx(1.0, abs=1e-5)  # (0 - 1)^2, the norm being sqrt(0 + 1e-12)
    grads = tape.gradient(gp, gan.discriminator_variables())
    assert all(np.isfinite(g.numpy()).all() for g in grads if g is not None)
    # keras.io's norm, tf.sqrt(sum of squares), gives NaN gradients there (keras-io#910).
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(real_t := tf.constant(real))
            scores = gan.discriminate(real_t)
        norm = tf.sqrt(tf.reduce_sum(tf.square(inner.gradient(scores, real_t)), axis=[1, 2, 3]))
        keras_io_gp = tf.reduce_mean(tf.square(norm - 1.0))
    keras_io_grads = outer.gradient(keras_io_gp, gan.discriminator_variables())
    assert any(np.isnan(g.numpy()).any() for g in keras_io_grads if g is not None)


# --- Growth ---------------------------------------------------------------------------------


def test_growing_keeps_the_trained_weights_and_fades_in_from_the_old_images():
    gan = tiny_gan(target_size=16, resolution=8, seed=3)
    gan.train_on_batch(uniform((4, 16, 16, 3), 6))
    weights = {v.path: v.numpy() for v in gan.trainable_weights}
    z, images = normal((4, 8), 7), uniform((4, 16, 16, 3), 8)
    before = gan.generator(z).numpy()  # 8x8, upsampled to 16x16
    d_before = gan.discriminator(
        images.reshape(4, 8, 2, 8, 2, 3).mean(axis=(2, 4))
    ).numpy()  # D's own 2x2 means

    gan.set_stage(16)
    gan.set_phase(0, 100)  # the start of the transition: alpha 0
    assert all(np.array_equal(weights[v.path], v.numpy()) for v in gan.trainable_weights)
    np.testing.assert_allclose(gan.generator(z).numpy(), before, atol=1e-6)
    np.testing.assert_allclose(gan.discriminator(images).numpy(), d_before, rtol=1e-5, atol=1e-6)
    gan.set_phase(50, 100)  # half way: the new block shows
    assert not np.allclose(gan.generator(z).numpy(), before, atol=1e-3)
    # A step at 16x16 goes on from the trained 4x4 and 8x8 blocks.
    old_block = [w.numpy() for w in gan.g_blocks[1].weights]
    gan.train_on_batch(images)
    assert any(
        not np.array_equal(a, b.numpy()) for a, b in zip(old_block, gan.g_blocks[1].weights, strict=True)
    )


def test_the_fade_in_blends_two_images_each_through_its_tanh_as_keras_io():
    """keras.io's `Generator.grow`: `alpha * tanh(rgb_new) + (1 - alpha) * upsample(tanh(rgb_old))`,
    recomputed here from the blocks and the 1x1 convolutions. This port first applied one tanh
    after the blend, a different image (and step) in every transition phase, which this test
    tells apart."""
    gan = tiny_gan(target_size=16, resolution=8, seed=5)
    gan.set_phase(3, 10)  # alpha 0.3
    w = gan.mapping(normal((2, 8), 9))
    noise = [tf.constant(normal((2, 4, 4, 1), 10)), tf.constant(normal((2, 8, 8, 1), 11))]
    x4 = gan.g_blocks[0]([tf.ones((2, 4, 4, 8)), w[:, 0], noise[0]])
    x8 = gan.g_blocks[1]([x4, w[:, 1], noise[1]])
    rgb_old = gan.to_rgb[0].layers[0](x4).numpy().repeat(2, axis=1).repeat(2, axis=2)  # the 1x1 convolution
    rgb_new = gan.to_rgb[1].layers[0](x8).numpy()
    images = gan.synthesize(w, noise).numpy()
    np.testing.assert_allclose(images, 0.3 * np.tanh(rgb_new) + 0.7 * np.tanh(rgb_old), atol=1e-5)
    assert not np.allclose(images, np.tanh(0.3 * rgb_new + 0.7 * rgb_old), atol=1e-3)


def test_real_faces_reach_each_resolution_by_2x2_means_or_as_keras_io_by_nearest_neighbour(tmp_path):
    images = uniform((2, 16, 16, 3), 12)
    average = StyleGAN(target_size=16, resolution=4, real_resize="average", **TINY)
    np.testing.assert_allclose(
        average.real_images(images), images.reshape(2, 4, 4, 4, 4, 3).mean((2, 4)), atol=1e-6
    )
    nearest = StyleGAN(target_size=16, resolution=4, **TINY)  # keras.io's, the default
    np.testing.assert_array_equal(
        nearest.real_images(images), images[:, 2::4, 2::4]
    )  # one pixel of each block
    assert nearest.get_config()["real_resize"] == "nearest"
    with pytest.raises(ValueError, match="real_resize"):
        StyleGAN(target_size=16, real_resize="bicubic", **TINY)
    with pytest.raises(OptionError, match="real-resize|real_resize"):
        PRESET.config(real_resize="bicubic")
    # The files: by default each one resized to every resolution, pixel for pixel keras.io's
    # loader (PIL's nearest neighbour, which samples each block's centre: not one of the
    # target-size image's pixels), and the step takes its own resolution's.
    pixels = np.random.default_rng(13).integers(0, 256, (27, 22, 3), dtype=np.uint8)  # not square, as CelebA
    Image.fromarray(pixels).save(tmp_path / "face.png")
    config = PRESET.config(data_dir=str(tmp_path), target_size=8, batch_size=4, real_resize="nearest")
    batch = {k: v.numpy() for k, v in next(iter(PRESET.load_data(config).dataset)).items()}
    assert sorted(batch) == ["4", "8"]
    for size in (4, 8):
        keras_io = np.asarray(Image.fromarray(pixels).resize((size, size), Image.NEAREST), "float32")
        np.testing.assert_allclose(batch[str(size)][0], keras_io / 127.5 - 1.0, atol=1e-6)
    stage = StyleGAN(target_size=8, resolution=4, **TINY)
    np.testing.assert_array_equal(stage.real_images(batch), batch["4"])
    assert not np.allclose(batch["4"], batch["8"][:, 1::2, 1::2])  # the files' own 4x4, not a slice of 8x8
    smooth = PRESET.load_data({**config, "target_size": 4, "real_resize": "average"}).dataset
    keras_io = np.asarray(Image.fromarray(pixels).resize((4, 4), Image.NEAREST), "float32") / 127.5 - 1.0
    assert np.abs(next(iter(smooth)).numpy()[0] - keras_io).max() > 0.01  # blended


# --- Style mixing and truncation --------------------------------------------------------------


@pytest.fixture(scope="module")
def generator():
    gan = tiny_gan(target_size=16, resolution=16, seed=4)  # stages 4, 8 (coarse) and 16 (fine)
    return gan.generator


# Two batches of different sizes, or images drawn by another path, differ by round-off: oneDNN picks
# its kernels by batch size and CPU (1.7e-6 seen on an AVX2 EPYC). A wrong style or noise moves
# pixels by more than 1e-4, as `differs` checks.
ROUND_OFF = 1e-5


def test_style_mixing_uses_both_latents(generator):
    z_a, z_b, z_c = normal((3, 8), 10), normal((3, 8), 11), normal((3, 8), 12)
    mixed = style_mixing(generator, z_a, z_b)
    pure_a, pure_b = generator(z_a).numpy(), generator(z_b).numpy()
    np.testing.assert_allclose(images_from_styles(generator, styles(generator, z_a)), pure_a, atol=ROUND_OFF)

    def differs(x, y):
        return np.abs(x - y).reshape(len(x), -1).max(axis=1).min() > 1e-4  # every image differs

    assert differs(mixed, pure_a) and differs(mixed, pure_b)
    assert differs(style_mixing(generator, z_c, z_b), mixed)  # the coarse source matters
    assert differs(style_mixing(generator, z_a, z_c), mixed)  # so does the fine one
    np.testing.assert_allclose(style_mixing(generator, z_a, z_a), pure_a, atol=ROUND_OFF)
    grid = style_mixing_grid(generator, z_a[:2], z_b)
    assert grid.shape == (3, 4, 16, 16, 3)
    np.testing.assert_allclose(grid[0, 1:], pure_b, atol=ROUND_OFF)
    np.testing.assert_allclose(grid[1:, 0], pure_a[:2], atol=ROUND_OFF)
    np.testing.assert_allclose(
        grid[1:, 2], style_mixing(generator, z_a[:2], np.repeat(z_b[1:2], 2, 0)), atol=ROUND_OFF
    )
    # A row keeps its source's noise: with every style from the row source, a row is its source.
    all_coarse = style_mixing_grid(generator, z_a[:2], z_b, crossover=3)
    np.testing.assert_allclose(all_coarse[1:, 1:], np.repeat(all_coarse[1:, :1], 3, axis=1), atol=ROUND_OFF)


def test_the_sampler_gives_each_image_its_own_noise_the_same_at_every_call(generator):
    z = np.repeat(normal((1, 8), 14), 3, axis=0)  # one latent vector three times
    images = generator(z).numpy()
    np.testing.assert_array_equal(generator(z).numpy(), images)
    np.testing.assert_allclose(generator(z[:1]).numpy(), images[:1], atol=ROUND_OFF)  # image 0 of any batch
    assert np.abs(images[0] - images[1]).max() > 1e-3 and np.abs(images[1] - images[2]).max() > 1e-3
    # keras.io's constant input is ones, which instance normalisation turns to zeros: the noise
    # carries the layout, and one image without it is one flat colour.
    gan = tiny_gan(target_size=16, resolution=16, seed=4)
    w = gan.mapping(z[:1])
    flat = gan.synthesize(w, [keras.ops.zeros_like(n) for n in gan.sample_noise(1)]).numpy()
    np.testing.assert_allclose(flat, np.broadcast_to(flat[:, :1, :1], flat.shape), atol=1e-5)


def test_a_generator_saved_with_the_shared_noise_map_loads_with_a_map_per_image(generator, tmp_path):
    # Files saved before the fix name the noise layer ConstantNoise (one map for the whole batch).
    path = tmp_path / "generator.keras"
    generator.save(path)
    old = tmp_path / "old.keras"
    with zipfile.ZipFile(path) as new_file, zipfile.ZipFile(old, "w") as old_file:
        for item in new_file.infolist():
            data = new_file.read(item)
            if item.filename == "config.json":
                assert b'"keras_gans>SeededNoise"' in data
                data = data.replace(b"SeededNoise", b"ConstantNoise")  # its class and registered names
            old_file.writestr(item, data)
    z = normal((3, 8), 15)
    np.testing.assert_allclose(keras.models.load_model(old)(z).numpy(), generator(z).numpy(), atol=1e-6)


def test_truncation_psi_0_is_the_mean_style_image(generator):
    z = normal((5, 8), 13)
    w_mean = mean_style(generator, n=2000)
    assert w_mean.shape == (1, 3, 8)
    np.testing.assert_allclose(
        truncate(styles(generator, z), w_mean, 0.0), np.repeat(w_mean, 5, 0), atol=1e-6
    )
    images = truncated_images(generator, z, 0.0, w_mean)
    np.testing.assert_allclose(images, images_from_styles(generator, np.repeat(w_mean, 5, 0)), atol=1e-6)
    np.testing.assert_allclose(truncated_images(generator, z, 1.0, w_mean), generator(z).numpy(), atol=1e-5)
    grid = truncation_grid(generator, z[:2], psis=(1.0, 0.0), w_mean=w_mean)
    assert grid.shape == (2, 2, 16, 16, 3)


# --- A whole run, stopped and resumed -----------------------------------------------------------


class Killed(Exception):
    pass


class KillAfter(keras.callbacks.Callback):
    """Stops the run after an epoch (its checkpoint written), as a kill would."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise Killed


def test_a_run_writes_its_folder_and_resumes_at_its_resolution(tmp_path, capsys):
    faces = tmp_path / "faces"
    faces.mkdir()
    for i in range(8):
        Image.fromarray(np.random.default_rng(i).integers(0, 256, (20, 20, 3), dtype=np.uint8)).save(
            faces / f"{i}.png"
        )
    out = tmp_path / "run"
    options = dict(
        data_dir=str(faces),
        output_dir=str(out),
        target_size=8,  # 4x4 stable (epoch 1), 8x8 transition (2-3), 8x8 stable (4-5)
        epochs=3,  # to the end of the transition
        steps_per_epoch=2,
        batch_size=4,
        eval_every=0,
        num_images=4,
        seed=0,
        verbose=2,
        **TINY,
    )
    killed = dataclasses.replace(
        PRESET, monitors=lambda config, data, samples: [*PRESET.monitors(config, data, samples), KillAfter(1)]
    )
    with pytest.raises(Killed):
        train(killed, **options)  # stopped after epoch 2, half way through the 8x8 fade-in
    assert not (out / "run.json").exists()
    capsys.readouterr()

    paths = train("stylegan", **options)
    printed = capsys.readouterr().out
    assert "Resuming after epoch 2" in printed
    # Epoch 3 is the second of the 8x8 transition's two: its fade-in goes on from alpha 0.5.
    assert (
        "8x8 transition phase (epochs 2-3) resumed at epoch 3: batch 4, learning rate 0.001, alpha 0.50"
        in printed
    )
    assert "4x4" not in printed and "8x8 stable" not in printed
    record = json.loads((out / "run.json").read_text())
    assert record["resumed"] is True and record["config"]["target_size"] == 8
    assert [row.split(",")[0] for row in (out / "losses.csv").read_text().splitlines()] == ["epoch", *"012"]
    for name in ("generator.keras", "gan.keras", "style_mixing.png", "truncation.png", "losses.png"):
        assert (out / name).is_file(), name
    assert sorted(p.name for p in (out / "samples").glob("grid_*.png")) == [
        f"grid_{e:03d}.png" for e in range(3)
    ]
    gan = keras.models.load_model(paths["gan"])
    assert (gan.resolution, float(gan.alpha.numpy())) == (8, 1.0)
    generator = keras.models.load_model(paths["generator"])
    assert generator.output_shape == (None, 8, 8, 3)
    assert np.isfinite(generator(normal((2, 8), 0)).numpy()).all()
    with Image.open(out / "style_mixing.png") as figure:
        assert figure.size == (7 * 8, 5 * 8)  # 6 column sources and 4 row sources, plus the corner


def test_progressive_growth_sets_each_epoch_from_its_number():
    gan = tiny_gan(target_size=16, resolution=4)
    schedule = keras_io_schedule(4, 16, batch_size=8)
    callback = ProgressiveGrowth(schedule, verbose=False)
    callback.set_model(gan)
    callback.set_params({"steps": 10, "epochs": 11})
    gan.d_optimizer.iterations.assign(5)
    callback.on_epoch_begin(6)  # the second of the 16x16 transition's three epochs
    assert (gan.resolution, gan.stage_batch_size) == (16, 8)
    assert (int(gan.phase_step.numpy()), int(gan.fade_steps.numpy())) == (10, 30)
    assert float(gan.alpha.numpy()) == pytest.approx(1 / 3)
    assert int(gan.d_optimizer.iterations.numpy()) == 5  # mid-phase: the optimizer state stays
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(5e-4)
    callback.on_epoch_begin(8)  # the 16x16 stable phase begins: fresh optimizers
    assert int(gan.d_optimizer.iterations.numpy()) == 0 and float(gan.alpha.numpy()) == 1.0
    gan.g_optimizer.iterations.assign(3)
    gan.reset_optimizers()  # alone, it keeps the rate
    assert int(gan.g_optimizer.iterations.numpy()) == 0
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(5e-4)


def test_epochs_past_the_schedule_lengthen_its_last_phase(capsys):
    gan = tiny_gan(target_size=16, resolution=4)
    callback = ProgressiveGrowth(keras_io_schedule(4, 16, batch_size=8))  # 11 epochs: 16x16 stable 9-11
    callback.set_model(gan)
    callback.set_params({"steps": 10, "epochs": 14})
    callback.on_epoch_begin(12)  # a run resumed at its 13th epoch, 2 past the schedule
    assert (gan.resolution, float(gan.alpha.numpy())) == (16, 1.0)
    assert "16x16 stable phase (epochs 9-14) resumed at epoch 13" in capsys.readouterr().out
