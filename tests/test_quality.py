"""Quality metrics on real data: each one separates real images (its floor) from noise and bad generators."""

import csv
import json

import keras
import numpy as np
import pytest
from conftest import load_script, require_data

from keras_gans import metrics
from keras_gans.metrics import classifier as classifier_module
from keras_gans.metrics import swd
from keras_gans.presets import get_preset
from keras_gans.presets.base import TrainingData

# --- Fixtures: real data and quickly trained classifiers --------------------------


@pytest.fixture(scope="module")
def mnist():
    return metrics.load_mnist(require_data("mnist"))


@pytest.fixture(scope="module")
def fashion_dir():
    return require_data("fashion-mnist")


@pytest.fixture(scope="module")
def classifier_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("classifiers")


@pytest.fixture(scope="module")
def mnist_classifier(mnist, classifier_dir):
    """2 epochs on 6,000 digits (~95% test accuracy): enough to judge, a few seconds to train."""
    return metrics.load_classifier(
        "mnist", classifier_dir / "mnist.keras", require_data("mnist"), epochs=2, max_examples=6000
    )


@pytest.fixture(scope="module")
def faces():
    """600 real CelebA faces at 32x32 in [-1, 1]."""
    return metrics.load_image_folder(require_data("celeba/img_align_celeba"), image_size=32, count=600)


def tiny_generator(latent_dim=8, shape=(28, 28, 1), num_classes=None, seed=0):
    """An untrained generator: a deliberately bad one (smooth random blotches)."""
    keras.utils.set_random_seed(seed)
    z = keras.Input((latent_dim,))
    inputs = [z, keras.Input((num_classes,))] if num_classes else z
    x = keras.layers.Concatenate()(inputs) if num_classes else z
    x = keras.layers.Dense(int(np.prod(shape)), activation="tanh")(x)
    return keras.Model(inputs, keras.layers.Reshape(shape)(x))


# --- Classifiers --------------------------------------------------------------------


def test_classifier_paths(monkeypatch, tmp_path):
    monkeypatch.delenv(metrics.CLASSIFIER_ENV, raising=False)
    monkeypatch.setenv(metrics.CLASSIFIER_DIR_ENV, str(tmp_path))
    assert metrics.classifier_path(dataset="fashion_mnist") == str(
        tmp_path / "fashion_mnist_classifier.keras"
    )
    assert metrics.classifier_path() == str(tmp_path / "mnist_classifier.keras")
    # The MNIST file variable still wins for MNIST, and only for MNIST.
    monkeypatch.setenv(metrics.CLASSIFIER_ENV, str(tmp_path / "mine.keras"))
    assert metrics.classifier_path() == str(tmp_path / "mine.keras")
    assert metrics.classifier_path(dataset="fashion_mnist").endswith("fashion_mnist_classifier.keras")
    assert metrics.classifier_path("given.keras", "fashion_mnist") == "given.keras"
    with pytest.raises(ValueError, match="fashion_mnist"):
        metrics.classifier_path(dataset="cifar10")


def test_fashion_classifier_is_trained_cached_and_judges(fashion_dir, tmp_path, monkeypatch):
    """Fashion-MNIST: the same code trains, caches and reloads; real clothes score near the floor."""
    monkeypatch.setenv(metrics.CLASSIFIER_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(metrics.FASHION_MNIST_ENV, str(fashion_dir))
    classifier = metrics.load_classifier("fashion_mnist", epochs=2, max_examples=6000)
    assert (tmp_path / "fashion_mnist_classifier.keras").exists()

    def no_training(*args, **kwargs):
        raise AssertionError("the cached classifier should have been loaded")

    monkeypatch.setattr(classifier_module, "train_classifier", no_training)
    assert metrics.load_classifier("fashion_mnist").count_params() == classifier.count_params()

    (x_train, y_train), (x_test, y_test) = metrics.load_dataset("fashion_mnist")
    assert np.mean(metrics.classify(classifier, metrics.to_unit_range(x_test[:2000])) == y_test[:2000]) > 0.7
    score_fn = metrics.fashion_score_fn(classifier=classifier, real_images=x_test[:3000], n=1500)
    floor = metrics.real_floor(score_fn, x_train[:1500], y_train[:1500])
    noise = metrics.noise_score(score_fn, (28, 28, 1), conditional=True)
    bad = score_fn(tiny_generator(num_classes=10))
    assert floor["fd"] < 0.05 * noise["fd"] and floor["fd"] < 0.1 * bad["fd"], (floor, noise, bad)
    assert floor["accuracy"] > 0.7 and noise["accuracy"] < 0.3, (floor, noise)


# --- Fréchet distance and conditional accuracy on MNIST ------------------------------


def test_mnist_frechet_distance_real_near_floor_noise_far(mnist, mnist_classifier):
    (x_train, _), (x_test, _) = mnist
    score_fn = metrics.mnist_score_fn(classifier=mnist_classifier, real_images=x_test[:4000], n=2000)
    floor = metrics.real_floor(score_fn, x_train[:2000])["fd"]
    other_real = metrics.real_floor(score_fn, x_train[2000:4000])["fd"]
    noise = metrics.noise_score(score_fn, (28, 28, 1))["fd"]
    bad = score_fn(tiny_generator())["fd"]
    assert other_real < 2 * floor + 0.5, (floor, other_real)
    assert floor < 0.05 * noise and floor < 0.1 * bad, (floor, noise, bad)
    # The direct form agrees with the score function's.
    direct = metrics.classifier_frechet_distance(
        mnist_classifier, x_train[:2000], x_test[:4000], value_range=(0, 255)
    )
    assert direct == pytest.approx(floor, rel=1e-3)


def test_conditional_accuracy_is_high_for_real_digits_and_chance_for_shuffled_labels(mnist, mnist_classifier):
    _, (x_test, y_test) = mnist
    shuffled = np.random.default_rng(0).permutation(y_test)
    by_class = [x_test[y_test == c] for c in range(10)]

    def real_digits(labels):
        return np.stack([by_class[c][i] for i, c in enumerate(labels)])

    real = metrics.class_accuracy(real_digits, mnist_classifier, n_per_class=50, value_range=(0, 255))
    assert real["accuracy"] > 0.85 and real["per_class"].shape == (10,), real["accuracy"]
    # Good digits, wrong classes: chance. Through the score function, as a callback would.
    score_fn = metrics.mnist_score_fn(classifier=mnist_classifier, real_images=x_test[:2000], n=1000)
    assert metrics.real_floor(score_fn, x_test, y_test)["accuracy"] > 0.85
    assert 0.03 < metrics.real_floor(score_fn, x_test, shuffled)["accuracy"] < 0.2
    assert 0.0 <= score_fn(tiny_generator(num_classes=10))["accuracy"] < 0.35


def test_score_functions_use_fixed_inputs(mnist, mnist_classifier):
    """The same generator scores the same twice: the latent vectors are drawn once."""
    _, (x_test, _) = mnist
    score_fn = metrics.mnist_score_fn(classifier=mnist_classifier, real_images=x_test[:1000], n=500, seed=3)
    generator = tiny_generator(num_classes=10)
    assert score_fn(generator) == score_fn(generator)
    other_seed = metrics.mnist_score_fn(classifier=mnist_classifier, real_images=x_test[:1000], n=500, seed=4)
    assert other_seed(generator)["fd"] != score_fn(generator)["fd"]


# --- Sliced Wasserstein distance -----------------------------------------------------


def test_generators_draw_as_many_images_per_call_as_their_largest_activation_allows():
    from keras_gans.metrics import generating

    face = get_preset("dcgan_celeba")
    # 64x64x512 float32 outputs, 8 MiB an image: 8 in the 64 MiB budget; MNIST's are small (the cap).
    assert generating.generate_batch(face.build_gan().generator) == 8
    assert generating.generate_batch(get_preset("dcgan_mnist").build_gan().generator) == 256

    class Subclassed(keras.Model):  # its layers have no known output shapes
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(4)

        def call(self, z):
            return self.dense(z)

    assert generating.generate_batch(Subclassed()) == generating.UNKNOWN_SHAPES_BATCH
    # However many per call, the same images (the same weights and latent vectors).
    generator = face.build_gan(**face.tiny).generator
    z = generating.latent_vectors(generator, 10)
    three_at_a_time = generating.generate(generator, n=10, z=z, batch_size=3)
    np.testing.assert_allclose(three_at_a_time, generating.generate(generator, n=10, z=z), atol=1e-6)


def test_laplacian_pyramid_reconstructs_the_images():
    images = np.random.default_rng(0).standard_normal((2, 32, 32, 3)).astype("float32")
    pyramid = swd.laplacian_pyramid(images, 2)
    assert [level.shape[1] for level in pyramid] == [32, 16]
    rebuilt = swd.pyr_up(pyramid[1], (32, 32)) + pyramid[0]
    np.testing.assert_allclose(rebuilt, images, atol=1e-5)
    assert swd.resolutions(64) == [64, 32, 16] and swd.resolutions(32) == [32, 16]


def shuffled_patches(images, tile=8, seed=0):
    """Each image cut into tile x tile squares put back in a random order: sharp, but no face."""
    n, size, _, c = images.shape
    k = size // tile
    tiles = (
        images.reshape(n, k, tile, k, tile, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, k * k, tile, tile, c)
    )
    tiles = tiles[:, np.random.default_rng(seed).permutation(k * k)]
    return tiles.reshape(n, k, k, tile, tile, c).transpose(0, 1, 3, 2, 4, 5).reshape(images.shape)


def test_blurred_keeps_the_layout_and_removes_the_detail():
    rng = np.random.default_rng(0)
    flat = np.full((2, 16, 12, 3), 0.25, "float32")
    np.testing.assert_allclose(metrics.blurred(flat), flat, atol=1e-6)
    # A 1-pixel checkerboard is all detail: blurred 4x it is its mean, grey.
    board = np.indices((16, 12)).sum(axis=0) % 2 * 2.0 - 1.0
    images = np.stack([board, -board], axis=-1)[None].astype("float32")
    np.testing.assert_allclose(metrics.blurred(images), 0.0, atol=1e-6)
    # A smooth ramp across the image (its layout) survives, exactly between the first and the last
    # block's centres (pixels 1.5 and 13.5).
    ramp = np.broadcast_to(np.linspace(-1, 1, 16)[None, :, None, None], (1, 16, 16, 1)).astype("float32")
    np.testing.assert_allclose(metrics.blurred(ramp)[:, 2:14], ramp[:, 2:14], atol=1e-5)
    assert metrics.blurred(rng.uniform(-1, 1, (3, 32, 32, 3))).shape == (3, 32, 32, 3)


def test_the_face_target_real_faces_blurred_4x_scores_between_the_floor_and_noise():
    folder = require_data("celeba/img_align_celeba")
    preset = get_preset("dcgan_celeba")
    config = preset.config(data_dir=str(folder), image_size=32, eval_samples=200, eval_real_images=400)
    data = TrainingData(None, source=str(folder))
    score_fn = preset.quality(config, data)
    floor = preset.floor(config, data, score_fn)["swd"]
    target = preset.references(config, data, score_fn)["blurred_4x"]["swd"]
    noise = metrics.noise_score(score_fn, (32, 32, 3))["swd"]
    assert 2 * floor < target < noise, (floor, target, noise)


@pytest.mark.slow
def test_score_faces_scores_a_kept_generator_on_new_draws_beside_the_floor_and_target(tmp_path, capsys):
    folder = require_data("celeba/img_align_celeba")
    script = load_script("score_faces")
    z = keras.Input((8,))
    keras.Model(z, keras.layers.Reshape((16, 16, 3))(keras.layers.Dense(768, activation="tanh")(z))).save(
        tmp_path / "generator.keras"
    )
    argv = ["--generator", str(tmp_path / "generator.keras"), "--data-dir", str(folder)]
    argv += ["--eval-samples", "200"]

    def scores(seed):
        assert script.main([*argv, "--seed", str(seed), "--json", str(tmp_path / f"{seed}.json")]) == 0
        return json.loads((tmp_path / f"{seed}.json").read_text())

    first, other = scores(1), scores(2)
    assert first["command"].startswith("python scripts/score_faces.py --generator ")
    assert set(first) == {"command", "seed", "image_size", "generator", "floor", "blurred_4x"}
    # An untrained generator: far above the blurred faces, themselves above the real ones.
    assert first["floor"]["swd"] < first["blurred_4x"]["swd"] < first["generator"]["swd"]
    assert other["generator"]["swd"] != first["generator"]["swd"]  # new latents and patches
    assert other["floor"]["swd"] != first["floor"]["swd"]  # and new patches of the same real faces
    assert "generator: " in capsys.readouterr().out
    grey = keras.layers.Reshape((16, 16, 1))(keras.layers.Dense(256)(z))
    keras.Model(z, grey).save(tmp_path / "grey.keras")
    assert script.main(["--generator", str(tmp_path / "grey.keras"), "--data-dir", str(folder)]) == 2
    assert "not square RGB faces" in capsys.readouterr().err
    assert script.main(["--generator", str(tmp_path / "missing.keras"), "--data-dir", str(folder)]) == 2


@pytest.mark.slow
def test_score_real_resizes_scores_real_faces_at_each_resolution_each_way(tmp_path, capsys):
    folder = require_data("celeba/img_align_celeba")
    script = load_script("score_real_resizes")
    argv = ["--data-dir", str(folder), "--target-size", "8", "--json", str(tmp_path / "resizes.json")]
    assert script.main(argv) == 0
    result = json.loads((tmp_path / "resizes.json").read_text())
    assert result["command"] == "python scripts/score_real_resizes.py " + " ".join(argv)
    assert list(result["scores"]) == ["8", "4"] and result["faces"] == 1000
    for ways in result["scores"].values():
        assert set(ways) == {"average", "nearest", "port_nearest"} and all(
            w["swd"] > 0 for w in ways.values()
        )
    # At the target size the port's way is the judge's held-out real faces: the floor, as training scores it.
    preset = get_preset("dcgan_celeba")
    config = preset.config(data_dir=str(folder), image_size=8)
    data = TrainingData(source=str(folder))
    floor = preset.floor(config, data, preset.quality(config, data, seed=0))
    assert result["scores"]["8"]["average"]["swd"] == pytest.approx(float(floor["swd"]), rel=1e-6)
    assert result["scores"]["8"]["nearest"]["swd"] != pytest.approx(float(floor["swd"]), rel=1e-3)
    assert result["scores"]["8"]["port_nearest"]["swd"] != pytest.approx(float(floor["swd"]), rel=1e-3)
    assert "4x4: average swd " in capsys.readouterr().out


def test_swd_real_faces_score_below_blurred_and_shuffled_faces(faces):
    reference, heldout = faces[:400], faces[400:]
    options = dict(patches_per_image=64)  # half the paper's 128: a faster test

    def swd_to_reference(images):
        return metrics.sliced_wasserstein_distance(reference, images, **options)

    real = swd_to_reference(heldout)
    blur = swd_to_reference(metrics.blurred(heldout))
    shuffle = swd_to_reference(shuffled_patches(heldout))
    noisy = swd_to_reference(np.random.default_rng(0).uniform(-1, 1, heldout.shape).astype("float32"))
    assert set(real) == {"swd_32", "swd_16", "swd"}
    assert real["swd"] == pytest.approx(np.mean([real["swd_32"], real["swd_16"]]))
    assert real["swd"] < 0.5 * blur["swd"] and real["swd"] < 0.5 * shuffle["swd"], (real, blur, shuffle)
    assert real["swd"] < 0.2 * noisy["swd"], (real, noisy)
    # Blur is worst at the finest level, where the detail was.
    assert blur["swd_32"] > blur["swd_16"]
    # Deterministic given the seed; another seed, another estimate.
    small = dict(patches_per_image=16, dir_repeats=1)
    once = metrics.sliced_wasserstein_distance(reference[:100], heldout[:50], **small)
    assert metrics.sliced_wasserstein_distance(reference[:100], heldout[:50], **small) == once
    assert metrics.sliced_wasserstein_distance(reference[:100], heldout[:50], seed=1, **small) != once


def test_image_score_fn_swd_of_a_generator_against_the_floor(faces):
    score_fn = metrics.image_score_fn(faces[:400], n=200, inception=False, patches_per_image=64)
    floor = metrics.real_floor(score_fn, faces[400:], value_range=(-1.0, 1.0))
    bad = score_fn(tiny_generator(shape=(32, 32, 3)))
    assert set(bad) == {"swd_32", "swd_16", "swd", "colour_shift"}
    assert floor["swd"] < 0.3 * bad["swd"], (floor, bad)


def test_colour_shift_measures_a_shared_tint_in_8_bit_levels(faces):
    reference, heldout = faces[:400], faces[400:]
    score_fn = metrics.image_score_fn(reference, n=len(heldout), inception=False, patches_per_image=8)
    real = metrics.real_floor(score_fn, heldout, value_range=(-1.0, 1.0))["colour_shift"]
    # Every face redder by 0.3 of [-1, 1], i.e. 0.15 of [0, 1]: 38.25 levels, with the real gap.
    tinted = heldout.copy()
    tinted[..., 0] += 0.3
    shifted = metrics.real_floor(score_fn, tinted, value_range=(-1.0, 1.0))["colour_shift"]
    gap = np.mean(heldout, axis=(0, 1, 2)) - np.mean(reference, axis=(0, 1, 2))  # in [-1, 1]
    assert real == pytest.approx(255 * np.linalg.norm(gap / 2), rel=1e-4)
    assert shifted == pytest.approx(255 * np.linalg.norm((gap + [0.3, 0, 0]) / 2), rel=1e-4)
    assert real < 5 < 30 < shifted, (real, shifted)
    # The same faces in [0, 255] read in their own range: the same colour.
    in_bytes = metrics.real_floor(score_fn, (heldout + 1) * 127.5, value_range=(0, 255))["colour_shift"]
    assert in_bytes == pytest.approx(real, rel=1e-4)


# --- FID / KID plumbing (random weights: the numbers mean nothing) ---------------------


def test_kid_and_fid_plumbing_with_random_weights():
    encoder = metrics.inception_encoder(75, weights=None)
    rng = np.random.default_rng(0)
    # "Images": smooth blobs, and uniform noise.
    smooth = keras.ops.convert_to_numpy(
        keras.ops.image.resize(rng.uniform(-1, 1, (48, 4, 4, 3)).astype("float32"), (32, 32))
    )
    noise = rng.uniform(-1, 1, (48, 32, 32, 3)).astype("float32")
    smooth_features = metrics.inception_features(encoder, smooth, batch_size=16)
    noise_features = metrics.inception_features(encoder, noise)
    assert smooth_features.shape == (48, 2048)
    kid_noise = metrics.kernel_inception_distance(smooth_features, noise_features)
    kid_same = metrics.kernel_inception_distance(smooth_features, smooth_features)
    assert kid_noise > 0 and abs(kid_same) < 0.05 * kid_noise, (kid_same, kid_noise)
    assert metrics.frechet_distance(smooth_features, smooth_features) == pytest.approx(0.0, abs=1e-6)
    assert metrics.frechet_distance(smooth_features, noise_features) > 0
    # Subsets: sets larger than subset_size are compared by random subsets.
    assert metrics.kernel_inception_distance(smooth_features, noise_features, subset_size=20) > 0
    # The score function carries FID and KID beside SWD when it has an encoder.
    score_fn = metrics.image_score_fn(smooth, n=48, inception=encoder, patches_per_image=16)
    scores = score_fn(tiny_generator(shape=(32, 32, 3)))
    assert {"fid", "kid", "swd", "swd_32", "swd_16"} <= set(scores)


def test_offline_inception_weights_raise_one_clear_error(monkeypatch, capsys):
    def offline(*args, **kwargs):  # what Keras raises when the download fails
        raise Exception(
            f"URL fetch failure on {metrics.INCEPTION_WEIGHTS_URL}: None -- Name or service not known"
        )

    def built(*args, **kwargs):
        raise AssertionError("the network was built before its weights were found")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    monkeypatch.setattr(keras.applications, "InceptionV3", built)
    with pytest.raises(metrics.WeightsUnavailable) as caught:
        metrics.inception_encoder()
    message = str(caught.value)
    # What failed, once; what to do: the file, where it goes, or SWD.
    assert "download failed: Name or service not known" in message
    assert message.count(metrics.INCEPTION_WEIGHTS_URL) == 1
    assert metrics.INCEPTION_WEIGHTS_FILE in message and metrics.inception.keras_models_dir() in message
    assert "SWD" in message
    # The image score function falls back to SWD with one printed line.
    faces_like = np.random.default_rng(0).uniform(-1, 1, (16, 16, 16, 3)).astype("float32")
    score_fn = metrics.image_score_fn(faces_like, n=16, patches_per_image=8)
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1 and "SWD only" in printed[0], printed
    assert set(score_fn(tiny_generator(shape=(16, 16, 3)))) == {"swd_16", "swd", "colour_shift"}


# --- The callback -------------------------------------------------------------------------


def test_quality_monitor_writes_its_scores_into_the_logs_of_later_callbacks(
    mnist, mnist_classifier, tmp_path
):
    _, (x_test, _) = mnist
    generator = tiny_generator(num_classes=10)
    generator.compile(optimizer="adam", loss="mse")
    score_fn = metrics.mnist_score_fn(classifier=mnist_classifier, real_images=x_test[:1000], n=200)
    monitor = metrics.QualityMonitor(score_fn, every=2)
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((64, 8)).astype("float32"), np.eye(10, dtype="float32")[np.arange(64) % 10]]
    targets = x_test[:64, :, :, None] / 127.5 - 1.0
    history = generator.fit(
        inputs,
        targets,
        epochs=5,
        verbose=0,
        callbacks=[monitor, keras.callbacks.CSVLogger(str(tmp_path / "log.csv"))],
    )
    with open(tmp_path / "log.csv") as file:
        rows = list(csv.DictReader(file))
    assert [row["epoch"] for row in rows] == ["0", "1", "2", "3", "4"]
    # Scored: epochs 0, 2, 4 (every 2nd; 4 is also the last); the others have no value ("NA").
    assert [row["val_fd"] != "NA" for row in rows] == [True, False, True, False, True]
    assert [row["val_accuracy"] != "NA" for row in rows] == [True, False, True, False, True]
    assert float(rows[2]["val_fd"]) == pytest.approx(monitor.scores[2]["val_fd"], rel=1e-5)
    assert sorted(monitor.scores) == [0, 2, 4]
    assert len(history.history["val_fd"]) == 3 and len(history.history["loss"]) == 5


def test_quality_monitor_scores_first_and_last_epoch_of_each_fit():
    calls = []
    monitor = metrics.QualityMonitor(
        lambda generator: calls.append(1) or {"score": 1.0}, every=10, prefix="q_"
    )
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((4, 2), dtype="float32")
    model.fit(x, x[:, :1], epochs=4, initial_epoch=1, verbose=0, callbacks=[monitor])
    assert sorted(monitor.scores) == [1, 3]  # a resumed run: its first and its last epoch
    assert monitor.scores[1] == {"q_score": 1.0}
    with pytest.raises(ValueError):
        metrics.QualityMonitor(lambda g: {}, every=0)
