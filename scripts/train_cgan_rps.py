"""Train the conditional GAN of the PyTorch tutorial "CGAN: generating hand-gesture images".

python scripts/train_cgan_rps.py                      # download rock-paper-scissors, the tutorial's settings
python scripts/train_cgan_rps.py --data-dir rps       # any folder of class sub-folders
python scripts/train_cgan_rps.py --data-dir standin --image-size 32 --epochs 20   # a CPU run
"""

import sys

from keras_gans.cli import main as train_main


def main(argv=None):
    return train_main("cgan_rps", argv, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
