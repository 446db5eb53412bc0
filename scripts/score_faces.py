"""Score a face generator again, on new draws, beside real faces' floor and the blurred-4x target.

python scripts/score_faces.py --generator runs/dcgan_celeba/best/generator.keras \
    --data-dir ../shared/data/celeba --seed 1 --json rescored.json

A run keeps the epoch whose face score is lowest, and that score swings from epoch to epoch: the
lowest of many is partly luck. This scores a kept generator as training does (the face DCGAN's
sliced Wasserstein distance, `keras_gans.presets.dcgan_celeba.quality`: its generated faces
against the folder's first real ones, at the generator's size) with other latent vectors and
patches (`--seed`; training uses 0), and scores real faces (the floor) and real faces blurred 4x
(the target) with the same draws. Works for any generator of RGB images from latent vectors
(the face DCGAN's, StyleGAN's).
"""

import argparse
import sys

from keras_gans.cli import command_line, positive_int
from keras_gans.files import output_file
from keras_gans.options import seed


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generator", required=True, help="a saved generator (.keras), or a whole GAN")
    parser.add_argument("--data-dir", required=True, help="the folder of real faces the run trained on")
    parser.add_argument(
        "--seed",
        type=seed,
        default=1,
        help="seed of the draws (default: %(default)s; training scores with 0)",
    )
    parser.add_argument(
        "--eval-samples", type=positive_int, default=None, help="faces generated (default: the preset's)"
    )
    parser.add_argument(
        "--json",
        type=output_file(".json"),
        default=None,
        help="also write the scores to this JSON file (in a folder that exists)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from keras_gans.data.images import DataError
    from keras_gans.files import write_json
    from keras_gans.presets import get_preset
    from keras_gans.presets.base import TrainingData
    from keras_gans.presets.dcgan_celeba import held_out_faces
    from keras_gans.sampling import check_draws_from_noise, load_generator

    try:
        generator, _ = load_generator(args.generator)  # a generator.keras, or a whole GAN's
        check_draws_from_noise(generator, args.generator)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    shape = tuple(generator.output_shape[1:])
    if len(shape) != 3 or shape[0] != shape[1] or shape[2] != 3:
        print(f"error: {args.generator} makes images of shape {shape}, not square RGB faces", file=sys.stderr)
        return 2
    preset = get_preset("dcgan_celeba")
    overrides = {"eval_samples": args.eval_samples} if args.eval_samples else {}
    config = preset.config(data_dir=args.data_dir, image_size=shape[0], **overrides)
    data = TrainingData(source=args.data_dir)
    try:
        held_out_faces(config, data)  # the floor's and the target's faces, checked before any scoring
        score_fn = preset.quality(config, data, seed=args.seed)
        scores = {
            "generator": score_fn(generator),
            "floor": preset.floor(config, data, score_fn),
            **preset.references(config, data, score_fn),
        }
    except (DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    scores = {name: {k: float(v) for k, v in values.items()} for name, values in scores.items()}
    size = shape[0]
    print(f"generator: {args.generator}, {config['eval_samples']} faces at {size}x{size}, seed {args.seed}")
    for name, values in scores.items():
        print(f"  {name}: " + ", ".join(f"{k} {v:.4g}" for k, v in sorted(values.items())))
    if args.json:
        command = command_line("score_faces.py", argv)
        write_json(args.json, {"command": command, "seed": args.seed, "image_size": size, **scores})
    return 0


if __name__ == "__main__":
    sys.exit(main())
