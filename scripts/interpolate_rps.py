"""Draw one straight path between two latent points for every class (the tutorial's last figure).

python scripts/interpolate_rps.py --generator runs/cgan_rps/generator.keras
python scripts/interpolate_rps.py --generator runs/cgan_rps/gan.keras --steps 10 --seed 3
"""

import argparse
import os
import sys

from keras_gans.cli import positive_int


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--generator",
        required=True,
        help="a saved generator.keras (class names read from its run's run.json) or gan.keras",
    )
    parser.add_argument(
        "--output", default=None, help="PNG to write (default: interpolation.png beside the generator)"
    )
    parser.add_argument(
        "--steps", type=positive_int, default=10, help="images along the path (default: %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the two latent points")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not os.path.isfile(args.generator):
        print(f"error: no saved model at {args.generator}", file=sys.stderr)
        return 2
    from keras_gans.data.images import DataError
    from keras_gans.interpolation import save_interpolation

    output = args.output or os.path.join(
        os.path.dirname(os.path.abspath(args.generator)), "interpolation.png"
    )
    try:
        paths = save_interpolation(args.generator, output, steps=args.steps, seed=args.seed)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Written: {paths['interpolation']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
