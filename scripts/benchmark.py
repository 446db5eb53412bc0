"""Measure training throughput (images/s) of the project's GANs on synthetic data.

    python scripts/benchmark.py                       # every model, every Keras configuration
    python scripts/benchmark.py --models dcgan_celeba --configs plain keras_gans

Configurations: plain (plain Keras 3 defaults: TensorFlow's own choice of
kernels for this CPU), onednn_off (TensorFlow's Eigen kernels), keras_gans
(the project's defaults), keras_gans+xla (XLA forced on), keras_gans+bf16
(`--mixed-precision bfloat16`), keras_gans+onednn_pool (oneDNN's own memory
pool, where keras_gans has it use the system's allocator), and, on request, pytorch_eager and
pytorch_eager+bf16: the face and MNIST DCGANs in PyTorch eager, in float32
or under bfloat16 autocast (scripts/pytorch_reference.py; needs
`pip install torch`). Each
measurement runs in a fresh process after `--warmup` steps (compilation);
the configurations take turns, `--repeats` times. images/s is the batch
size over the median step time of all runs. Prints a Markdown table and
writes it, with every step time, as JSON.
"""

import argparse
import functools
import importlib.util
import os
import sys

from keras_gans.cli import positive_int
from keras_gans.files import existing_folder, output_file

REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch_reference.py")
REFERENCE_MODELS = ("dcgan_celeba", "dcgan_mnist")
# The PyTorch reference's configurations, with its --precision.
REFERENCE_CONFIGS = {"pytorch_eager": "float32", "pytorch_eager+bf16": "bfloat16"}


def measure_or_reference(model, config, warmup, steps):
    """keras_gans' own measurement, or the PyTorch reference's for `pytorch_eager[+bf16]`."""
    from keras_gans.benchmark import measure, run_process

    if config not in REFERENCE_CONFIGS:
        return measure(model, config, warmup, steps)
    argv = [sys.executable, REFERENCE, model, "--warmup", str(warmup), "--steps", str(steps)]
    argv += ["--precision", REFERENCE_CONFIGS[config]]
    return {**run_process(argv, os.environ, f"{model} / {config}"), "config": config}


def main(argv=None):
    from keras_gans.benchmark import CONFIGS, models, run, summarize, table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=None, help="models to measure (default: all)")
    parser.add_argument(
        "--configs",
        nargs="+",
        default=list(CONFIGS),
        choices=[*CONFIGS, *REFERENCE_CONFIGS],
        help="default: %(default)s",
    )
    parser.add_argument(
        "--warmup",
        type=positive_int,
        default=5,
        help="steps not timed: compilation, oneDNN set-up (default: 5)",
    )
    parser.add_argument(
        "--steps",
        type=positive_int,
        default=None,
        help="steps timed per run (default: per model, from each preset's benchmark entry)",
    )
    parser.add_argument(
        "--repeats", type=positive_int, default=3, help="runs per model and configuration (default: 3)"
    )
    parser.add_argument(
        "--json",
        type=output_file(".json"),
        default="benchmark.json",
        help="output file, in a folder that exists: checked before the measurements (default: %(default)s)",
    )
    parser.add_argument(
        "--pipelines",
        metavar="DATA_ROOT",
        type=existing_folder,
        default=None,
        help="measure the input pipelines alone instead, on DATA_ROOT laid out as shared/data "
        "(celeba/img_align_celeba, mnist, fashion-mnist)",
    )
    parser.add_argument(
        "--quality",
        metavar="DATA_ROOT",
        type=existing_folder,
        default=None,
        help="measure what one quality evaluation costs beside an epoch of each tutorial instead, "
        "with the real data of DATA_ROOT (laid out as shared/data)",
    )
    args = parser.parse_args(argv)
    from keras_gans.files import write_json

    if args.quality or args.pipelines:
        from keras_gans.data.images import DataError

        try:
            return measure_data(args, parser)
        except DataError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    known = list(models())
    chosen = args.models or known
    unknown = set(chosen) - set(known)
    if unknown:
        parser.error(f"unknown model(s) {sorted(unknown)}; choose from {known}")
    if set(args.configs) & set(REFERENCE_CONFIGS):
        if not set(chosen) <= set(REFERENCE_MODELS):
            parser.error(f"pytorch_eager covers {' and '.join(REFERENCE_MODELS)} only: pass --models")
        if importlib.util.find_spec("torch") is None:
            parser.error("pytorch_eager needs PyTorch, which keras_gans does not use: pip install torch")
    progress = functools.partial(print, flush=True)
    runs = run(chosen, args.configs, args.warmup, args.steps, args.repeats, progress, measure_or_reference)
    rows = summarize(runs)
    print()
    print(table(rows))
    write_json(args.json, {"summary": rows, "runs": runs})
    print(f"\nWritten: {args.json}")
    return 0


def measure_data(args, parser):
    """--quality or --pipelines: what the real data costs, with the real data of DATA_ROOT."""
    from keras_gans.files import write_json

    if args.quality:
        from keras_gans.benchmark import measure_quality
        from keras_gans.presets import PRESETS

        unknown = sorted(set(args.models or ()) - set(PRESETS))
        if unknown:
            parser.error(f"unknown tutorial(s) {unknown}; choose from {list(PRESETS)}")
        results = measure_quality(args.quality, args.models)
        print("| tutorial | one evaluation, s | one epoch, s | share of the time |")
        print("| --- | ---: | ---: | ---: |")
        for r in results:
            print(f"| {r['tutorial']} | {r['evaluation_s']:.1f} | {r['epoch_s']:.0f} | {r['share']:.1%} |")
    else:
        from keras_gans.benchmark import measure_pipelines

        results = measure_pipelines(args.pipelines)
        print("| pipeline | images | images/s |\n| --- | ---: | ---: |")
        for r in results:
            print(f"| {r['pipeline']} | {r['images']} | {r['images_per_s']:.0f} |")
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
