"""What the four MNIST tutorials share: the digits, read once and cut for short runs."""

import os

from keras_gans import options as types
from keras_gans.data.mnist import load_mnist
from keras_gans.options import Option

# The options every MNIST tutorial has (their presets give them their defaults).
MNIST_OPTIONS = {
    "mnist_path": Option(
        None,
        "a Keras-format mnist.npz or a folder of the four IDX files (default: $KERAS_GANS_MNIST, else "
        "Keras' download)",
        types.optional_text,
    ),
    "latent_dim": Option(100, "size of z, the latent vector"),
    "max_images": Option(
        None, "train on the first N digits only (default: all)", types.optional_positive_int
    ),
    "eval_samples": Option(10000, "digits generated for each evaluation"),
}


def mnist_train(config):
    """`(images, labels)` of MNIST's training set, the first `max_images` of them if set."""
    (images, labels), _ = load_mnist(config["mnist_path"])
    if config["max_images"]:
        images, labels = images[: config["max_images"]], labels[: config["max_images"]]
    return images, labels


def mnist_source(config):
    """What was read, for run.json."""
    path = config["mnist_path"] or os.environ.get("KERAS_GANS_MNIST")
    return os.fspath(path) if path else "keras.datasets.mnist"


def labelled_mnist_data(config):
    """(digits in [-1, 1], labels) batches: the conditional tutorials' data."""
    from keras_gans.data.mnist import array_dataset
    from keras_gans.presets.base import TrainingData

    images, labels = mnist_train(config)
    # [-1, 1], the range of the generator's tanh (the CGAN tutorial scales
    # to [0, 1], half of tanh's range: fixed here).
    dataset = array_dataset(
        images, labels, config["batch_size"], value_range=(-1.0, 1.0), seed=config["seed"]
    )
    return TrainingData(dataset, class_names=[str(digit) for digit in range(10)], source=mnist_source(config))


def class_grid(config, data, samples_dir):
    """One row of `per_class` samples per digit, every epoch."""
    from keras_gans.callbacks import ClassGridMonitor

    return [
        ClassGridMonitor(
            num_classes=config["num_classes"],
            per_class=config["per_class"],
            latent_dim=config["latent_dim"],
            save_dir=samples_dir,
            seed=config["seed"],
        )
    ]


def mnist_quality(config, data):
    """The MNIST tutorials' score: Fréchet distance in the project's MNIST classifier's features
    (and, for a conditional generator, the share of digits read as the class asked for), on
    `eval_samples` digits from fixed inputs, against the MNIST test set."""
    from keras_gans.metrics import load_classifier, mnist_score_fn

    classifier = load_classifier("mnist", data_path=config["mnist_path"])
    _, (test_images, _) = load_mnist(config["mnist_path"])
    return mnist_score_fn(classifier, test_images, n=config["eval_samples"], seed=0)


def mnist_floor(config, data, score_fn):
    """The scores of real training digits (held out from the test set the score compares with):
    the best a generator can hope for."""
    from keras_gans.metrics import real_floor

    (images, labels), _ = load_mnist(config["mnist_path"])
    count = config["eval_samples"]
    conditional = data.class_names is not None
    return real_floor(score_fn, images[:count], labels[:count] if conditional else None, (0, 255))


# How every MNIST tutorial is scored: FD (and accuracy) by the MNIST classifier, its floor, lowest FD kept.
MNIST_SCORING = {"quality": mnist_quality, "floor": mnist_floor, "best": ("fd", "min")}
