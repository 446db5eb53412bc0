"""Train the MLP conditional GAN of the "CGAN on MNIST" tutorial.

python scripts/train_cgan_mnist.py --mnist-path ../shared/data/mnist            # the tutorial's settings
python scripts/train_cgan_mnist.py --mnist-path ../shared/data/mnist --epochs 3 --steps-per-epoch 50
python scripts/evaluate_mnist.py --generator runs/cgan_mnist/generator.keras     # score it
"""

import sys

from keras_gans.cli import main as train_main


def main(argv=None):
    return train_main("cgan_mnist", argv, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
