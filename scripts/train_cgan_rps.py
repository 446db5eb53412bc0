"""Train the conditional GAN of the PyTorch tutorial "CGAN: generating hand-gesture images".

python scripts/train_cgan_rps.py                      # download rock-paper-scissors, 100 epochs
python scripts/train_cgan_rps.py --data-dir rps       # any folder of class sub-folders
python scripts/train_cgan_rps.py --data-dir standin --image-size 32 --epochs 20   # a CPU run
"""

import argparse
import sys

from keras_gans.cli import (
    add_model_arguments,
    add_training_arguments,
    positive_int,
    run,
)


def image_size(text):
    """argparse type: a multiple of 32 (the generator doubles its size five times)."""
    value = positive_int(text)
    if value % 32:
        raise argparse.ArgumentTypeError(f"must be a multiple of 32, got {value}")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="folder of class sub-folders of images; labels follow the sorted folder names "
        "(default: download rock-paper-scissors into data/)",
    )
    add_training_arguments(parser, output_dir="runs/cgan_rps", epochs=100, batch_size=128)
    parser.add_argument(
        "--image-size",
        type=image_size,
        default=128,
        help="side of the square images, a multiple of 32; the same layers, with smaller "
        "feature maps (default: %(default)s)",
    )
    add_model_arguments(parser, learning_rate=2e-4)
    parser.add_argument(
        "--sample-every",
        type=positive_int,
        default=10,
        help="save a grid of samples (one row per class) every N epochs (default: %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from keras_gans.recipes.rps_cgan import train_cgan_rps

    return run(train_cgan_rps, **vars(args))


if __name__ == "__main__":
    sys.exit(main())
