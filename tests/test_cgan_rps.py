"""The hand-gesture CGAN: architecture as the tutorial, initialisation, train step, saving, analysis."""

import json

import keras
import numpy as np
import pytest
from model_checks import WITH_AND_WITHOUT_IMPROVEMENTS, check_gan, check_tutorial_settings

from keras_gans.models.cgan_rps import RpsConditionalGAN, mode_seeking_term
from keras_gans.models.stylegan import MinibatchStd
from keras_gans.presets import OptionError, TrainingData, get_preset
from keras_gans.runner import train

PRESET = get_preset("cgan_rps")
TINY = dict(latent_dim=8, embedding_dim=4, image_size=32, g_widths=(8, 8, 8, 8), d_widths=(4, 4, 4, 4))
CLASSES = ["paper", "rock", "scissors"]


def preset_gan(class_names=None, **overrides):
    """The tutorial's GAN from its preset, with the classes a dataset would give."""
    return PRESET.build_gan(TrainingData(class_names=class_names), **overrides)


def _trainable(model):
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def _shapes(model, kind):
    return [tuple(layer.output.shape[1:]) for layer in model.layers if isinstance(layer, kind)]


@pytest.fixture(scope="module")
def tutorial_gan():
    """The tutorial's networks at their own size (128x128, three classes), built from the preset."""
    return preset_gan()


@pytest.fixture(scope="module")
def generator(tutorial_gan):
    return tutorial_gan.generator


@pytest.fixture(scope="module")
def discriminator(tutorial_gan):
    return tutorial_gan.discriminator


def test_generator_matches_the_tutorial(generator):
    assert _trainable(generator) == 7_789_308
    assert generator.output_shape == (None, 128, 128, 3)
    # label -> Embedding(3, 100) -> Dense(16) -> 4x4x1; noise -> Dense(8192) -> 4x4x512.
    assert _shapes(generator, keras.layers.Embedding) == [(100,)]
    assert sorted(_shapes(generator, keras.layers.Dense)) == [(16,), (8192,)]
    assert sorted(_shapes(generator, keras.layers.Reshape)) == [(4, 4, 1), (4, 4, 512)]
    assert _shapes(generator, keras.layers.Concatenate) == [(4, 4, 513)]
    assert _shapes(generator, keras.layers.Conv2DTranspose) == [
        (8, 8, 512),
        (16, 16, 256),
        (32, 32, 128),
        (64, 64, 64),
        (128, 128, 3),
    ]
    assert len(_shapes(generator, keras.layers.BatchNormalization)) == 4
    assert all(
        not layer.use_bias for layer in generator.layers if isinstance(layer, keras.layers.Conv2DTranspose)
    )
    assert generator.layers[-1].activation is keras.activations.tanh


def test_discriminator_matches_the_tutorial(discriminator):
    assert _trainable(discriminator) == 7_729_709
    assert discriminator.output_shape == (None, 1)
    assert sorted(_shapes(discriminator, keras.layers.Dense)) == [(1,), (3 * 128 * 128,)]
    assert _shapes(discriminator, keras.layers.Concatenate) == [(128, 128, 6)]
    # PyTorch's explicit padding: 128 -> 64 -> 22 -> 8 -> 3, not "same"'s 64 -> 22 -> 8 -> 3 by luck.
    assert _shapes(discriminator, keras.layers.ZeroPadding2D) == [
        (130, 130, 6),
        (68, 68, 64),
        (26, 26, 128),
        (12, 12, 256),
    ]
    assert _shapes(discriminator, keras.layers.Conv2D) == [
        (64, 64, 64),
        (22, 22, 128),
        (8, 8, 256),
        (3, 3, 512),
    ]
    assert _shapes(discriminator, keras.layers.Flatten) == [(4608,)]
    assert [layer.rate for layer in discriminator.layers if isinstance(layer, keras.layers.Dropout)] == [0.4]
    assert discriminator.layers[-1].activation is keras.activations.sigmoid


def test_transposed_convolution_equals_pytorch_padding_one():
    """ConvTranspose2d(k=4, s=2, padding=1) = the full transposed convolution cropped by 1 on each side."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 3, 2)).astype("float32")
    layer = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", use_bias=False)
    keras_out = np.asarray(layer(x))[0, ..., 0]
    kernel = layer.kernel.numpy()[..., 0, :]  # (4, 4, in_channels)
    full = np.zeros((3 * 2 + 2, 3 * 2 + 2))
    for i in range(3):
        for j in range(3):
            full[2 * i : 2 * i + 4, 2 * j : 2 * j + 4] += kernel @ x[0, i, j]
    np.testing.assert_allclose(keras_out, full[1:-1, 1:-1], atol=1e-5)


def test_smaller_image_size_keeps_the_layers():
    small = preset_gan(image_size=32)
    g, d = small.generator, small.discriminator
    # The generator starts at 32 / 32 = 1 instead of 4; the discriminator's maps shrink.
    assert _shapes(g, keras.layers.Conv2DTranspose)[-1] == (32, 32, 3)
    assert sorted(_shapes(g, keras.layers.Reshape)) == [(1, 1, 1), (1, 1, 512)]
    assert _shapes(d, keras.layers.Conv2D) == [(16, 16, 64), (6, 6, 128), (3, 3, 256), (2, 2, 512)]
    assert _shapes(d, keras.layers.Flatten) == [(2048,)]
    assert len(g.layers) == len(preset_gan(image_size=64).generator.layers)
    with pytest.raises(ValueError, match="multiple of 32"):
        preset_gan(image_size=48)


def test_initialisation_statistics(generator, discriminator):
    for model in (generator, discriminator):
        for layer in model.layers:
            if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
                kernel = layer.kernel.numpy()
                if kernel.size > 10_000:
                    assert abs(kernel.mean()) < 2e-3 and kernel.std() == pytest.approx(0.02, rel=0.05)
            if isinstance(layer, keras.layers.BatchNormalization):
                gamma = layer.gamma.numpy()
                assert gamma.mean() == pytest.approx(1.0, abs=0.01)
                assert gamma.std() == pytest.approx(0.02, rel=0.3)
                assert not layer.beta.numpy().any()
                # PyTorch's momentum=0.1, eps=0.8.
                assert (layer.momentum, layer.epsilon) == (0.9, 0.8)
    big_conv = generator.layers[[type(x) for x in generator.layers].index(keras.layers.Conv2DTranspose)]
    assert big_conv.kernel.shape == (4, 4, 512, 513)
    # PyTorch defaults for the layers the tutorial leaves alone.
    embedding = next(x for x in discriminator.layers if isinstance(x, keras.layers.Embedding))
    assert embedding.embeddings.numpy().std() == pytest.approx(1.0, rel=0.25)
    label_dense = next(x for x in discriminator.layers if isinstance(x, keras.layers.Dense) and x.units > 1)
    bound = 1 / np.sqrt(100)
    for weights in (label_dense.kernel.numpy(), label_dense.bias.numpy()):
        assert 0.99 * bound < np.abs(weights).max() <= bound * (1 + 1e-6)  # float32 rounding


def test_tutorial_training_settings():
    gan = preset_gan(**TINY)
    # The tutorial's labels: real 1, fake 0, no noise, the mean of the two losses.
    check_tutorial_settings(gan, 2e-4, 0.5, (1.0, 0.0, 0.0, "mean"))
    assert gan.loss_fn.get_config()["from_logits"] is False
    real, fake = np.full((8, 1), 0.9, "float32"), np.full((8, 1), 0.2, "float32")
    bce = keras.losses.BinaryCrossentropy()
    expected = (float(bce(np.ones((8, 1)), real)) + float(bce(np.zeros((8, 1)), fake))) / 2
    assert float(gan.discriminator_loss(real, fake)) == pytest.approx(expected, rel=1e-5)
    assert float(gan.generator_loss(fake)) == pytest.approx(float(bce(np.ones((8, 1)), fake)), rel=1e-5)


def _differ(a, b):
    """Clearly different: an untrained generator's outputs are small, so relative to their scale."""
    return np.abs(a - b).max() > 0.01 * max(np.abs(a).max(), np.abs(b).max())


def _batch(n=6, size=32, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (n, size, size, 3)).astype("float32")
    return images, (np.arange(n) % 3).astype("int32")


@pytest.mark.parametrize(
    "options",
    [*WITH_AND_WITHOUT_IMPROVEMENTS, {"mode_seeking": 1.0}, {"minibatch_std": True}],
    ids=["tutorial", "improved", "msgan", "minibatch_std"],
)
def test_gan_shared_checks(tmp_path, options):
    gan = preset_gan(class_names=CLASSES, seed=0, **TINY, **options)
    z = np.random.default_rng(1).standard_normal((3, 8)).astype("float32")
    logs = check_gan(gan, _batch(), [z, np.arange(3, dtype="int32")], tmp_path)
    assert set(logs) == {"d_loss", "g_loss"}


def test_label_changes_the_output():
    keras.utils.set_random_seed(0)
    gan = preset_gan(**TINY)
    # At 32x32 the generator's label map is one number per label (Embedding -> Dense -> 1x1x1), and
    # random draws can make two labels' numbers nearly equal (seen when other tests ran first):
    # the label path is set to give labels 0, 1, 2 the numbers 1, 2, 3.
    embedding = next(layer for layer in gan.generator.layers if isinstance(layer, keras.layers.Embedding))
    embedding.set_weights([np.eye(3, 4, dtype="float32")])
    label_dense = next(
        layer
        for layer in gan.generator.layers
        if getattr(layer, "kernel", None) is not None and tuple(layer.kernel.shape) == (4, 1)
    )
    label_dense.set_weights([np.arange(1, 5, dtype="float32")[:, None], np.zeros(1, "float32")])
    z = np.repeat(np.random.default_rng(0).standard_normal((1, 8)).astype("float32"), 3, axis=0)
    images = np.asarray(gan.generator([z, np.arange(3, dtype="int32")], training=False))
    assert _differ(images[0], images[1]) and _differ(images[1], images[2])
    # The discriminator's features before its last layer: an untrained one's output probability
    # moves by about 1e-6 with the label, which float32 round-off can hide (seen on one CPU).
    flatten = next(layer for layer in gan.discriminator.layers if isinstance(layer, keras.layers.Flatten))
    features = keras.Model(gan.discriminator.inputs, flatten.output)
    f = np.asarray(features([images[:1].repeat(3, 0), np.arange(3, dtype="int32")], training=False))
    assert _differ(f[0], f[1]) and _differ(f[1], f[2]) and _differ(f[0], f[2])


def test_class_order_round_trips_with_the_saved_model(tmp_path):
    gan = preset_gan(class_names=CLASSES, **TINY)
    gan.save(tmp_path / "gan.keras")
    reloaded = keras.models.load_model(tmp_path / "gan.keras")
    assert isinstance(reloaded, RpsConditionalGAN)
    assert reloaded.class_names == CLASSES
    two = preset_gan(class_names=["cats", "dogs"], **TINY)
    embedding = next(x for x in two.generator.layers if isinstance(x, keras.layers.Embedding))
    assert embedding.input_dim == 2


@pytest.mark.slow
def test_training_run_and_interpolation(fashion_mnist_dir, tmp_path):
    from keras_gans.data.standin import write_fashion_standin
    from keras_gans.sampling import load_generator
    from scripts.interpolate_rps import main as interpolate_main

    data = write_fashion_standin(fashion_mnist_dir, tmp_path / "standin", per_class=4, image_size=32)
    paths = train(
        "cgan_rps",
        data_dir=str(data),
        output_dir=str(tmp_path / "run"),
        epochs=1,
        batch_size=4,
        steps_per_epoch=2,
        per_class=4,
        sample_every=10,
        seed=0,
        verbose=0,
        eval_every=0,  # the quality score has a test of its own
        **TINY,
    )
    samples = sorted(p.name for p in (tmp_path / "run" / "samples").iterdir())
    assert samples == ["final.png", "grid_000.png", "monitor_inputs.npz"]
    from PIL import Image

    with Image.open(tmp_path / "run" / "samples" / "final.png") as grid:
        assert grid.size == (4 * 32, 3 * 32)  # one row per class
    assert json.loads((tmp_path / "run" / "run.json").read_text())["data"]["class_names"] == [
        "bag",
        "sneaker",
        "trouser",
    ]
    generator, class_names = load_generator(paths["generator"])
    assert class_names == ["bag", "sneaker", "trouser"]
    assert load_generator(paths["gan"])[1] == class_names

    output = tmp_path / "interp.png"
    assert interpolate_main(["--generator", paths["generator"], "--output", str(output), "--seed", "0"]) == 0
    with Image.open(output) as figure:
        assert figure.size[0] > figure.size[1] > 100
    # The run drew the same figure at its end (no score kept a best generator: the last one's).
    assert paths["interpolation"] == str(tmp_path / "run" / "interpolation.png")
    with Image.open(output) as script, Image.open(paths["interpolation"]) as run:
        assert np.array_equal(np.asarray(script), np.asarray(run))


def test_interpolation_figure_has_a_row_per_class_and_ten_steps():
    from keras_gans.interpolation import interpolate_classes, interpolation_figure

    keras.utils.set_random_seed(0)
    gan = preset_gan(**TINY)
    images = interpolate_classes(gan.generator, steps=10, seed=0)
    assert images.shape == (3, 10, 32, 32, 3)
    # Rows: the same path with another label; columns: moving along the path.
    # (An untrained generator's outputs are ~1e-8 here, so only "not identical"
    # is a stable check of the label's effect.)
    assert not np.array_equal(images[0], images[1])
    assert _differ(images[0, 0], images[0, -1])
    steps = np.abs(np.diff(images[0], axis=0)).mean(axis=(1, 2, 3))
    assert steps.max() < 3 * steps.min() + 1e-6  # even steps: a straight line in latent space
    fig = interpolation_figure(images, CLASSES)
    assert len(fig.axes) == 30
    assert [fig.axes[10 * r].get_ylabel() for r in range(3)] == CLASSES


def test_script_refuses_sizes_the_generator_cannot_make(capsys):
    from keras_gans.cli import parse_options

    assert parse_options(PRESET, ["--image-size", "64"])["image_size"] == 64
    assert parse_options(PRESET, [])["batch_size"] == 128 and parse_options(PRESET, [])["epochs"] == 100
    with pytest.raises(SystemExit):
        parse_options(PRESET, ["--image-size", "48"])
    assert "multiple of 32" in capsys.readouterr().err


@pytest.mark.slow
def test_the_stand_in_is_scored_by_the_fashion_classifier_in_fit(fashion_mnist_dir, tmp_path, monkeypatch):
    from keras_gans import metrics
    from keras_gans.data.standin import write_fashion_standin

    # A quickly trained judge stands in for the cached one.
    metrics.load_classifier(
        "fashion_mnist",
        tmp_path / "fashion_mnist_classifier.keras",
        fashion_mnist_dir,
        epochs=1,
        max_examples=3000,
    )
    monkeypatch.setenv("KERAS_GANS_CLASSIFIER_DIR", str(tmp_path))
    data = write_fashion_standin(fashion_mnist_dir, tmp_path / "standin", per_class=8, image_size=32)
    out = tmp_path / "run"
    options = {**TINY, "eval_every": 1, "eval_samples": 300, "fashion_mnist_path": str(fashion_mnist_dir)}
    train(
        "cgan_rps",
        **options,
        data_dir=str(data),
        output_dir=str(out),
        epochs=2,
        batch_size=8,
        seed=0,
        verbose=0,
    )
    rows = (out / "losses.csv").read_text().splitlines()
    header = rows[0].split(",")
    accuracy = [float(r.split(",")[header.index("val_accuracy")]) for r in rows[1:]]
    fd = [float(r.split(",")[header.index("val_fd")]) for r in rows[1:]]
    variety = [float(r.split(",")[header.index("val_variety")]) for r in rows[1:]]
    # Two steps of training: its pictures are nothing yet, near chance among 10 classes for the judge,
    # and a class's pictures are far less varied than real ones (the untrained generator's outputs
    # differ little with the noise).
    assert len(accuracy) == 2 and all(0 <= a <= 0.6 for a in accuracy) and all(f > 5 for f in fd)
    assert json.loads((out / "best" / "best.json").read_text())["val_accuracy"] == max(accuracy)

    # The floor: real stand-in pictures from the training pipeline, answered for the class asked,
    # go through the same conversion and are read as their classes, far from the untrained generator.
    config = PRESET.config(**options, data_dir=str(data), batch_size=8, seed=0)
    training_data = PRESET.load_data(config)
    score_fn = PRESET.quality(config, training_data)
    floor = PRESET.floor(config, training_data, score_fn)
    assert floor["accuracy"] > 0.8 and floor["fd"] < min(fd)
    assert 0 < max(variety) < 0.5 * floor["variety"] and floor["variety"] < 1.5


def test_a_best_generator_knows_its_runs_class_names(tmp_path):
    # best/generator.keras holds no class names: they come from the run folder above it.
    from keras_gans.sampling import load_generator

    (tmp_path / "best").mkdir()
    preset_gan(CLASSES, **TINY).generator.save(tmp_path / "best" / "generator.keras")
    assert load_generator(tmp_path / "best" / "generator.keras")[1] is None
    (tmp_path / "run.json").write_text(json.dumps({"data": {"class_names": CLASSES}}))
    assert load_generator(tmp_path / "best" / "generator.keras")[1] == CLASSES


def test_mode_seeking_is_msgans_ratio_of_image_to_noise_distance_recomputed_by_hand(monkeypatch):
    rng = np.random.default_rng(3)
    a, b = rng.uniform(-1, 1, (2, 4, 32, 32, 3)).astype("float32")
    za, zb = rng.standard_normal((2, 4, 8)).astype("float32")
    ratio = np.mean(np.abs(a - b)) / np.mean(np.abs(za - zb))
    assert float(mode_seeking_term(a, b, za, zb)) == pytest.approx(1 / (ratio + 1e-5), rel=1e-5)
    # Off: the tutorial's step, nothing added.
    assert preset_gan(**TINY).mode_seeking_loss(za, a, np.arange(4) % 3) == 0.0

    # On: the weight times the term, between the step's fakes and fakes of fresh noise, same labels.
    keras.utils.set_random_seed(0)
    gan = preset_gan(**TINY, mode_seeking=2.0)
    labels = (np.arange(4) % 3).astype("int32")
    fakes = gan.generator([za, labels], training=True)
    monkeypatch.setattr(gan, "sample_latent", lambda n: zb)
    others = gan.generator([zb, labels], training=True)  # batch statistics: the same batch, the same images
    expected = 2.0 * float(mode_seeking_term(fakes, others, za, zb))
    assert float(gan.mode_seeking_loss(za, fakes, labels)) == pytest.approx(expected, rel=1e-5)
    # A generator whose pictures do not change with the noise pays more than one whose pictures do.
    assert float(mode_seeking_term(a, a + 1e-3, za, zb)) > 100 * float(mode_seeking_term(a, b, za, zb))


def test_mode_seeking_is_an_option_of_the_hands_only_and_refuses_a_negative_weight(capsys):
    from keras_gans.cli import main as cli_main
    from keras_gans.presets.base import OptionError

    assert PRESET.config()["mode_seeking"] == 0.0  # the tutorial's default: off
    assert preset_gan(**TINY, mode_seeking=0.5).get_config()["mode_seeking"] == 0.5
    with pytest.raises(SystemExit) as exit:
        cli_main("cgan_rps", ["--mode-seeking", "-1"])
    assert exit.value.code == 2
    assert "--mode-seeking: must be a finite number at least 0, got -1" in capsys.readouterr().err
    with pytest.raises(OptionError, match="mode_seeking"):
        get_preset("dcgan_mnist").config(mode_seeking=1.0)


def test_a_step_with_mode_seeking_compiles_with_xla_and_moves_the_generator():
    keras.utils.set_random_seed(0)
    gan = preset_gan(**TINY, mode_seeking=1.0)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss_fn=keras.losses.BinaryCrossentropy(),
        jit_compile=True,
    )
    before = [w.numpy().copy() for w in gan.generator.trainable_weights]
    logs = gan.train_on_batch(*_batch(), return_dict=True)
    assert all(np.isfinite(v) for v in logs.values())
    assert all(
        not np.allclose(b, w.numpy()) for b, w in zip(before, gan.generator.trainable_weights, strict=True)
    )


def test_minibatch_std_lets_the_discriminator_see_its_batchmates_and_is_off_by_default(discriminator):
    from keras_gans.cli import parse_options

    assert PRESET.config()["minibatch_std"] is False
    assert parse_options(PRESET, ["--minibatch-std"])["minibatch_std"] is True
    plain = preset_gan(**TINY).discriminator
    spread = preset_gan(**TINY, minibatch_std=True).discriminator
    # One more input per position of the last feature map (2x2 at 32x32) to the final Dense.
    assert _trainable(spread) == _trainable(plain) + 2 * 2
    assert _trainable(discriminator) == 7_729_709  # the tutorial's, with the option off
    images, labels = _batch(8)
    others = images.copy()
    others[4:] = images[0]  # images 4-7 changed: each group of 4 (i, i+2, i+4, i+6) holds two of them
    flat = next(layer for layer in plain.layers if isinstance(layer, keras.layers.Flatten))
    features = keras.Model(plain.inputs, flat.output)
    a, b = (keras.ops.convert_to_numpy(features([x, labels], training=False)) for x in (images, others))
    np.testing.assert_allclose(a[:4], b[:4], rtol=1e-5, atol=0)  # without it, images 0-3 read the same
    layer = next(layer for layer in spread.layers if isinstance(layer, MinibatchStd))
    probe = keras.Model(spread.inputs, [layer.input, layer.output])
    spreads = []
    for x in (images, others):
        before, after = (keras.ops.convert_to_numpy(t) for t in probe([x, labels], training=False))
        groups = before.reshape(4, -1, *before.shape[1:])  # keras.io's groups: image i, i+2, i+4, i+6
        by_hand = np.sqrt(groups.var(axis=0) + 1e-8).mean(axis=(1, 2, 3))
        np.testing.assert_allclose(
            after[..., -1], np.broadcast_to(np.tile(by_hand, 4)[:, None, None], (8, 2, 2)), rtol=1e-5
        )
        spreads.append(after[:4, 0, 0, -1])
    assert not np.array_equal(*spreads)  # with it, what images 0-3 read moved with their batchmates
    # A last batch that 4 does not divide: groups of 3, then 1 (a spread of 0).
    assert keras.ops.convert_to_numpy(spread([images[:6], labels[:6]], training=False)).shape == (6, 1)
    assert keras.ops.convert_to_numpy(spread([images[:5], labels[:5]], training=False)).shape == (5, 1)


def test_batchnorm_epsilon_is_the_tutorials_by_default_and_normalises_small_activations_when_lowered():
    tutorial, lowered = preset_gan(**TINY), preset_gan(**TINY, batchnorm_epsilon=1e-5)
    for gan, epsilon in ((tutorial, 0.8), (lowered, 1e-5)):
        norms = [
            layer
            for model in (gan.generator, gan.discriminator)
            for layer in model.layers
            if isinstance(layer, keras.layers.BatchNormalization)
        ]
        assert len(norms) == 4 + 3 and all(layer.epsilon == pytest.approx(epsilon) for layer in norms)
    assert _trainable(lowered.generator) == _trainable(tutorial.generator)
    # At the first step (batch statistics), N(0, 0.02) kernels give activations far below 0.8:
    # the tutorial's eps leaves them small, PyTorch's scales each channel to unit variance.
    z = np.random.default_rng(0).standard_normal((16, 8)).astype("float32")
    labels = (np.arange(16) % 3).astype("int32")
    spreads = [
        float(np.std(keras.ops.convert_to_numpy(g.generator([z, labels], training=True))))
        for g in (tutorial, lowered)
    ]
    assert spreads[1] > 10 * spreads[0]
    with pytest.raises(OptionError, match="--batchnorm-epsilon: must be a finite number greater than 0"):
        PRESET.config(batchnorm_epsilon=0)
