"""Train the DCGAN of the TensorFlow tutorial "Deep Convolutional Generative Adversarial Network" on MNIST.

python scripts/train_dcgan_mnist.py                        # Keras' MNIST download, 50 epochs
python scripts/train_dcgan_mnist.py --mnist-path data/mnist.npz   # a local copy (.npz or IDX folder)
python scripts/train_dcgan_mnist.py --epochs 3 --max-images 12800 # a short CPU run

Writes a 4x4 grid samples/image_at_epoch_NNNN.png each epoch and dcgan.gif at the end.
"""

import argparse
import sys

from keras_gans.cli import (
    add_mnist_argument,
    add_model_arguments,
    add_training_arguments,
    run,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_mnist_argument(parser)
    add_model_arguments(parser, latent_dim=100, learning_rate=1e-4)
    add_training_arguments(parser, output_dir="runs/dcgan_mnist", epochs=50, batch_size=256)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from keras_gans.recipes.mnist_dcgan import train_dcgan_mnist

    return run(train_dcgan_mnist, **vars(args))


if __name__ == "__main__":
    sys.exit(main())
