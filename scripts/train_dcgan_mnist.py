"""Train the DCGAN of the TensorFlow tutorial "Deep Convolutional Generative Adversarial Network" on MNIST.

python scripts/train_dcgan_mnist.py                        # Keras' MNIST download, 50 epochs
python scripts/train_dcgan_mnist.py --mnist-path data/mnist.npz   # a local copy (.npz or IDX folder)
python scripts/train_dcgan_mnist.py --epochs 3 --max-images 12800 # a short CPU run

Writes a 4x4 grid samples/image_at_epoch_NNNN.png each epoch and dcgan.gif at the end.
"""

import argparse
import sys

from keras_gans.cli import add_training_arguments, positive_float, positive_int, run


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--mnist-path",
        default=None,
        help="a Keras-format mnist.npz or a folder of the four IDX files "
        "(default: $KERAS_GANS_MNIST, else Keras' download)",
    )
    add_training_arguments(parser, output_dir="runs/dcgan_mnist", epochs=50, batch_size=256)
    parser.add_argument(
        "--latent-dim", type=positive_int, default=100, help="size of the noise (default: %(default)s)"
    )
    parser.add_argument(
        "--learning-rate",
        type=positive_float,
        default=1e-4,
        help="Adam learning rate of both models (default: %(default)s)",
    )
    parser.add_argument(
        "--max-images",
        type=positive_int,
        default=None,
        help="train on the first N training images only (default: all 60000)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from keras_gans.recipes.mnist_dcgan import train_dcgan_mnist

    return run(train_dcgan_mnist, **vars(args))


if __name__ == "__main__":
    sys.exit(main())
