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

from keras_gans.files import IMAGE_SUFFIXES, output_file, output_folder
from keras_gans.options import positive_int, seed

BATCH = 256  # images generated (and, with --files, written) at a time: memory stays bounded


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generator", required=True, help="a saved generator.keras or gan.keras")
    parser.add_argument(
        "--num", type=positive_int, default=16, help="images (per class) (default: %(default)s)"
    )
    parser.add_argument(
        "--seed", type=seed, default=None, help="seed of the latent vectors: same seed, same images"
    )
    parser.add_argument(
        "--class", dest="class_name", default=None, help="draw this class only (its saved name)"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--output",
        type=output_file(*IMAGE_SUFFIXES),
        default=None,
        help="the grid's image file, in a folder that exists (default: generated.png beside the generator)",
    )
    where.add_argument(
        "--files",
        type=output_folder,
        default=None,
        help="write one PNG per image into this folder instead (made if missing), any number of them",
    )
    return parser.parse_args(argv)


def grid_too_large(count, shape, cols):
    """Why a grid of `count` images of `shape` (H, W, C) in `cols` columns is not drawn, or None: above
    Pillow's limit (Image.MAX_IMAGE_PIXELS) an image viewer built on it refuses the file, and the
    grid would be held whole in memory."""
    import math

    from PIL import Image

    cols = cols or math.ceil(math.sqrt(count))  # as plotting.image_grid lays them out
    rows = -(-count // cols)
    pixels = rows * shape[0] * cols * shape[1]
    if Image.MAX_IMAGE_PIXELS is None or pixels <= Image.MAX_IMAGE_PIXELS:
        return None
    return (
        f"a grid of {count} images of {shape[0]}x{shape[1]} would be {pixels:,} pixels, more than "
        f"image viewers open (Pillow's limit: {Image.MAX_IMAGE_PIXELS:,}): pass a smaller --num, or "
        "--files FOLDER to write one file per image"
    )


def main(argv=None):
    args = parse_args(argv)
    import numpy as np

    from keras_gans.data.images import DataError
    from keras_gans.files import FileProblem, check_output_file, write_atomically
    from keras_gans.plotting import image_grid, save_image, to_uint8
    from keras_gans.sampling import (
        check_draws_from_noise,
        class_index,
        load_generator,
        num_classes,
        sample_batches,
        value_range,
    )

    try:
        generator, class_names = load_generator(args.generator)
        check_draws_from_noise(generator, args.generator)
        classes = num_classes(generator)
        if args.class_name is not None and classes is None:
            raise DataError(f"{args.generator} draws no classes: --class needs a conditional generator")
        if classes is None:
            labels, cols = None, None
        elif args.class_name is not None:
            labels, cols = np.full(args.num, class_index(class_names, args.class_name)), args.num
        else:  # one row of `num` images per class
            labels, cols = np.repeat(np.arange(classes), args.num), args.num
        count = len(labels) if labels is not None else args.num
        output = None
        if not args.files:
            folder = os.path.dirname(os.path.abspath(args.generator))
            output = check_output_file(args.output or os.path.join(folder, "generated.png"), IMAGE_SUFFIXES)
            problem = grid_too_large(count, tuple(generator.outputs[0].shape[1:]), cols)
            if problem:
                raise DataError(problem)
    except (DataError, FileProblem) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    value = value_range(generator)
    batches = sample_batches(generator, count, args.seed, labels, BATCH)
    if args.files:
        os.makedirs(args.files, exist_ok=True)
        i = 0
        for batch in batches:
            for image in to_uint8(batch, value):
                name = os.path.join(args.files, f"generated_{i:04d}.png")
                write_atomically(name, lambda temporary, image=image: save_image(image, temporary))
                i += 1
        print(f"Written: {count} images in {args.files}")
        return 0
    grid = image_grid(np.concatenate([to_uint8(batch, value) for batch in batches]), cols)
    write_atomically(output, lambda temporary: save_image(grid, temporary))
    print(f"Written: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
