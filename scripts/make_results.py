"""Rebuild docs/results/ from finished run folders: pictures, curves and the numbers, per tutorial.

python scripts/make_results.py                       # every finished runs/<name>/ (run.json present)
python scripts/make_results.py --runs runs --only acgan_mnist cgan_mnist

For each tutorial with a finished run, docs/results/<name>/ gets: the last sample grid
(final.png) and the best epoch's (best.png, from best/generator.keras and the run's fixed
inputs), the loss curves, the score curves with the real-vs-real floor drawn in, the pictures the
tutorial makes at its end (the MNIST DCGAN's GIF, the hands' interpolation, CycleGAN's
translations, StyleGAN's style mixing and truncation), and results.json: the command, the
machine (and the cores the run could use), the training time (over every session of a resumed
run: the checkpoints' clock), the epochs, the best epoch and its scores, the last epoch's scores,
the floor (computed here, the scores of real data the score does not compare with) and the
tutorial's other references (the faces' target: real faces blurred 4x). The README's
results table, between its `<!-- results -->` markers, and docs/results/gallery.png (one line of
best grids) are rebuilt from those files. No number is typed by hand.
"""

import argparse
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: its start-up chatter

RESULTS = "docs/results"
README = "README.md"
MARKERS = ("<!-- results -->", "<!-- /results -->")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", default="runs", help="the folder of run folders (default: %(default)s)")
    parser.add_argument(
        "--only", nargs="+", default=None, help="these tutorials only (default: all finished)"
    )
    parser.add_argument("--out", default=RESULTS, help="where the results go (default: %(default)s)")
    parser.add_argument("--readme", default=README, help="the README whose results table is rebuilt")
    return parser.parse_args(argv)


def command(name, config, defaults):
    """The command line that reproduces a run: the script and every option that differs from its preset."""
    parts = [f"python scripts/train_{name}.py"]
    for key, value in config.items():
        if key in ("output_dir", "verbose", "overwrite") or value == defaults.get(key):
            continue
        if isinstance(value, bool):
            parts.append(f"--{key.replace('_', '-')}" if value else f"--no-{key.replace('_', '-')}")
        elif not isinstance(value, list):
            parts.append(f"--{key.replace('_', '-')} {value}")
    return " ".join(parts)


def last_grid(samples):
    """The last sample grid a run's monitor wrote (grids are named by epoch, so the last in order)."""
    if not os.path.isdir(samples):  # a tutorial with no pictures (DGGAN)
        return None
    grids = sorted(
        f for f in os.listdir(samples) if f.endswith(".png") and not f.startswith("generated_img_")
    )
    final = [f for f in grids if f == "final.png"]
    return os.path.join(samples, (final or grids)[-1]) if grids else None


def best_grid(run, out):
    """The best epoch's generator drawn from the run's fixed inputs, as its monitor drew each epoch."""
    import keras
    import numpy as np

    from keras_gans.callbacks import load_monitor_inputs
    from keras_gans.plotting import save_image_grid
    from keras_gans.sampling import load_generator, value_range

    inputs_file = os.path.join(run, "samples", "monitor_inputs.npz")
    generator_file = os.path.join(run, "best", "generator.keras")
    if not (os.path.exists(inputs_file) and os.path.exists(generator_file)):
        return None
    generator, _ = load_generator(generator_file)
    inputs = load_monitor_inputs(inputs_file)
    images = keras.ops.convert_to_numpy(generator(inputs, training=False))
    cols = len(inputs[0]) // len(np.unique(inputs[1], axis=0)) if isinstance(inputs, list) else None
    path = os.path.join(out, "best.png")
    save_image_grid(images, path, cols=cols, value_range=value_range(generator))
    return path


def tutorial_results(name, run, out):
    """Writes docs/results/<name>/ from the finished run folder `run`; returns its results.json."""
    from keras_gans.cli import recorded_config
    from keras_gans.plotting import plot_quality, read_loss_csv
    from keras_gans.presets import get_preset
    from keras_gans.runner import jsonable

    with open(os.path.join(run, "run.json")) as file:
        record = json.load(file)
    preset = get_preset(name)
    config = preset.config(**recorded_config(os.path.join(run, "run.json"), preset))
    os.makedirs(out, exist_ok=True)
    history = read_loss_csv(os.path.join(run, "losses.csv"))
    scores = {k: v for k, v in history.items() if k.startswith("val_")}
    last = {k: values[-1] for k, values in scores.items() if values and values[-1] == values[-1]}
    best = record.get("best")
    # Every score of the best epoch (best.json keeps the one that chose it).
    at_best = {k: values[best["epoch"] - 1] for k, values in scores.items()} if best else {}
    floor, references = None, None
    if preset.quality is not None and (preset.floor or preset.references):
        data = preset.load_data(config)
        score_fn = preset.quality(config, data)
        if score_fn is not None and preset.floor is not None:
            floor = {f"val_{k}": float(v) for k, v in preset.floor(config, data, score_fn).items()}
        if score_fn is not None and preset.references is not None:
            references = {
                name: {f"val_{k}": float(v) for k, v in scores.items()}
                for name, scores in preset.references(config, data, score_fn).items()
            }
    # The run's record and curves, and the pictures the tutorial made at its end (a GIF, an
    # interpolation...; not DGGAN's embeddings, which are data).
    pictures = [name for name in preset.outputs if name.endswith((".png", ".gif"))]
    for source in ("run.json", "losses.csv", "losses.png", *pictures):
        if os.path.exists(os.path.join(run, source)):
            shutil.copy(os.path.join(run, source), out)
    if scores:
        plot_quality(history, os.path.join(out, "quality.png"), floors=floor, references=references)
    final = last_grid(os.path.join(run, "samples"))
    if final:
        shutil.copy(final, os.path.join(out, "final.png"))
    best_grid(run, out)
    results = {
        "tutorial": name,
        # The recorded config holds lists where the preset's defaults hold tuples: compare as JSON.
        "command": command(name, record["config"], jsonable(preset.config())),
        "rerun": f"python scripts/train_{name}.py --config {out}/run.json --output-dir runs/{name}_again",
        "machine": {
            key: record["machine"].get(key)
            for key in ("cpu", "cpu_count", "cores_used", "gpus", "tensorflow")
        },
        "precision": record["in_force"]["precision"],
        "epochs": len(history.get("epoch", [])),
        "wall_time_s": record["wall_time_s"],  # the last session's
        "resumed": record["resumed"],
        "clock": record.get("clock"),  # every session's (runs from before the clock have none)
        "finished": record["finished"],
        "best": record.get("best"),
        "last": last,
        "at_best": at_best,
        "floor": floor,
        "references": references,  # other reference scores (the face tutorials' target: blurred_4x)
    }
    with open(os.path.join(out, "results.json"), "w") as file:
        json.dump(results, file, indent=2)
    return results


def results_table(all_results):
    """The README's results table, from the results.json files: one row per tutorial."""
    lines = [
        "| tutorial | scores at the best epoch (real data's; others) | best epoch | time | machine |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for r in all_results:
        scores = ", ".join(
            f"{key[len('val_') :]} {value:.4g} ({beside(r, key)})" for key, value in r["at_best"].items()
        )
        cores = r["machine"].get("cores_used")
        machine = ", ".join(
            [
                r["machine"]["cpu"],
                *([f"{cores} of {r['machine']['cpu_count']} cores"] if cores else []),
                r["precision"],
            ]
        )
        best = r["best"]["epoch"] if r["best"] else "-"
        lines.append(
            f"| [{r['tutorial']}](docs/results/{r['tutorial']}/) | {scores} "
            f"| {best} of {r['epochs']} | {training_time(r)} | {machine} |"
        )
    return "\n".join(lines)


def beside(results, key):
    """What a score is read against: the floor ("-" if none), then any other reference ("blurred_4x 64.1")."""
    floor = (results["floor"] or {}).get(key)
    references = (results.get("references") or {}).items()
    shown = [f"{name} {scores[key]:.4g}" for name, scores in references if key in scores]
    return "; ".join(["-" if floor is None else f"{floor:.4g}", *shown])


def training_time(results):
    """How long the run trained: every session's epochs (the clock), else the one session's wall time."""
    clock = results.get("clock")
    if not clock:
        return f"{results['wall_time_s'] / 60:.0f} min{' (last session)' if results['resumed'] else ''}"
    text = f"{clock['seconds'] / 60:.0f} min"
    if clock["sessions"] > 1:
        text += f" in {clock['sessions']} sessions"
    if clock["since_epoch"]:  # a run begun before the clock: its first epochs are not in it
        text += f" (epochs {clock['since_epoch'] + 1}-{results['epochs']})"
    return text


def gallery(all_results, out):
    """One line of the tutorials' best (else final) grids, each scaled to the same height."""
    from PIL import Image

    from keras_gans.notebook import result_grid

    # The best epoch's grid (the generator the score kept), else the last one.
    folders = [os.path.join(out, r["tutorial"]) for r in all_results]
    paths = [os.path.join(folder, grid) for folder in folders if (grid := result_grid(folder))]
    images = [Image.open(path).convert("RGB") for path in paths]
    if not images:
        return None
    height = 180
    images = [im.resize((max(1, im.width * height // im.height), height)) for im in images]
    line = Image.new("RGB", (sum(im.width for im in images) + 8 * (len(images) - 1), height), "white")
    x = 0
    for im in images:
        line.paste(im, (x, 0))
        x += im.width + 8
    path = os.path.join(out, "gallery.png")
    line.save(path, optimize=True)
    return path


def rewrite_readme(readme, table):
    with open(readme) as file:
        text = file.read()
    start, end = MARKERS
    if start not in text or end not in text:
        print(f"{readme} has no {start} ... {end} block: its table is not rewritten")
        return
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    with open(readme, "w") as file:
        file.write(f"{head}{start}\n{table}\n{end}{tail}")


def main(argv=None):
    args = parse_args(argv)
    from keras_gans.presets import PRESETS

    names = args.only or list(PRESETS)
    unknown = sorted(set(names) - set(PRESETS))
    if unknown:
        print(f"error: no tutorial called {', '.join(unknown)}", file=sys.stderr)
        return 2
    finished = [n for n in names if os.path.exists(os.path.join(args.runs, n, "run.json"))]
    if not finished:
        print(f"error: no finished run in {args.runs}/ (a run folder with run.json)", file=sys.stderr)
        return 2
    all_results = []
    for name in finished:
        print(f"{name}: {os.path.join(args.runs, name)}")
        all_results.append(
            tutorial_results(name, os.path.join(args.runs, name), os.path.join(args.out, name))
        )
    # The table and the gallery cover every tutorial with results, not only those rebuilt now.
    every = []
    for name in PRESETS:
        path = os.path.join(args.out, name, "results.json")
        if os.path.exists(path):
            with open(path) as file:
                every.append(json.load(file))
    rewrite_readme(args.readme, results_table(every))
    print(f"Written: {gallery(every, args.out)}, {len(all_results)} tutorial(s) in {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
