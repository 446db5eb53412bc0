"""Train the MLP conditional GAN of the "CGAN on MNIST" tutorial.

python scripts/train_cgan_mnist.py --mnist-path ../shared/data/mnist            # 50 epochs
python scripts/train_cgan_mnist.py --mnist-path ../shared/data/mnist --epochs 3 --steps-per-epoch 50
python scripts/evaluate_mnist.py --generator runs/cgan_mnist/generator.keras     # score it
"""

import argparse
import sys

from keras_gans.cli import (
    add_mnist_argument,
    add_model_arguments,
    add_training_arguments,
    positive_int,
    run,
)


def add_conditional_mnist_arguments(parser, output_dir, epochs, batch_size):
    """The options of both conditional MNIST scripts."""
    add_mnist_argument(parser)
    add_model_arguments(parser, latent_dim=100, learning_rate=2e-4)
    add_training_arguments(parser, output_dir=output_dir, epochs=epochs, batch_size=batch_size)
    parser.add_argument(
        "--per-class",
        type=positive_int,
        default=10,
        help="samples per class in each epoch's grid, one row per class (default: %(default)s)",
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_conditional_mnist_arguments(parser, output_dir="runs/cgan_mnist", epochs=50, batch_size=128)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from keras_gans.recipes.cgan import train_cgan_mnist

    return run(train_cgan_mnist, **vars(args))


if __name__ == "__main__":
    sys.exit(main())
