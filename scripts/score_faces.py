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
import json
import sys

from keras_gans.cli import command_line, positive_int


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generator", required=True, help="a saved generator (.keras), or a whole GAN")
    parser.add_argument("--data-dir", required=True, help="the folder of real faces the run trained on")
    parser.add_argument(
        "--seed", type=int, default=1, help="seed of the draws (default: %(default)s; training scores with 0)"
    )
    parser.add_argument(
        "--eval-samples", type=positive_int, default=None, help="faces generated (default: the preset's)"
    )
    parser.add_argument("--json", default=None, help="also write the scores to this JSON file")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from keras_gans.data.images import DataError
    from keras_gans.presets import get_preset
    from keras_gans.presets.base import TrainingData
    from keras_gans.sampling import load_generator

    try:
        generator, _ = load_generator(args.generator)  # a generator.keras, or a whole GAN's
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
        with open(args.json, "w") as file:
            json.dump({"command": command, "seed": args.seed, "image_size": size, **scores}, file, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
