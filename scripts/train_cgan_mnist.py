"""Train the MLP conditional GAN of the "CGAN on MNIST" tutorial.

python scripts/train_cgan_mnist.py --mnist-path ../shared/data/mnist            # 50 epochs
python scripts/train_cgan_mnist.py --mnist-path ../shared/data/mnist --epochs 3 --steps-per-epoch 50
python scripts/evaluate_mnist.py --generator runs/cgan_mnist/generator.keras     # score it
"""

import argparse
import sys

from keras_gans.cli import add_training_arguments, positive_float, positive_int, run


def add_conditional_mnist_arguments(parser, output_dir, epochs, batch_size):
    """The options of both conditional MNIST scripts."""
    parser.add_argument(
        "--mnist-path",
        default=None,
        help="a Keras-format mnist.npz or a folder of the four IDX files "
        "(default: $KERAS_GANS_MNIST, else Keras' download)",
    )
    add_training_arguments(parser, output_dir=output_dir, epochs=epochs, batch_size=batch_size)
    parser.add_argument(
        "--latent-dim", type=positive_int, default=100, help="size of z (default: %(default)s)"
    )
    parser.add_argument(
        "--learning-rate",
        type=positive_float,
        default=2e-4,
        help="Adam learning rate of both models, beta_1 = 0.5 (default: %(default)s)",
    )
    parser.add_argument(
        "--max-images",
        type=positive_int,
        default=None,
        help="train on the first N training digits only (default: all 60,000)",
    )
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
