"""Issue #29's improved training: DiffAugment, R1 and the discriminator's own learning rate.

Each tutorial's step with them on is in its own test file (the shared checks, `IMPROVED`); here,
what the pieces compute, checked against the same numbers worked out by hand.
"""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.augment import color, cutout, diff_augment, parse_policy, translation
from keras_gans.cli import main as cli_main
from keras_gans.cli import parse_options
from keras_gans.models.gan import GAN
from keras_gans.options import OptionError
from keras_gans.presets import get_preset


def constant(*values):
    """`uniform(n)` for a batch of one: the values given, as the model's draws would be."""
    return lambda n: tf.constant([values[:n]], "float32")


def test_policies_are_named_checked_and_off_when_empty():
    assert parse_policy("color, translation,cutout") == ("color", "translation", "cutout")
    assert parse_policy("") == ()
    with pytest.raises(ValueError, match="unknown augmentation blur"):
        parse_policy("color,blur")


def test_color_at_the_middle_of_its_ranges_leaves_an_image_as_it_was_and_changes_it_elsewhere():
    image = np.random.default_rng(0).uniform(-1, 1, (1, 4, 4, 3)).astype("float32")
    np.testing.assert_allclose(color(image, constant(0.5, 0.5, 0.5)), image, atol=1e-6)
    # Brightness +0.25, saturation x1, contrast x1: every pixel 0.25 brighter.
    np.testing.assert_allclose(color(image, constant(0.75, 0.5, 0.5)), image + 0.25, atol=1e-6)
    # Saturation x0: each pixel its channels' mean; contrast x0.5: halfway to the image's mean.
    grey = image.mean(axis=3, keepdims=True) * np.ones_like(image)
    np.testing.assert_allclose(color(image, constant(0.5, 0.0, 0.5)), grey, atol=1e-6)
    halfway = 0.5 * (image - image.mean()) + image.mean()
    np.testing.assert_allclose(color(image, constant(0.5, 0.5, 0.0)), halfway, atol=1e-6)


def test_translation_moves_the_image_by_whole_pixels_and_fills_with_zeros():
    image = np.arange(1, 65, dtype="float32").reshape(1, 8, 8, 1)  # shifts of up to 1 pixel
    # u = 0 -> a shift of -1 (the padded image read from one row/column earlier): content moves down/right.
    moved = translation(image, constant(0.0, 0.5)).numpy()
    np.testing.assert_array_equal(moved[0, 1:, :, 0], image[0, :-1, :, 0])
    np.testing.assert_array_equal(moved[0, 0, :, 0], 0)
    moved = translation(image, constant(0.5, 0.99)).numpy()  # no row shift, one column left
    np.testing.assert_array_equal(moved[0, :, :-1, 0], image[0, :, 1:, 0])
    np.testing.assert_array_equal(moved[0, :, -1, 0], 0)


def test_cutout_zeros_one_square_of_half_the_size():
    image = np.ones((1, 8, 8, 2), "float32")
    cut = cutout(image, constant(0.5, 0.5)).numpy()  # centred at (4, 4): rows and columns 2 to 5
    zeros = np.argwhere(cut[0, :, :, 0] == 0)
    assert len(zeros) == 16 and zeros.min(axis=0).tolist() == [2, 2] and zeros.max(axis=0).tolist() == [5, 5]
    np.testing.assert_array_equal(cut[..., 0], cut[..., 1])  # every channel alike


def test_each_augmentation_passes_the_gradient_back_to_the_images():
    images = tf.Variable(np.random.default_rng(1).uniform(-1, 1, (3, 8, 8, 3)).astype("float32"))
    rng = np.random.default_rng(2)
    uniform = lambda n: tf.constant(rng.uniform(size=(3, n)), "float32")  # noqa: E731
    with tf.GradientTape() as tape:
        out = diff_augment(images, ("color", "translation", "cutout"), uniform)
        loss = tf.reduce_sum(out * out)
    gradient = tape.gradient(loss, images)
    assert out.shape == images.shape and gradient is not None
    assert np.count_nonzero(gradient.numpy()) > images.numpy().size // 3  # not cut off by the policies


def logistic_gan(**options):
    """A GAN whose discriminator is a logistic regression D(x) = sigmoid(w . x + b): its logit's
    gradient with respect to x is w wherever x is."""
    image = keras.Input((2, 2, 1))
    discriminator = keras.Model(
        image, keras.layers.Dense(1, activation="sigmoid")(keras.layers.Flatten()(image))
    )
    z = keras.Input((3,))
    generator = keras.Model(z, keras.layers.Reshape((2, 2, 1))(keras.layers.Dense(4, activation="tanh")(z)))
    gan = GAN(discriminator, generator, latent_dim=3, seed=0, **options)
    gan.compile()
    return gan


def test_r1_is_half_gamma_times_the_squared_gradient_of_the_logit_at_real_images():
    gan = logistic_gan(r1_gamma=10.0)
    w = gan.discriminator.layers[-1].kernel.numpy()
    reals = np.random.default_rng(3).uniform(-1, 1, (5, 2, 2, 1)).astype("float32")
    # The sigmoid's output turned back into the logit: its gradient is w for every image.
    assert float(gan.r1_penalty(reals)) == pytest.approx(10.0 / 2 * np.sum(w**2), rel=1e-3)
    assert logistic_gan().r1_penalty(reals) == 0.0  # off by default


def test_r1_trains_the_discriminator_towards_a_smaller_gradient():
    # With the cross-entropies at zero weight, a step on R1 alone shrinks |w|: its gradient is gamma * w.
    gan = logistic_gan(r1_gamma=1.0)
    w = gan.discriminator.layers[-1].kernel
    before = float(tf.reduce_sum(w * w))
    reals = np.zeros((4, 2, 2, 1), "float32")
    with tf.GradientTape() as tape:
        penalty = gan.r1_penalty(reals)
    gradient = tape.gradient(penalty, w)
    np.testing.assert_allclose(gradient, w.numpy(), rtol=1e-3)
    w.assign_sub(0.1 * gradient)
    assert float(tf.reduce_sum(w * w)) < before


def test_the_discriminator_sees_augmented_images_only_when_asked_and_the_tutorial_draws_stay_the_same():
    images = np.random.default_rng(4).uniform(-1, 1, (4, 2, 2, 1)).astype("float32")
    plain, augmented = logistic_gan(), logistic_gan(augment="color")
    augmented.discriminator.set_weights(plain.discriminator.get_weights())
    assert plain.augment_seed_generator is None  # no new variables, no other latent vectors
    np.testing.assert_array_equal(plain.discriminate(images), plain.discriminator(images, training=True))
    assert not np.allclose(augmented.discriminate(images), plain.discriminate(images))
    np.testing.assert_array_equal(plain.sample_latent(4), augmented.sample_latent(4))
    assert augmented.get_config()["augment"] == "color"


def test_a_step_with_everything_on_compiles_with_xla():
    gan = logistic_gan(augment="color,translation,cutout", r1_gamma=1.0)
    gan.compile(jit_compile=True)
    logs = gan.train_on_batch(
        np.random.default_rng(5).uniform(-1, 1, (4, 2, 2, 1)).astype("float32"), return_dict=True
    )
    assert all(np.isfinite(v) for v in logs.values())


def test_the_options_reach_the_model_the_optimizers_and_run_json(tmp_path):
    preset = get_preset("dcgan_mnist")
    gan = preset.build_gan(**preset.tiny, augment="translation", r1_gamma=0.5, d_learning_rate=3e-4)
    assert (gan.augment, gan.r1_gamma) == ("translation", 0.5)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(3e-4)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-4)  # the tutorial's, for the generator
    default = preset.build_gan(**preset.tiny)
    assert (default.augment, default.r1_gamma, float(default.d_optimizer.learning_rate)) == (
        "",
        0.0,
        pytest.approx(1e-4),
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--augment", "color,blur"],
            "--augment: must be comma-separated names from color, translation, cutout",
        ),
        (["--r1-gamma", "-1"], "--r1-gamma: must be a finite number at least 0, got -1"),
        (["--d-learning-rate", "0"], "--d-learning-rate: must be a finite number greater than 0, got 0"),
    ],
)
def test_bad_values_get_one_line(args, message, capsys):
    with pytest.raises(SystemExit) as exit:
        cli_main("dcgan_mnist", args)
    assert exit.value.code == 2 and message in capsys.readouterr().err


def test_the_tutorials_own_composite_loop_refuses_them():
    with pytest.raises(OptionError, match="need --method fit"):
        get_preset("gan_mnist").config(augment="cutout")


def test_improved_turns_on_the_tutorials_set_and_options_given_beside_it_win():
    preset = get_preset("cgan_mnist")  # the default set: its preset gives none of its own
    options = parse_options(preset, ["--improved"])
    assert options["improved"] is True
    assert (
        {k: options[k] for k in preset.improved}
        == preset.improved
        == {
            "ema_decay": 0.999,
            "augment": "color,translation,cutout",
        }
    )
    options = parse_options(preset, ["--improved", "--augment", "translation", "--r1-gamma", "0.1"])
    assert (options["ema_decay"], options["augment"], options["r1_gamma"]) == (0.999, "translation", 0.1)
    # From Python as from the command line; without it, the tutorial's training.
    config = preset.config(improved=True, ema_decay=0.99)
    assert (config["ema_decay"], config["augment"]) == (0.99, "color,translation,cutout")
    assert preset.config()["augment"] == ""  # (its own default keeps an average, --improved or not)
    # --help names the set.
    assert preset.declared["improved"].help.endswith("(--ema-decay 0.999 --augment color,translation,cutout)")


def test_an_improved_run_records_what_it_ran_with(tmp_path):
    from keras_gans.runner import train

    preset = get_preset("dcgan_celeba")
    images = np.random.default_rng(0).integers(0, 256, (8, 16, 16, 3), dtype=np.uint8)
    folder = tmp_path / "faces"
    folder.mkdir()
    from PIL import Image

    for i, image in enumerate(images):
        Image.fromarray(image).save(folder / f"{i}.png")
    out = tmp_path / "run"
    train(
        "dcgan_celeba",
        **preset.tiny,
        improved=True,
        r1_gamma=0.5,
        data_dir=str(folder),
        output_dir=str(out),
        epochs=1,
        steps_per_epoch=2,
        batch_size=4,
        seed=0,
        verbose=0,
    )
    import json

    config = json.loads((out / "run.json").read_text())["config"]
    # The faces' set (the paper's Adam and the average) and the option given beside it.
    recorded = ("improved", "learning_rate", "beta_1", "ema_decay", "augment", "r1_gamma")
    assert tuple(config[k] for k in recorded) == (True, 2e-4, 0.5, 0.999, "", 0.5)
    gan = keras.models.load_model(out / "gan.keras")
    assert (gan.augment, gan.r1_gamma, gan.ema_decay) == ("", 0.5, 0.999)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(2e-4)
    assert float(gan.g_optimizer.beta_1) == pytest.approx(0.5)


@pytest.mark.parametrize("precision", ["float16", "bfloat16"])
def test_a_mixed_precision_step_with_everything_on_trains_with_finite_losses(precision):
    from keras_gans.runtime import build_gan

    preset = get_preset("dcgan_celeba")
    options = dict(preset.tiny, latent_dim=8, seed=0, augment="color,translation,cutout", r1_gamma=1.0)
    gan = build_gan(lambda: preset.build_gan(**options), "default", precision)
    batch = np.random.default_rng(0).uniform(-1, 1, (4, 16, 16, 3)).astype("float32")
    before = gan.discriminator.get_weights()[0]
    logs = gan.train_on_batch(batch, return_dict=True)
    assert all(np.isfinite(v) for v in logs.values())
    assert np.isfinite(float(gan.r1_penalty(batch))) and float(gan.r1_penalty(batch)) > 0
    assert not np.array_equal(before, gan.discriminator.get_weights()[0])


def test_a_run_recorded_with_an_earlier_set_runs_again_as_it_ran(tmp_path):
    from keras_gans.cli import parse_options

    preset = get_preset("cgan_rps")
    # A run of the hands' set before it changed: DiffAugment, the tutorial's epsilon.
    record = tmp_path / "run.json"
    config = {**preset.config(improved=True), "augment": "color,translation,cutout", "batchnorm_epsilon": 0.8}
    record.write_text(json.dumps({"tutorial": "cgan_rps", "config": config}))
    options = parse_options(preset, ["--config", str(record)])
    assert (options["improved"], options["augment"], options["batchnorm_epsilon"]) == (
        True,
        "color,translation,cutout",
        0.8,
    )
    # The command line still wins over the file.
    options = parse_options(preset, ["--config", str(record), "--batchnorm-epsilon", "1e-4"])
    assert options["batchnorm_epsilon"] == 1e-4


def test_a_presets_own_set_replaces_the_default_one():
    # The hands' set is PyTorch's BatchNorm epsilon and an average of 0.99: not the default set's
    # 0.999, and no DiffAugment.
    hands = get_preset("cgan_rps").config(improved=True)
    assert (hands["ema_decay"], hands["augment"], hands["batchnorm_epsilon"]) == (0.99, "", 1e-5)
    assert get_preset("cgan_rps").config()["batchnorm_epsilon"] == 0.8  # the tutorial's, without it
    # The faces' set is the DCGAN paper's Adam and the average, without DiffAugment; MNIST's DCGAN
    # takes the same.
    for name in ("dcgan_celeba", "dcgan_mnist"):
        config = get_preset(name).config(improved=True)
        assert (config["learning_rate"], config["beta_1"], config["ema_decay"], config["augment"]) == (
            2e-4,
            0.5,
            0.999,
            "",
        )
    assert get_preset("dcgan_celeba").config()["learning_rate"] == 1e-4  # keras.io's, without it
    tutorial = get_preset("dcgan_mnist").config()
    assert (tutorial["learning_rate"], tutorial["beta_1"], tutorial["ema_decay"]) == (1e-4, 0.9, 0.0)
