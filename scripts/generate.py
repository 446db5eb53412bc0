"""Draw images from any trained generator of the project: a grid, or one file per image.

python scripts/generate.py --generator runs/dcgan_celeba/generator.keras --num 16 --seed 0
python scripts/generate.py --generator runs/cgan_mnist/best/generator.keras --class 7 --num 10
python scripts/generate.py --generator runs/cgan_rps/gan.keras --files samples/   # one PNG per image

A conditional generator draws `--num` images of each class, one row per
class, unless --class names one; class names are those saved with the
model (its run's run.json, or its gan.keras), never guessed from its layers.
"""

import argparse
import os
import sys

from keras_gans.cli import positive_int


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generator", required=True, help="a saved generator.keras or gan.keras")
    parser.add_argument(
        "--num", type=positive_int, default=16, help="images (per class) (default: %(default)s)"
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="seed of the latent vectors: same seed, same images"
    )
    parser.add_argument(
        "--class", dest="class_name", default=None, help="draw this class only (its saved name)"
    )
    parser.add_argument(
        "--output", default=None, help="the grid's PNG (default: generated.png beside the generator)"
    )
    parser.add_argument("--files", default=None, help="write one PNG per image into this folder instead")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import numpy as np

    from keras_gans.data.images import DataError
    from keras_gans.plotting import save_image, save_image_grid, to_uint8
    from keras_gans.sampling import class_index, load_generator, num_classes, sample, value_range

    try:
        generator, class_names = load_generator(args.generator)
        classes = num_classes(generator)
        if args.class_name is not None and classes is None:
            raise DataError(f"{args.generator} draws no classes: --class needs a conditional generator")
        if classes is None:
            labels, cols = None, None
        elif args.class_name is not None:
            labels, cols = np.full(args.num, class_index(class_names, args.class_name)), args.num
        else:  # one row of `num` images per class
            labels, cols = np.repeat(np.arange(classes), args.num), args.num
        images = sample(generator, len(labels) if labels is not None else args.num, args.seed, labels)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    value = value_range(generator)
    if args.files:
        os.makedirs(args.files, exist_ok=True)
        for i, image in enumerate(to_uint8(images, value)):
            save_image(image, os.path.join(args.files, f"generated_{i:04d}.png"))
        print(f"Written: {len(images)} images in {args.files}")
        return 0
    output = args.output or os.path.join(os.path.dirname(os.path.abspath(args.generator)), "generated.png")
    save_image_grid(images, output, cols=cols, value_range=value)
    print(f"Written: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
