"""Fréchet distance and conditional accuracy in a classifier's eyes (MNIST, Fashion-MNIST).

A conditional GAN is only as good as its answer to "draw me a 7". The honest
check is a classifier that never saw the GAN: generate images of each class,
classify them, count how many come out as the class asked for
(`class_accuracy`, `conditional_accuracy`). The same classifier's
penultimate layer gives a feature space in which to compare generated and
real images: the Fréchet distance between the two Gaussians fitted there
(`classifier_frechet_distance`), a stand-in for the Inception-based FID,
usable for any generator of the classifier's dataset.
"""

import numpy as np

from keras_gans.data.mnist import load_mnist
from keras_gans.metrics.classifier import classify, features, to_unit_range
from keras_gans.metrics.generating import generate, is_conditional, output_range


def frechet_distance(features_a, features_b):
    """Fréchet distance between Gaussians fitted to two sets of feature vectors.

    ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)). The trace of the
    matrix square root is the sum of the square roots of the eigenvalues of
    S_a S_b, which needs no SciPy and stays real: computed from the
    symmetric S_a^(1/2) S_b S_a^(1/2) (same eigenvalues) when there are more
    vectors than dimensions, else as the sum of the singular values of
    A B^T / sqrt((n_a - 1)(n_b - 1)) for the centred sets A, B (same
    eigenvalues again, of a matrix no larger than the sets): fewer images
    than Inception's 2,048 dimensions then cost seconds, not minutes.
    """
    features_a = np.asarray(features_a, dtype="float64")
    features_b = np.asarray(features_b, dtype="float64")
    mu_a, mu_b = features_a.mean(axis=0), features_b.mean(axis=0)
    a, b = features_a - mu_a, features_b - mu_b
    n_a, n_b = len(a), len(b)
    trace_a, trace_b = np.sum(a**2) / (n_a - 1), np.sum(b**2) / (n_b - 1)
    if min(n_a, n_b) <= a.shape[1]:
        trace_sqrt = np.linalg.svd(a @ b.T, compute_uv=False).sum() / np.sqrt((n_a - 1) * (n_b - 1))
    else:
        cov_a, cov_b = a.T @ a / (n_a - 1), b.T @ b / (n_b - 1)
        values, vectors = np.linalg.eigh(cov_a)
        sqrt_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
        product = np.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a)
        trace_sqrt = np.sqrt(np.clip(product, 0, None)).sum()
    distance = np.sum((mu_a - mu_b) ** 2) + trace_a + trace_b - 2 * trace_sqrt
    return float(max(distance, 0.0))


def classifier_frechet_distance(
    classifier, generated, real, value_range=(-1.0, 1.0), real_value_range=(0, 255)
):
    """Fréchet distance between two sets of 28x28 images in `classifier`'s feature space.

    `generated` images are in `value_range` ((-1, 1): a tanh generator's),
    `real` ones in `real_value_range` ((0, 255): uint8 as `load_dataset`
    gives them). Works for either dataset's classifier. Lower is better:
    10,000 real training images against the 10,000 test images score 0.85
    (MNIST) and 0.13 (Fashion-MNIST), uniform noise 301 and 198.
    """
    fake_features = features(classifier, to_unit_range(generated, value_range))
    real_features = features(classifier, to_unit_range(real, real_value_range))
    return frechet_distance(fake_features, real_features)


def class_accuracy(generate_fn, classifier, n_per_class=100, num_classes=10, value_range=(-1.0, 1.0)):
    """Share of images `generate_fn(labels)` that the classifier reads as the class asked for.

    `generate_fn` maps an int array of labels to one image per label, in
    `value_range`: any class-conditional generator can be wrapped so (a
    Keras one is by `conditional_accuracy`). Returns `{"accuracy": overall
    share, "per_class": array of num_classes shares, "predicted": the
    predicted classes, "requested": the requested ones}`. A generator that
    ignores its labels scores chance, 1 / num_classes.
    """
    requested = np.repeat(np.arange(num_classes), n_per_class)
    images = generate_fn(requested)
    predicted = classify(classifier, to_unit_range(images, value_range))
    correct = predicted == requested
    return {
        "accuracy": float(correct.mean()),
        "per_class": correct.reshape(num_classes, n_per_class).mean(axis=1),
        "predicted": predicted,
        "requested": requested,
    }


def conditional_accuracy(
    generator,
    classifier,
    n_per_class=100,
    latent_dim=None,
    num_classes=10,
    value_range=None,
    seed=0,
):
    """`class_accuracy` of a generator called as `generator([z, one-hot], training=False)`.

    `value_range` is the generator's output range; None reads it off its
    last activation (tanh or sigmoid). The latent vectors come from `seed`.
    """
    value_range = value_range or output_range(generator)

    def generate_fn(labels):
        return generate(generator, labels, latent_dim=latent_dim, num_classes=num_classes, seed=seed)

    return class_accuracy(generate_fn, classifier, n_per_class, num_classes, value_range)


def mnist_frechet_distance(
    generator,
    classifier,
    real_images,
    n=10000,
    latent_dim=None,
    num_classes=10,
    value_range=None,
    real_value_range=(0, 255),
    seed=0,
):
    """Fréchet distance between `n` generated images and `real_images` in the classifier's features.

    Works for conditional generators (labels spread evenly over the classes)
    and unconditional ones alike, and for either dataset's classifier.
    `real_images` are uint8 by default (`real_value_range`), e.g. the test
    set of `load_mnist`.
    """
    value_range = value_range or output_range(generator)
    labels = np.arange(n) % num_classes if is_conditional(generator) else None
    images = generate(generator, labels, n=n, latent_dim=latent_dim, num_classes=num_classes, seed=seed)
    return classifier_frechet_distance(classifier, images, real_images, value_range, real_value_range)


def class_spread(generator, classifier, n=10000, num_classes=10, value_range=None, seed=0, confidence=0.9):
    """What a classifier that never saw an unconditional generator reads in `n` of its images.

    "class_shares": the share read as each class (a generator that draws
    every digit spreads them near 1 / num_classes; one that collapsed piles
    them on a few). "confident": the share read with probability at least
    `confidence`, digits a reader can name (real MNIST test digits: about
    0.99 with the project's classifier).
    """
    value_range = value_range or output_range(generator)
    images = to_unit_range(generate(generator, n=n, seed=seed), value_range)
    probabilities = classifier.predict(images, batch_size=500, verbose=0)
    return {
        "class_shares": np.bincount(probabilities.argmax(axis=-1), minlength=num_classes) / n,
        "confident": float(np.mean(probabilities.max(axis=-1) >= confidence)),
    }


def mean_pairwise_distance(points):
    """The mean Euclidean distance between two different rows of `points` (n, d); NaN for n < 2."""
    points = np.asarray(points, dtype="float64")
    if len(points) < 2:
        return float("nan")
    squared = np.sum(points**2, axis=1)
    distances = np.sqrt(np.maximum(squared[:, None] + squared[None, :] - 2.0 * points @ points.T, 0.0))
    n = len(points)
    return float(distances.sum() / (n * (n - 1)))  # the diagonal's zeros left out of the count


def within_class_variety(fake_features, fake_labels, real_features, real_labels):
    """How varied the pictures of one class are, against real pictures of that class.

    Per class, the mean distance between two generated pictures' features over the same for two
    real pictures, averaged over the classes. 1: as varied as real pictures; near 0: every
    picture of a class nearly the same picture (a row of identical images in a class grid), which
    neither conditional accuracy nor one Fréchet distance over all classes catches.
    """
    ratios = [
        mean_pairwise_distance(fake_features[fake_labels == c])
        / mean_pairwise_distance(real_features[real_labels == c])
        for c in np.unique(fake_labels)
    ]
    return float(np.mean(ratios))


def evaluate_mnist_generator(
    generator, classifier, mnist_path=None, n_per_class=1000, seed=0, value_range=None
):
    """The Fréchet distance, and the conditional accuracy of a conditional generator or the class
    spread (`class_spread`) of an unconditional one."""
    _, (x_test, _) = load_mnist(mnist_path)
    results = {
        "frechet_distance": mnist_frechet_distance(
            generator, classifier, x_test, n=len(x_test), seed=seed, value_range=value_range
        )
    }
    if is_conditional(generator):
        results.update(
            conditional_accuracy(
                generator, classifier, n_per_class=n_per_class, seed=seed, value_range=value_range
            )
        )
    else:
        results.update(class_spread(generator, classifier, n=len(x_test), seed=seed, value_range=value_range))
        # The same share for the real test digits: the floor "confident" is read against.
        from keras_gans.metrics.scores import RealImages

        real = class_spread(RealImages(x_test), classifier, n=len(x_test), value_range=(0, 255))
        results["confident_real"] = real["confident"]
    return results
