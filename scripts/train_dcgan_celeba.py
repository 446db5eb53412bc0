"""Train the DCGAN of the Keras example "DCGAN to generate face images" on CelebA.

python scripts/train_dcgan_celeba.py                      # download CelebA, the example's settings
python scripts/train_dcgan_celeba.py --data-dir my_faces  # any folder of images
python scripts/train_dcgan_celeba.py --steps-per-epoch 20 --epochs 3   # a short CPU run
"""

import sys

from keras_gans.cli import main as train_main


def main(argv=None):
    return train_main("dcgan_celeba", argv, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
