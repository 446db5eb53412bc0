"""Train the DCGAN of the Keras example "DCGAN to generate face images" on CelebA.

python scripts/train_dcgan_celeba.py                      # download CelebA, 1 epoch
python scripts/train_dcgan_celeba.py --data-dir my_faces  # any folder of images
python scripts/train_dcgan_celeba.py --steps-per-epoch 20 --epochs 3   # a short CPU run
"""

import argparse
import sys

from keras_gans.cli import (
    add_model_arguments,
    add_training_arguments,
    positive_int,
    run,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="folder of training images, searched recursively "
        "(default: download CelebA into data/celeba_gan/)",
    )
    add_training_arguments(parser, output_dir="runs/dcgan_celeba", epochs=1, batch_size=32)
    add_model_arguments(parser, latent_dim=128, learning_rate=1e-4)
    parser.add_argument(
        "--num-images",
        type=positive_int,
        default=10,
        help="sample images saved each epoch (default: %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from keras_gans.recipes.face_dcgan import train_dcgan_celeba

    return run(train_dcgan_celeba, **vars(args))


if __name__ == "__main__":
    sys.exit(main())
