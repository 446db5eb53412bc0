"""The MNIST checker: the project's own classifier, conditional accuracy, Fréchet distance."""

import json

import keras
import numpy as np
import pytest
from conftest import load_script

from keras_gans import metrics
from keras_gans.data.mnist import load_mnist
from keras_gans.models import cgan_mnist


@pytest.fixture(scope="module")
def mnist_test(mnist_dir):
    _, test = load_mnist(mnist_dir)
    return test


@pytest.fixture(scope="module")
def mnist_dir():
    from conftest import require_data

    return require_data("mnist")


@pytest.fixture(scope="module")
def classifier_file(tmp_path_factory, mnist_dir):
    """Trained once for this test module (4 epochs, as the default), in a temporary cache."""
    path = tmp_path_factory.mktemp("classifier") / "mnist_classifier.keras"
    metrics.load_mnist_classifier(path, mnist_dir)
    return path


@pytest.fixture(scope="module")
def classifier(classifier_file):
    return keras.models.load_model(classifier_file)


class RealDigits:
    """A stand-in "generator" that answers [z, one-hot] with real test digits of those classes, in [-1, 1]."""

    def __init__(self, images, labels):
        self.by_class = [images[labels == c] for c in range(10)]
        # Kept across calls: each call (a batch) goes on with the next digits, not the first ones again.
        self.taken = [0] * 10

    def __call__(self, inputs, training=False):
        z, one_hot = inputs
        classes = np.argmax(one_hot, axis=1)
        out = []
        for c in classes:
            out.append(self.by_class[c][self.taken[c]])
            self.taken[c] += 1
        return np.stack(out)[..., None].astype("float32") / 127.5 - 1.0


def test_classifier_architecture():
    c = metrics.build_mnist_classifier()
    assert c.count_params() == 225_034
    assert c.output_shape == (None, 10)
    assert c.get_layer(metrics.FEATURES_LAYER).output.shape == (None, 128)


@pytest.mark.slow
def test_classifier_reaches_99_percent_on_the_real_test_set(classifier, mnist_test):
    x_test, y_test = mnist_test
    accuracy = np.mean(metrics.classify(classifier, metrics.to_unit_range(x_test)) == y_test)
    assert accuracy >= 0.99, accuracy


@pytest.mark.slow
def test_classifier_is_cached_not_retrained(classifier_file, classifier, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("the cached classifier should have been loaded")

    monkeypatch.setattr(metrics, "train_mnist_classifier", no_training)
    loaded = metrics.load_mnist_classifier(classifier_file)
    for a, b in zip(loaded.weights, classifier.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # The environment variable names the cache when no path is given.
    monkeypatch.setenv(metrics.CLASSIFIER_ENV, str(classifier_file))
    assert metrics.classifier_path() == str(classifier_file)
    assert metrics.load_mnist_classifier().count_params() == classifier.count_params()


@pytest.mark.slow
def test_real_digits_through_the_same_path_score_over_99_percent(classifier, mnist_test):
    x_test, y_test = mnist_test
    # 890 a class, nearly the whole test set (its rarest class, 5, has 892): the classifier's 99.2%
    # holds on all of it, not on every part (the first 500 of each class: 98.7%).
    result = metrics.conditional_accuracy(
        RealDigits(x_test, y_test), classifier, n_per_class=890, latent_dim=4, value_range=(-1.0, 1.0)
    )
    assert result["accuracy"] >= 0.99, result
    assert result["per_class"].shape == (10,)
    np.testing.assert_array_equal(result["requested"], np.repeat(np.arange(10), 890))


@pytest.mark.slow
def test_untrained_generator_is_near_chance(classifier):
    keras.utils.set_random_seed(0)
    result = metrics.conditional_accuracy(
        cgan_mnist.build_generator(latent_dim=100, num_classes=10, widths=(256, 512, 1024)),
        classifier,
        n_per_class=50,
    )
    assert 0.0 <= result["accuracy"] <= 0.25, result["accuracy"]


def test_frechet_distance_formula():
    # 1-D: means 0 and 3, sample variances 2 and 8: 3^2 + (sqrt(2) - sqrt(8))^2 = 9 + 2.
    a = np.array([[-1.0], [1.0]])
    b = np.array([[1.0], [5.0]])
    assert metrics.frechet_distance(a, b) == pytest.approx(11.0)
    # Identical sets are at distance 0; the distance is symmetric.
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((500, 5)), rng.standard_normal((500, 5)) * 2 + 1
    assert metrics.frechet_distance(x, x) == pytest.approx(0.0, abs=1e-8)
    assert metrics.frechet_distance(x, y) == pytest.approx(metrics.frechet_distance(y, x), rel=1e-6)


@pytest.mark.slow
def test_within_class_variety_against_distances_worked_by_hand():
    # Three points: distances 5 (a 3-4-5 triangle), 0 and 5; their mean over the three pairs.
    assert metrics.mean_pairwise_distance([[0, 0], [3, 4], [0, 0]]) == pytest.approx(10 / 3)
    assert np.isnan(metrics.mean_pairwise_distance([[1, 2]]))  # no pair to measure
    real = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 0.0], [0.0, 6.0]])
    real_labels = np.array([0, 0, 1, 1])
    fake = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [5.0, 5.0]])
    fake_labels = np.array([0, 0, 1, 1])
    # Class 0: 1 against real 2 (half as varied); class 1: two identical pictures (0 against 6).
    assert metrics.within_class_variety(fake, fake_labels, real, real_labels) == pytest.approx(0.25)
    assert metrics.within_class_variety(real, real_labels, real, real_labels) == 1.0


def test_frechet_distance_real_is_near_zero_noise_is_large(classifier, mnist_test):
    x_test, _ = mnist_test
    real = metrics.features(classifier, metrics.to_unit_range(x_test))
    same = metrics.frechet_distance(real, real)
    halves = metrics.frechet_distance(real[:5000], real[5000:])
    noise = np.random.default_rng(0).uniform(0, 1, (2000, 28, 28, 1)).astype("float32")
    noisy = metrics.frechet_distance(metrics.features(classifier, noise), real)
    assert same == pytest.approx(0.0, abs=1e-6)
    assert halves < 0.05 * noisy, (halves, noisy)
    assert noisy > 50


@pytest.mark.slow
def test_frechet_distance_of_any_mnist_generator(classifier, mnist_test):
    """Unconditional with a sigmoid [0, 1] output, conditional with tanh [-1, 1]: both read correctly."""
    x_test, _ = mnist_test
    z = keras.Input((16,))
    image = keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="sigmoid")(z))
    unconditional = keras.Model(z, image)
    assert metrics.output_range(unconditional) == (0.0, 1.0)
    assert not metrics.is_conditional(unconditional)
    conditional = cgan_mnist.build_generator(latent_dim=16, num_classes=10, widths=(8,))
    assert metrics.output_range(conditional) == (-1.0, 1.0)
    assert metrics.is_conditional(conditional)
    for generator in (unconditional, conditional):
        distance = metrics.mnist_frechet_distance(generator, classifier, x_test[:2000], n=500)
        assert np.isfinite(distance) and distance > 1.0


@pytest.mark.slow
def test_class_spread_reads_real_digits_as_named_and_evenly_spread_noise_as_neither(classifier, mnist_test):
    x_test, y_test = mnist_test
    real = metrics.class_spread(metrics.RealImages(x_test), classifier, n=2000, value_range=(0, 255))
    # The classifier names nearly every real digit, and the shares are the test set's own.
    assert real["confident"] > 0.95
    expected = np.bincount(y_test[:2000], minlength=10) / 2000
    np.testing.assert_allclose(real["class_shares"], expected, atol=0.01)
    assert real["class_shares"].sum() == pytest.approx(1.0)
    noise = metrics.class_spread(metrics.NoiseImages((28, 28, 1)), classifier, n=2000, value_range=(-1, 1))
    assert noise["confident"] < 0.5 * real["confident"] and noise["class_shares"].max() > 0.3, noise


@pytest.mark.slow
def test_evaluate_script_prints_and_writes_both(classifier_file, mnist_dir, tmp_path, capsys):
    script = load_script("evaluate_mnist")
    cgan_mnist.build_generator(latent_dim=8, num_classes=10, widths=(8,)).save(tmp_path / "generator.keras")
    code = script.main(
        [
            "--generator",
            str(tmp_path / "generator.keras"),
            "--classifier",
            str(classifier_file),
            "--mnist-path",
            str(mnist_dir),
            "--per-class",
            "20",
            "--json",
            str(tmp_path / "scores.json"),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Fréchet distance" in printed and "conditional accuracy" in printed
    with open(tmp_path / "scores.json") as file:
        scores = json.load(file)
    assert set(scores) == {"command", "generator", "frechet_distance", "accuracy", "per_class"}
    assert scores["command"].startswith("python scripts/evaluate_mnist.py --generator ")
    assert len(scores["per_class"]) == 10
    # An unconditional generator: how many digits the classifier can name, and which.
    z = keras.Input((8,))
    keras.Model(z, keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="tanh")(z))).save(
        tmp_path / "unconditional.keras"
    )
    argv = ["--generator", str(tmp_path / "unconditional.keras"), "--classifier", str(classifier_file)]
    assert script.main([*argv, "--mnist-path", str(mnist_dir), "--json", str(tmp_path / "u.json")]) == 0
    assert "digits a reader can name" in capsys.readouterr().out
    scores = json.loads((tmp_path / "u.json").read_text())
    assert set(scores) == {
        "command",
        "generator",
        "frechet_distance",
        "confident",
        "confident_real",
        "class_shares",
    }
    assert scores["confident_real"] > 0.95
    assert sum(scores["class_shares"]) == pytest.approx(1.0)
    assert script.main(["--generator", str(tmp_path / "missing.keras")]) == 2
