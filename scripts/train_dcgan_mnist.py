"""Train the DCGAN of the TensorFlow tutorial "Deep Convolutional Generative Adversarial Network" on MNIST.

python scripts/train_dcgan_mnist.py                        # Keras' MNIST download, the tutorial's settings
python scripts/train_dcgan_mnist.py --mnist-path data/mnist.npz   # a local copy (.npz or IDX folder)
python scripts/train_dcgan_mnist.py --epochs 3 --max-images 12800 # a short CPU run

Writes a 4x4 grid samples/image_at_epoch_NNNN.png each epoch and dcgan.gif at the end.
"""

import sys

from keras_gans.cli import main as train_main


def main(argv=None):
    return train_main("dcgan_mnist", argv, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
