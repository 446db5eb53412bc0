"""Write the rock-paper-scissors stand-in: three classes of real Fashion-MNIST images as class folders.

python scripts/make_rps_standin.py --fashion-mnist ../shared/data/fashion-mnist --output data/rps_standin
python scripts/train_cgan_rps.py --data-dir data/rps_standin --image-size 32
"""

import argparse
import sys

from keras_gans.cli import positive_int


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fashion-mnist", required=True, help="folder of Fashion-MNIST's four IDX .gz files")
    parser.add_argument("--output", default="data/rps_standin", help="folder to write (default: %(default)s)")
    parser.add_argument(
        "--per-class", type=positive_int, default=840, help="images per class (default: %(default)s, as rps)"
    )
    parser.add_argument(
        "--image-size", type=positive_int, default=128, help="side of the PNGs (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    from keras_gans.data.images import DataError
    from keras_gans.data.standin import write_fashion_standin

    try:
        path = write_fashion_standin(
            args.fashion_mnist, args.output, per_class=args.per_class, image_size=args.image_size
        )
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
