"""Train the auxiliary classifier GAN (ACGAN, Odena et al.) on MNIST.

python scripts/train_acgan_mnist.py --mnist-path ../shared/data/mnist           # 50 epochs
python scripts/train_acgan_mnist.py --mnist-path ../shared/data/mnist --epochs 3 --steps-per-epoch 50
python scripts/evaluate_mnist.py --generator runs/acgan_mnist/generator.keras    # score it
"""

import argparse
import sys

# Python puts this script's folder on sys.path: the sibling script's options.
from train_cgan_mnist import add_conditional_mnist_arguments

from keras_gans.cli import run


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_conditional_mnist_arguments(parser, output_dir="runs/acgan_mnist", epochs=50, batch_size=64)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from keras_gans.recipes.cgan import train_acgan_mnist

    return run(train_acgan_mnist, **vars(args))


if __name__ == "__main__":
    sys.exit(main())
