"""Measure training throughput (images/s) of the project's GANs on synthetic data.

    python scripts/benchmark.py                       # every model, every configuration
    python scripts/benchmark.py --models face_dcgan --configs plain keras_gans

Configurations: plain (plain Keras 3 defaults: TensorFlow's default kernels),
keras_gans (the project's defaults), keras_gans+xla (XLA forced on). Each
measurement runs in a fresh process after `--warmup` steps (compilation).
Prints a Markdown table and writes it as JSON.
"""

import argparse
import json
import sys

from keras_gans.cli import positive_int


def main(argv=None):
    from keras_gans.benchmark import CONFIGS, _model_specs, measure, table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=None, help="models to measure (default: all)")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--warmup", type=positive_int, default=2, help="steps not timed (default: 2)")
    parser.add_argument("--steps", type=positive_int, default=5, help="steps timed (default: 5)")
    parser.add_argument("--json", default="benchmark.json", help="output file (default: %(default)s)")
    args = parser.parse_args(argv)
    models = args.models or list(_model_specs())
    unknown = set(models) - set(_model_specs())
    if unknown:
        parser.error(f"unknown model(s) {sorted(unknown)}; choose from {list(_model_specs())}")
    results = []
    for model in models:
        for config in args.configs:
            results.append(measure(model, config, args.warmup, args.steps))
            print(f"{model:>12} {config:<15} {results[-1]['images_per_s']:8.1f} images/s", flush=True)
    print()
    print(table(results))
    with open(args.json, "w") as file:
        json.dump(results, file, indent=2)
    print(f"\nWritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
