"""Train the auxiliary classifier GAN (ACGAN, Odena et al.) on MNIST.

python scripts/train_acgan_mnist.py --mnist-path ../shared/data/mnist           # the tutorial's settings
python scripts/train_acgan_mnist.py --mnist-path ../shared/data/mnist --epochs 3 --steps-per-epoch 50
python scripts/evaluate_mnist.py --generator runs/acgan_mnist/generator.keras    # score it
"""

import sys

from keras_gans.cli import main as train_main


def main(argv=None):
    return train_main("acgan_mnist", argv, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
