"""Score an MNIST generator with the project's own MNIST classifier.

Prints the Fréchet distance between generated and real test digits in the
classifier's feature space (an MNIST "FID": lower is better, real-vs-real is
about 0), and for conditional generators ([z, one-hot] inputs) the share of
generated digits classified as the class asked for, overall and per class; for
unconditional ones, the share read with probability >= 0.9 (digits a reader
can name) and the share read as each digit.

python scripts/evaluate_mnist.py --generator runs/cgan_mnist/generator.keras --mnist-path ../shared/data/mnist

The classifier is trained on first use (4 epochs, about 1-2 minutes on a
CPU) and cached in --classifier (default $KERAS_GANS_CLASSIFIER, else
~/.cache/keras_gans/mnist_classifier.keras).
"""

import argparse
import os
import sys

from keras_gans.cli import command_line, positive_int
from keras_gans.files import check_output_folder, output_file
from keras_gans.options import seed
from keras_gans.presets.mnist import MNIST_OPTIONS


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generator", required=True, help="a saved generator (.keras)")
    parser.add_argument("--mnist-path", default=None, help=MNIST_OPTIONS["mnist_path"].help)
    parser.add_argument(
        "--classifier",
        default=None,
        help="where the classifier is cached (trained there if missing) "
        "(default: $KERAS_GANS_CLASSIFIER, else ~/.cache/keras_gans/mnist_classifier.keras)",
    )
    parser.add_argument(
        "--per-class",
        type=positive_int,
        default=1000,
        help="digits generated per class for the conditional accuracy (default: %(default)s)",
    )
    parser.add_argument(
        "--value-range",
        choices=("auto", "tanh", "sigmoid"),
        default="auto",
        help="the generator's output range: tanh [-1, 1], sigmoid [0, 1], "
        "auto reads its last activation (default: %(default)s)",
    )
    parser.add_argument("--seed", type=seed, default=0, help="seed of the generated digits")
    parser.add_argument(
        "--json",
        type=output_file(".json"),
        default=None,
        help="also write the results to this JSON file (in a folder that exists)",
    )
    args = parser.parse_args(argv)
    if args.classifier:  # trained there if missing: its folder is checked before the minutes of training
        try:
            check_output_folder(os.path.dirname(os.path.abspath(args.classifier)))
        except ValueError as error:
            parser.error(f"argument --classifier: {error}")
    return args


def main(argv=None):
    args = parse_args(argv)
    from keras_gans import metrics
    from keras_gans.data.images import DataError
    from keras_gans.files import write_json
    from keras_gans.sampling import check_draws_from_noise, load_generator

    value_range = {"auto": None, "tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}[args.value_range]
    try:
        generator, _ = load_generator(args.generator)  # a generator.keras, or a whole GAN's
        check_draws_from_noise(generator, args.generator)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if tuple(generator.output_shape[1:]) != (28, 28, 1):
        print(
            f"error: {args.generator} makes images of shape {tuple(generator.output_shape[1:])}, not MNIST's "
            "(28, 28, 1): pass a generator of an MNIST tutorial",
            file=sys.stderr,
        )
        return 2
    try:
        classifier = metrics.load_mnist_classifier(args.classifier, args.mnist_path, verbose=2)
        results = metrics.evaluate_mnist_generator(
            generator,
            classifier,
            mnist_path=args.mnist_path,
            n_per_class=args.per_class,
            seed=args.seed,
            value_range=value_range,
        )
    except (DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"generator: {args.generator}")
    print(f"Fréchet distance to the MNIST test set (classifier features): {results['frechet_distance']:.2f}")
    if "accuracy" in results:
        print(
            f"conditional accuracy: {results['accuracy']:.2%} "
            f"({args.per_class} digits per class, classified as the class asked for)"
        )
        for digit, share in enumerate(results["per_class"]):
            print(f"  {digit}: {share:.1%}")
    else:
        print(
            f"read with probability >= 0.9 (digits a reader can name): {results['confident']:.1%} "
            f"(real test digits: {results['confident_real']:.1%})"
        )
        shares = "  ".join(f"{digit}: {share:.1%}" for digit, share in enumerate(results["class_shares"]))
        print(f"read as each digit: {shares}")
    if args.json:
        command = command_line("evaluate_mnist.py", argv)
        summary = {
            "command": command,
            "generator": args.generator,
            "frechet_distance": results["frechet_distance"],
        }
        if "accuracy" in results:
            summary.update(accuracy=results["accuracy"], per_class=[float(s) for s in results["per_class"]])
        else:
            summary.update(
                confident=results["confident"],
                confident_real=results["confident_real"],
                class_shares=[float(s) for s in results["class_shares"]],
            )
        write_json(args.json, summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
