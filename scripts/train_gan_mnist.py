"""Train the classic Keras GAN (J. Brownlee, "How to Develop a GAN for MNIST") on MNIST.

python scripts/train_gan_mnist.py                     # the tutorial's composite model and settings
python scripts/train_gan_mnist.py --method fit        # the same networks, train_step + fit
python scripts/train_gan_mnist.py --mnist-path data/mnist.npz --epochs 10 --sample-every 2

Every --sample-every epochs: the discriminator's accuracy on real and fake images,
samples/generated_plot_eNNN.png (10x10) and samples/generator_model_NNN.keras.
"""

import sys

from keras_gans.cli import main as train_main


def main(argv=None):
    return train_main("gan_mnist", argv, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
