"""CycleGAN: keras.io's networks, the losses by hand, saving four networks, the data, a run."""

import keras
import numpy as np
import pytest
from conftest import require_data
from PIL import Image

from keras_gans.callbacks import SetLearningRate
from keras_gans.cli import main as cli_main
from keras_gans.data import unpaired
from keras_gans.data.images import DataError
from keras_gans.models.cyclegan import (
    NETWORKS,
    CycleGAN,
    ReflectionPadding2D,
    build_cyclegan,
    build_discriminator,
    build_generator,
    translate,
)
from keras_gans.presets import OptionError, get_preset
from keras_gans.presets.base import TrainingData
from keras_gans.presets.cyclegan import judge_images, translation_score_fn

PRESET = get_preset("cyclegan")
TINY = dict(image_size=16, gen_filters=4, disc_filters=4, num_residual_blocks=1)

# keras.io's own builders (examples/generative/cyclegan.py, get_resnet_generator and
# get_discriminator at their defaults, 256x256x3), built and counted with Keras 3.15 in a scratch
# script, tfa's InstanceNormalization replaced by GroupNormalization(groups=-1) (the same gamma and
# beta per channel).
KERAS_IO_GENERATOR_PARAMS = 11_383_427
KERAS_IO_DISCRIMINATOR_PARAMS = 2_765_633


def _images(n, size=16, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, size, size, 3)).astype("float32")


def _weights(model):
    return [w.numpy().copy() for w in model.trainable_weights]


def _changed(before, model):
    return any(not np.array_equal(b, w.numpy()) for b, w in zip(before, model.trainable_weights, strict=True))


# --- keras.io's networks --------------------------------------------------------------------


def test_parameter_counts_match_keras_io():
    generator, discriminator = build_generator(), build_discriminator()
    assert generator.count_params() == KERAS_IO_GENERATOR_PARAMS
    assert discriminator.count_params() == KERAS_IO_DISCRIMINATOR_PARAMS
    assert generator.output_shape == (None, 256, 256, 3)
    assert discriminator.output_shape == (None, 32, 32, 1)  # 70x70 patches, one score each
    # Nine residual blocks of two convolutions, each followed by instance normalization (one group
    # per channel: groups=-1 becomes the channel count).
    norms = [layer for layer in generator.layers if isinstance(layer, keras.layers.GroupNormalization)]
    assert len(norms) == 1 + 2 + 2 * 9 + 2 and all(n.groups == n.input.shape[-1] for n in norms)


def test_the_networks_are_fully_convolutional():
    generator = build_generator(image_size=None, filters=4, num_residual_blocks=1)
    for size in (12, 32):
        assert generator(_images(1, size)).shape == (1, size, size, 3)


def test_reflection_padding_mirrors_and_survives_saving():
    layer = ReflectionPadding2D(padding=(3, 2))  # keras.io's order: (width, height)
    x = np.arange(2 * 5 * 6 * 1, dtype="float32").reshape(2, 5, 6, 1)
    expected = np.pad(x, ((0, 0), (2, 2), (3, 3), (0, 0)), mode="reflect")
    np.testing.assert_array_equal(layer(x).numpy(), expected)
    assert layer.compute_output_shape((None, 5, 6, 1)) == (None, 9, 12, 1)
    # keras.io's layer has no get_config: it reloaded with (1, 1).
    assert ReflectionPadding2D.from_config(layer.get_config()).padding == (3, 2)


def test_instance_norm_normalizes_each_channel_of_each_image():
    layer = keras.layers.GroupNormalization(groups=-1, gamma_initializer="ones")
    x = np.random.default_rng(0).normal(3.0, 5.0, (2, 8, 8, 4)).astype("float32")
    y = layer(x).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0.0, atol=1e-4)
    np.testing.assert_allclose(y.std(axis=(1, 2)), 1.0, atol=1e-3)


def test_discriminator_takes_its_num_downsampling():
    # keras.io loops over range(3) whatever num_downsampling says; the last block has stride 1.
    assert build_discriminator(32, filters=2, num_downsampling=3).output_shape == (None, 4, 4, 1)
    assert build_discriminator(32, filters=2, num_downsampling=2).output_shape == (None, 8, 8, 1)


def test_each_layer_draws_its_own_initial_weights():
    # One shared initializer object gives every same-shaped kernel the same values in Keras 3.
    generator = build_generator(image_size=16, filters=4, num_residual_blocks=2, seed=0)
    kernels = [
        w.numpy() for w in generator.weights if w.path.endswith("kernel") and w.shape == (3, 3, 16, 16)
    ]
    assert len(kernels) == 4 and not np.array_equal(kernels[0], kernels[1])
    assert 0.015 < np.concatenate([k.ravel() for k in kernels]).std() < 0.025  # N(0, 0.02)
    again = build_generator(image_size=16, filters=4, num_residual_blocks=2, seed=0)
    for a, b in zip(generator.weights, again.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_the_untrained_networks_see_their_input():
    # keras.io's instance-norm gammas started N(0, 0.02): each norm erased its input, and the
    # untrained networks answered every image alike (across four images the generator's output
    # varied by ~1e-8, the discriminator's by ~1e-5, at these sizes). Now N(1, 0.02).
    images = _images(4, 32)
    generator = build_generator(image_size=32, filters=4, num_residual_blocks=1, seed=0)
    discriminator = build_discriminator(32, filters=4, seed=0)
    for network in (generator, discriminator):
        gammas = [
            layer.gamma.numpy()
            for layer in network.layers
            if isinstance(layer, keras.layers.GroupNormalization)
        ]
        assert gammas and all(abs(g.mean() - 1.0) < 0.02 and g.std() < 0.05 for g in gammas)
    assert generator(images, training=True).numpy().std(axis=0).mean() > 0.05
    assert discriminator(images, training=True).numpy().std(axis=0).mean() > 0.05


def test_preset_compiles_keras_io_settings():
    model = PRESET.build_gan(**TINY)
    assert (model.lambda_cycle, model.lambda_identity) == (10.0, 0.5)
    assert len(model.optimizers) == 4 and len({id(o) for o in model.optimizers}) == 4
    for optimizer in model.optimizers:
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate) == pytest.approx(2e-4)
        assert float(optimizer.beta_1) == pytest.approx(0.5)
    assert model.sampler is model.gen_G and model.generator is model.gen_G
    # A resume with a new --learning-rate sets all four.
    callback = SetLearningRate(1e-4)
    callback.set_model(model)
    callback.on_train_begin()
    assert all(float(o.learning_rate) == pytest.approx(1e-4) for o in model.optimizers)


# --- The losses, by hand --------------------------------------------------------------------


def _mse(target, output):
    return float(np.mean((output - target) ** 2))


def _mae(a, b):
    return float(np.mean(np.abs(a - b)))


def test_losses_by_hand():
    model = build_cyclegan(**TINY, lambda_cycle=7.0, lambda_identity=0.3, seed=3)
    x, y = _images(2, seed=1), _images(2, seed=2)
    net = {name: (lambda a, n=name: getattr(model, n)(a, training=False).numpy()) for name in NETWORKS}
    fake_y, fake_x = net["gen_G"](x), net["gen_F"](y)
    cycled_x, cycled_y = net["gen_F"](fake_y), net["gen_G"](fake_x)
    same_x, same_y = net["gen_F"](x), net["gen_G"](y)
    expected = {
        # Adversarial (least squares: fakes should score 1) + cycle + identity.
        "G_loss": _mse(1.0, net["disc_Y"](fake_y)) + 7.0 * _mae(y, cycled_y) + 7.0 * 0.3 * _mae(y, same_y),
        "F_loss": _mse(1.0, net["disc_X"](fake_x)) + 7.0 * _mae(x, cycled_x) + 7.0 * 0.3 * _mae(x, same_x),
        # Reals should score 1, fakes 0: the mean of the two.
        "D_X_loss": 0.5 * (_mse(1.0, net["disc_X"](x)) + _mse(0.0, net["disc_X"](fake_x))),
        "D_Y_loss": 0.5 * (_mse(1.0, net["disc_Y"](y)) + _mse(0.0, net["disc_Y"](fake_y))),
    }
    # The first step reports the losses at the weights before its update.
    logs = model.train_step((x, y))
    assert set(logs) == set(expected)
    for name, value in expected.items():
        assert float(logs[name]) == pytest.approx(value, rel=1e-5), name


def _identity(name, size=16):
    inputs = keras.Input((size, size, 3))
    return keras.Model(inputs, keras.layers.Identity()(inputs), name=name)


def test_identity_mappings_have_no_cycle_or_identity_loss_and_score_zero():
    model = CycleGAN(
        _identity("generator_G"),
        _identity("generator_F"),
        build_discriminator(16, filters=2, name="discriminator_X"),
        build_discriminator(16, filters=2, name="discriminator_Y"),
    )
    model.compile()
    x, y = _images(3, seed=4), _images(3, seed=5)
    losses = model.compute_losses(x, y, training=False)
    for name in ("cycle_G", "cycle_F", "identity_G", "identity_F"):
        assert float(losses[name]) == 0.0, name
    scores = translation_score_fn(x, y)(model.translators)
    assert scores == {"cycle_mae_x": 0.0, "cycle_mae_y": 0.0, "cycle_mae": 0.0}


# --- The shared checks, for four networks ---------------------------------------------------------


def test_config_round_trip_a_step_trains_all_four_and_keras_files_reload(tmp_path):
    model = build_cyclegan(**TINY, lambda_cycle=8.0, seed=5)
    config = model.get_config()
    clone = CycleGAN.from_config(config)
    assert clone.get_config() == config and clone.lambda_cycle == 8.0

    before = {name: _weights(getattr(model, name)) for name in NETWORKS}
    logs = model.train_on_batch(_images(2, seed=6), _images(2, seed=7), return_dict=True)
    assert all(np.isfinite(v) for v in logs.values()), logs
    for name in NETWORKS:
        assert _changed(before[name], getattr(model, name)), f"{name} did not change"

    x, y = _images(2, seed=8), _images(2, seed=9)
    expected = [o.numpy() for o in model.translators([x, y])]
    model.generator.save(tmp_path / "generator.keras")
    generator = keras.models.load_model(tmp_path / "generator.keras")
    np.testing.assert_array_equal(generator(x).numpy(), expected[0])
    model.translators.save(tmp_path / "translators.keras")
    translators = keras.models.load_model(tmp_path / "translators.keras")
    for a, b in zip(translators([x, y]), expected, strict=True):
        np.testing.assert_array_equal(a.numpy(), b)

    model.save(tmp_path / "gan.keras")
    reloaded = keras.models.load_model(tmp_path / "gan.keras")
    assert type(reloaded) is CycleGAN and reloaded.lambda_cycle == 8.0
    for a, b in zip(reloaded.translators([x, y]), expected, strict=True):
        np.testing.assert_array_equal(a.numpy(), b)
    for name in ("disc_X", "disc_Y"):
        for a, b in zip(getattr(model, name).weights, getattr(reloaded, name).weights, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    for a, b in zip(model.optimizers, reloaded.optimizers, strict=True):
        assert isinstance(b, keras.optimizers.Adam) and int(b.iterations) == int(a.iterations) == 1
    assert reloaded.generator_loss_fn.__name__ == "generator_loss_fn"


# --- Data ----------------------------------------------------------------------------------------


def test_standin_reader_gives_sneakers_and_ankle_boots(monkeypatch):
    folder = require_data("fashion-mnist")
    monkeypatch.delenv(unpaired.FASHION_MNIST_ENV, raising=False)
    monkeypatch.setenv(unpaired.SHARED_DATA_ENV, str(folder.parent))
    assert unpaired.fashion_mnist_dir() == str(folder)  # the shared copy, found as the notebooks find it
    from keras_gans.data.mnist import load_mnist

    (train_images, train_labels), (test_images, test_labels) = load_mnist(folder)
    (sneakers, boots), (test_sneakers, test_boots) = unpaired.fashion_standin()
    assert sneakers.shape == boots.shape == (6000, 32, 32, 3) and sneakers.dtype == np.uint8
    assert test_sneakers.shape == test_boots.shape == (1000, 32, 32, 3)
    # Class 7 and class 9, padded with their black background, grey in all three channels.
    np.testing.assert_array_equal(sneakers[:, 2:30, 2:30, 0], train_images[train_labels == 7])
    np.testing.assert_array_equal(test_boots[:, 2:30, 2:30, 1], test_images[test_labels == 9])
    assert not sneakers[:, :2].any() and not boots[:, :, -2:].any()
    np.testing.assert_array_equal(sneakers[..., 0], sneakers[..., 2])
    # What the judge reads is the picture the stand-in was made from.
    seen = judge_images(unpaired.as_test_images(test_sneakers[:4], 32))
    np.testing.assert_allclose(seen[..., 0], test_images[test_labels == 7][:4] / 255.0, atol=1e-6)

    x, y = next(iter(unpaired.unpaired_arrays(sneakers[:10], boots[:10], 32, batch_size=4, seed=0)))
    assert x.shape == y.shape == (4, 32, 32, 3)
    assert -1.0 <= float(np.min(x)) and float(np.max(x)) <= 1.0


def test_training_preprocessing_is_keras_io_jitter():
    assert unpaired.jitter_size(256) == 286 and unpaired.jitter_size(32) == 36
    image = np.zeros((32, 32, 3), np.uint8)
    image[:, :16] = 255  # left half white
    crops = [unpaired.preprocess_train_image(image, 32, [seed, 0]).numpy() for seed in range(12)]
    assert all(c.shape == (32, 32, 3) and c.min() >= -1.0 and c.max() <= 1.0 for c in crops)
    # Random crops of the enlarged image, randomly flipped: not all the same.
    assert len({c.tobytes() for c in crops}) > 1
    assert unpaired.preprocess_test_image(image, 32).numpy()[0, 0, 0] == 1.0


def test_a_seeded_pipeline_jitters_the_same_every_time_and_anew_each_epoch():
    # keras.io's stateful draws in a parallel map changed with the threads' timing (fixed).
    images = np.random.default_rng(0).integers(0, 256, (40, 16, 16, 3), dtype=np.uint8)

    def two_epochs(seed):
        dataset = unpaired.array_dataset(images, 16, batch_size=8, seed=seed)
        return [np.concatenate([batch.numpy() for batch in dataset]) for _ in range(2)]

    first, again = two_epochs(0), two_epochs(0)
    for epoch, repeated in zip(first, again, strict=True):
        np.testing.assert_array_equal(epoch, repeated)
    assert not np.array_equal(first[0], first[1])  # reshuffled and jittered anew
    assert not np.array_equal(first[0], two_epochs(1)[0])


def _write_images(folder, count, size):
    folder.mkdir(parents=True)
    for i in range(count):
        Image.new("RGB", size, (40 * i, 100, 200)).save(folder / f"{i}.png")


def test_two_folders_of_images(tmp_path):
    _write_images(tmp_path / "a", 3, (20, 24))
    _write_images(tmp_path / "b", 5, (16, 16))
    config = PRESET.config(
        domain_a=str(tmp_path / "a"), domain_b=str(tmp_path / "b"), image_size=8, batch_size=2, num_images=2
    )
    data = PRESET.load_data(config)
    batches = list(data.dataset)
    assert len(batches) == 2  # keras.io's zip: an epoch ends with the shorter domain (3 images)
    x, y = batches[0]
    assert x.shape == y.shape == (2, 8, 8, 3)
    assert data.extra["test_x"].shape == data.extra["test_y"].shape == (3, 8, 8, 3)  # as many each way


def test_horse2zebra_offline_is_one_line_with_the_way_out(tmp_path, monkeypatch, capsys):
    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://efrosgans...: None -- [Errno -3]\nTemporary failure")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as error:
        unpaired.download_horse2zebra()
    message = str(error.value)
    assert "\n" not in message and message.startswith("Could not download horse2zebra")
    assert unpaired.HORSE2ZEBRA_URL in message and "data/horse2zebra/trainA" in message
    assert "--domain-a DIR --domain-b DIR" in message
    # The script: exit status 2, that line last, no traceback.
    assert cli_main("cyclegan", ["--output-dir", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"error: {message}" and "Traceback" not in "".join(err)


def test_horse2zebra_unzipped_by_hand_is_not_downloaded(tmp_path, monkeypatch):
    monkeypatch.setattr(keras.utils, "get_file", lambda *a, **k: pytest.fail("no download expected"))
    for name in ("trainA", "trainB"):
        (tmp_path / "horse2zebra" / name).mkdir(parents=True)
    assert unpaired.download_horse2zebra(str(tmp_path)) == str(tmp_path / "horse2zebra")


@pytest.mark.parametrize(
    "options, message",
    [
        ({"domain_a": "a"}, "go together"),
        ({"domain_a": "a", "domain_b": "b", "dataset": "sneaker2boot"}, "replace --dataset"),
        ({"image_size": 30}, "multiple of 4"),
        ({"dataset": "apple2orange"}, "--dataset: must be one of horse2zebra, sneaker2boot"),
        ({"ema_decay": 0.99}, "no moving average"),
    ],
)
def test_options_it_cannot_take_are_refused(options, message):
    with pytest.raises(OptionError, match=message):
        PRESET.config(**options)


# --- A run ----------------------------------------------------------------------------------------


def test_a_kept_best_is_drawn_as_the_monitor_draws(tmp_path):
    # translations.png: 6 rows of 2 images, 32x32, from [x, y] -> [G(x), F(y)], by best/'s G and F.
    # (A run's folder, its losses, scores and sample files: tests/test_user_path.py runs the script.)
    sizes = {**TINY, "image_size": 32}
    gan = PRESET.build_gan(**sizes)
    (tmp_path / "best").mkdir()
    gan.translators.save(tmp_path / "best" / "translators.keras")
    config = PRESET.config(**sizes, num_images=2)
    data = TrainingData(None, extra={"test_x": _images(2, 32), "test_y": _images(2, 32, seed=1)})
    paths = {"best": str(tmp_path / "best"), "output_dir": str(tmp_path)}
    drawn = PRESET.finish(config, data, gan.generator, paths)
    with Image.open(drawn["translations"]) as image:
        assert image.size == (2 * 32, 6 * 32)
    best = keras.models.load_model(tmp_path / "best" / "translators.keras")
    fake_y, fake_x, cycled_x, cycled_y = translate(best, _images(2, 32), _images(2, 32))
    assert fake_y.shape == cycled_y.shape == (2, 32, 32, 3)
    # No best kept (no epoch translated well enough): nothing drawn.
    assert PRESET.finish(config, data, gan.generator, {**paths, "best": str(tmp_path / "none")}) == {}
