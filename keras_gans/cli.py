"""Command-line plumbing shared by the scripts: checked options and clean errors."""

import argparse
import os
import sys

# TensorFlow's C++ start-up chatter (CUDA probes, oneDNN notice) would bury
# the training output; keras_gans prints what matters (see runtime.describe_run).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def positive_int(text):
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text):
    """argparse type: a number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return value


def add_training_arguments(parser, output_dir, epochs, batch_size):
    """The options every training script has, with that script's defaults."""
    parser.add_argument(
        "--output-dir",
        default=output_dir,
        help="folder for samples, losses, checkpoints and the saved generator; "
        "re-running with an unfinished run's folder resumes it (default: %(default)s)",
    )
    parser.add_argument(
        "--epochs", type=positive_int, default=epochs, help="epochs to train (default: %(default)s)"
    )
    parser.add_argument(
        "--batch-size", type=positive_int, default=batch_size, help="images per batch (default: %(default)s)"
    )
    parser.add_argument(
        "--steps-per-epoch",
        type=positive_int,
        default=None,
        help="batches per epoch, for short runs (default: the whole dataset)",
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="seed for weights, data order, latent vectors and samples"
    )
    parser.add_argument(
        "--no-xla",
        dest="xla",
        action="store_false",
        help="never XLA-compile the train step (by default it is compiled when a GPU is present)",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace the contents of an existing --output-dir"
    )
    parser.add_argument(
        "--strategy",
        choices=("default", "mirrored", "multiworker"),
        default="default",
        help="tf.distribute strategy: default (one device), mirrored (all local GPUs), "
        "multiworker (machines in TF_CONFIG) (default: %(default)s)",
    )
    parser.add_argument(
        "--mixed-precision",
        nargs="?",
        const="float16",
        default=None,
        choices=("float16", "bfloat16"),
        help="compute in float16 with loss scaling (mixed_float16; for GPUs; the default when "
        "given alone) or in bfloat16 (mixed_bfloat16; for CPUs with AVX512_BF16 or AMX, TPUs)",
    )


def add_model_arguments(parser, latent_dim=None, learning_rate=None):
    """--latent-dim and --learning-rate (where the script has them) and --max-images."""
    if latent_dim is not None:
        parser.add_argument(
            "--latent-dim", type=positive_int, default=latent_dim, help="size of z (default: %(default)s)"
        )
    if learning_rate is not None:
        parser.add_argument(
            "--learning-rate",
            type=positive_float,
            default=learning_rate,
            help="Adam learning rate of both networks (default: %(default)s)",
        )
    parser.add_argument(
        "--max-images",
        type=positive_int,
        default=None,
        help="train on the first N images only (default: all)",
    )


def add_mnist_argument(parser):
    """--mnist-path: a local MNIST copy instead of Keras' download."""
    parser.add_argument(
        "--mnist-path",
        default=None,
        help="a Keras-format mnist.npz or a folder of the four IDX files "
        "(default: $KERAS_GANS_MNIST, else Keras' download)",
    )


def run(train_fn, **kwargs):
    """Calls `train_fn(**kwargs)`; known user errors become one message and exit code 2."""
    from keras_gans.data.images import DataError
    from keras_gans.training import OutputDirError

    if isinstance(kwargs.get("strategy"), str):
        from keras_gans.runtime import make_strategy

        # Before any other TensorFlow work: a multi-worker strategy must be
        # created at program start-up.
        kwargs["strategy"] = make_strategy(kwargs["strategy"])
    try:
        paths = train_fn(**kwargs)
    except (DataError, OutputDirError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\nWritten:")
    for name, path in paths.items():
        print(f"  {name:<12} {path}")
    return 0
