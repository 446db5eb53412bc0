"""Rebuild docs/results/ from finished run folders: pictures, curves and the numbers, per tutorial.

python scripts/make_results.py                       # every finished runs/<name>/ (run.json present)
python scripts/make_results.py --runs runs --only acgan_mnist cgan_mnist
python scripts/make_results.py --unfinished          # snapshots of the runs still training

For each tutorial with a finished run, docs/results/<name>/ gets: the last sample grid
(final.png) and the best epoch's (best.png, from best/generator.keras and the run's fixed
inputs), the grids of five epochs from the first to the last (progress.png), the loss curves,
the score curves with the real-vs-real floor drawn in, the pictures the tutorial makes at its
end (the MNIST DCGAN's GIF, the hands' interpolation, CycleGAN's translations, StyleGAN's style
mixing and truncation), and results.json: the command, the machine (and the cores the run could
use), the training time (over every session of a resumed run: the checkpoints' clock), the
epochs, the best epoch and its scores, the last epoch's scores, the floor (computed here, the
scores of real data the score does not compare with) and the tutorial's other references (the
faces' target: real faces blurred 4x). The README's results table, between its
`<!-- results -->` markers, and docs/results/gallery.png (one line of best grids) are rebuilt
from those files. No number is typed by hand.

With --unfinished, each run still training (or stopped before its end) gets a snapshot instead,
docs/results/<name>/in_progress/: its curves, latest grid, best epoch so far, options, training
time so far, and the command that resumes it (progress.json, and a README.md from it). The
finished run's results remove it.
"""

import argparse
import json
import os
import re
import shutil
import sys
import time

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
    parser.add_argument(
        "--unfinished",
        action="store_true",
        help="snapshot the unfinished runs instead (a run folder with backup/config.json and no "
        "run.json) into docs/results/<name>/in_progress/, with the command that resumes each",
    )
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


def epoch_grids(samples):
    """The sample grids a run's monitor wrote each epoch, in order, as [(epoch from 1, path), ...]
    (monitors name a grid by its epoch from 0: grid_007.png, image_at_epoch_0007.png; the classic
    GAN's plots by the epoch from 1, as its tutorial: generated_plot_e010.png after 10 epochs)."""
    from keras_gans.callbacks import SUMMARY_PLOT_PREFIX

    if not os.path.isdir(samples):  # a tutorial with no pictures (DGGAN)
        return []
    # One number, last: the single images beside them (generated_img_007_3.png) have two.
    named = [(re.fullmatch(r"(\D*)(\d+)\.png", f), f) for f in os.listdir(samples)]
    return sorted(
        (int(match.group(2)) + (match.group(1) != SUMMARY_PLOT_PREFIX), os.path.join(samples, f))
        for match, f in named
        if match
    )


def last_grid(samples):
    """The last sample grid a run's monitor wrote: final.png where it writes one, else the last epoch's."""
    final = os.path.join(samples, "final.png")
    grids = epoch_grids(samples)
    return final if os.path.isfile(final) else (grids[-1][1] if grids else None)


def progress_grids(samples, out, points=5):
    """progress.png: the sample grids of `points` epochs spread over training, the first and the
    last included; None for a run with fewer than 3 grids."""
    from keras_gans.plotting import plot_grids

    grids = spread(epoch_grids(samples), points)
    if len(grids) < 3:
        return None
    path = os.path.join(out, "progress.png")
    plot_grids(grids, path)
    return path


def spread(items, points):
    """`points` of `items` evenly spread from the first to the last (all of them, if fewer)."""
    picks = sorted({round(i * (len(items) - 1) / (points - 1)) for i in range(points)}) if items else []
    return [items[i] for i in picks]


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


MACHINE_KEYS = ("cpu", "cpu_count", "cores_used", "gpus", "tensorflow")
IN_PROGRESS = "in_progress"


def scores_so_far(run, preset, config, best, out):
    """The run's curves into `out` (losses.png, quality.png with the floor and references drawn) and
    its numbers: {"last", "at_best", "floor", "references"} (every score of the best epoch: best.json
    keeps the one that chose it)."""
    from keras_gans.plotting import plot_quality, read_loss_csv

    # A run killed in its first epoch has no row yet (or no losses.csv at all), and no curves.
    losses = os.path.join(run, "losses.csv")
    history = read_loss_csv(losses) if os.path.isfile(losses) else {}
    scores = {k: v for k, v in history.items() if k.startswith("val_")}
    floor, references = None, None
    if scores and preset.quality is not None and (preset.floor or preset.references):
        data = preset.load_data(config)
        score_fn = preset.quality(config, data)
        if score_fn is not None and preset.floor is not None:
            floor = {f"val_{k}": float(v) for k, v in preset.floor(config, data, score_fn).items()}
        if score_fn is not None and preset.references is not None:
            references = {
                name: {f"val_{k}": float(v) for k, v in values.items()}
                for name, values in preset.references(config, data, score_fn).items()
            }
    for source in ("losses.csv", "losses.png"):
        if history and os.path.isfile(os.path.join(run, source)):
            shutil.copy(os.path.join(run, source), out)
    if scores:
        plot_quality(history, os.path.join(out, "quality.png"), floors=floor, references=references)
    return {
        "epochs": len(history.get("epoch", [])),
        "last": {k: values[-1] for k, values in scores.items() if values and values[-1] == values[-1]},
        "at_best": {k: values[best["epoch"] - 1] for k, values in scores.items()} if best else {},
        "floor": floor,
        "references": references,  # other reference scores (the face tutorials' target: blurred_4x)
    }


def tutorial_results(name, run, out):
    """Writes docs/results/<name>/ from the finished run folder `run`; returns its results.json.

    An in_progress/ snapshot of the same run, written while it trained, is removed.
    """
    from keras_gans.cli import recorded_config
    from keras_gans.presets import get_preset
    from keras_gans.runner import jsonable

    preset = get_preset(name)
    # Read and checked (one line if it cannot be) before the record's fields are used.
    config = preset.config(**recorded_config(os.path.join(run, "run.json"), preset))
    with open(os.path.join(run, "run.json")) as file:
        record = json.load(file)
    os.makedirs(out, exist_ok=True)
    numbers = scores_so_far(run, preset, config, record.get("best"), out)
    # The run's record, and the pictures the tutorial made at its end (a GIF, an interpolation...;
    # not DGGAN's embeddings, which are data).
    pictures = [name for name in preset.outputs if name.endswith((".png", ".gif"))]
    for source in ("run.json", *pictures):
        if os.path.exists(os.path.join(run, source)):
            shutil.copy(os.path.join(run, source), out)
    final = last_grid(os.path.join(run, "samples"))
    if final:
        shutil.copy(final, os.path.join(out, "final.png"))
    best_grid(run, out)
    progress_grids(os.path.join(run, "samples"), out)
    results = {
        "tutorial": name,
        # The recorded config holds lists where the preset's defaults hold tuples: compare as JSON.
        "command": command(name, record["config"], jsonable(preset.config())),
        "rerun": f"python scripts/train_{name}.py --config {out}/run.json --output-dir runs/{name}_again",
        "machine": {key: record["machine"].get(key) for key in MACHINE_KEYS},
        "precision": record["in_force"]["precision"],
        "epochs": numbers.pop("epochs"),
        "wall_time_s": record["wall_time_s"],  # the last session's
        "resumed": record["resumed"],
        "clock": record.get("clock"),  # every session's (runs from before the clock have none)
        "finished": record["finished"],
        "best": record.get("best"),
        **numbers,
    }
    with open(os.path.join(out, "results.json"), "w") as file:
        json.dump(results, file, indent=2)
    shutil.rmtree(os.path.join(out, IN_PROGRESS), ignore_errors=True)
    return results


def unfinished_results(name, run, out):
    """Writes docs/results/<name>/in_progress/ from the unfinished run folder `run`: its curves,
    latest grid, best epoch so far, options, progress.json (every number, and the command that
    resumes it) and a README.md saying so; returns progress.json."""
    from keras_gans.cli import config_options
    from keras_gans.presets import get_preset
    from keras_gans.training import unfinished_config

    preset = get_preset(name)
    recorded = unfinished_config(run)
    config = preset.config(**config_options(recorded, preset, run))
    # Built beside the old snapshot and renamed into place: a failure leaves the old one whole.
    final, folder = os.path.join(out, IN_PROGRESS), os.path.join(out, f".{IN_PROGRESS}.tmp")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    try:
        progress = snapshot(name, run, preset, recorded, config, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    shutil.rmtree(final, ignore_errors=True)
    os.replace(folder, final)
    return progress


def snapshot(name, run, preset, recorded, config, folder):
    """`unfinished_results`' files, written into `folder`; returns progress.json."""
    from keras_gans.runner import jsonable
    from keras_gans.runtime import describe_machine
    from keras_gans.training import run_clock

    best = None
    if os.path.exists(os.path.join(run, "best", "best.json")):
        with open(os.path.join(run, "best", "best.json")) as file:
            best = json.load(file)
        with open(os.path.join(folder, "best.json"), "w") as file:
            json.dump(best, file, indent=2)
    numbers = scores_so_far(run, preset, config, best, folder)
    latest = last_grid(os.path.join(run, "samples"))
    if latest:
        shutil.copy(latest, os.path.join(folder, "latest_grid.png"))
    with open(os.path.join(folder, "config.json"), "w") as file:
        json.dump(recorded, file, indent=2)
    machine = describe_machine()
    progress = {
        "tutorial": name,
        "epochs_done": numbers.pop("epochs"),
        "epochs": config["epochs"],
        "resume": f"{command(name, recorded, jsonable(preset.config()))} --output-dir {run}",
        "snapshot": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        # The machine of the snapshot (the run's own is recorded when it finishes).
        "machine": {key: machine.get(key) for key in MACHINE_KEYS if key != "cores_used"},
        "clock": run_clock(run),
        "best": best,
        **numbers,
    }
    with open(os.path.join(folder, "progress.json"), "w") as file:
        json.dump(progress, file, indent=2)
    with open(os.path.join(folder, "README.md"), "w") as file:
        file.write(in_progress_readme(progress))
    return progress


def in_progress_readme(p):
    """The in_progress/ folder's page, from its progress.json."""
    from keras_gans.notebook import training_time

    best = (
        f"Best so far, epoch {p['best']['epoch']}: "
        + ", ".join(f"{k[len('val_') :]} {v:.4g} ({beside(p, k)})" for k, v in p["at_best"].items())
        + " (in parentheses: real data's score, then any other reference)."
        if p["best"]
        else "No best epoch yet."
    )
    clock = p["clock"]
    trained = f" Trained so far: {training_time({**p, 'epochs': p['epochs_done']})}." if clock else ""
    contents = (
        "The losses\nand scores per epoch (`losses.csv`, `losses.png`, `quality.png`, with real data's score "
        "and the\nreferences drawn), the latest sample grid (`latest_grid.png`, where the tutorial draws "
        "one),\nthe best epoch so far (`best.json`) and the run's options (`config.json`)."
        if p["epochs_done"]
        else "No epoch has\nfinished yet: there are no curves, grids or scores so far; the run's options "
        "are in `config.json`."
    )
    return (
        f"# {p['tutorial']}: unfinished, {p['epochs_done']} of {p['epochs']} epochs\n\n"
        f"A snapshot of the run while it trains ({p['snapshot']}, {p['machine']['cpu']}), written by\n"
        f"`python scripts/make_results.py --unfinished`; every number is in `progress.json`. {contents}\n\n"
        f"{best}{trained}\n\n"
        f"It resumes{' from its last finished epoch' if p['epochs_done'] else ''} with\n\n"
        f"    {p['resume']}\n\n"
        "When it finishes, `python scripts/make_results.py` writes its results in the folder above and\n"
        "removes this one.\n"
    )


def results_table(all_results):
    """The README's results table, from the results.json files: one row per tutorial."""
    from keras_gans.notebook import machine_line, training_time

    lines = [
        "| tutorial | scores at the best epoch (real data's; others) | best epoch | time | machine |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for r in all_results:
        scores = ", ".join(
            f"{key[len('val_') :]} {value:.4g} ({beside(r, key)})" for key, value in r["at_best"].items()
        )
        best = r["best"]["epoch"] if r["best"] else "-"
        lines.append(
            f"| [{r['tutorial']}](docs/results/{r['tutorial']}/) | {scores} "
            f"| {best} of {r['epochs']} | {training_time(r)} | {machine_line(r['machine'], r['precision'])} |"
        )
    return "\n".join(lines)


def beside(results, key):
    """What a score is read against: the floor ("-" if none), then any other reference ("blurred_4x 64.1")."""
    floor = (results["floor"] or {}).get(key)
    references = (results.get("references") or {}).items()
    shown = [f"{name} {scores[key]:.4g}" for name, scores in references if key in scores]
    return "; ".join(["-" if floor is None else f"{floor:.4g}", *shown])


def gallery(all_results, out):
    """One line of the tutorials' best (else final) grids, each scaled to the same height."""
    from PIL import Image

    from keras_gans.notebook import result_grid
    from keras_gans.plotting import side_by_side

    # The best epoch's grid (the generator the score kept), else the last one.
    folders = [os.path.join(out, r["tutorial"]) for r in all_results]
    paths = [os.path.join(folder, grid) for folder in folders if (grid := result_grid(folder))]
    if not paths:
        return None
    line = side_by_side([Image.open(path) for path in paths], height=180)
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
    from keras_gans.data.images import DataError
    from keras_gans.files import FileProblem, check_output_folder, describe_os_error
    from keras_gans.options import OptionError
    from keras_gans.presets import PRESETS
    from keras_gans.training import OutputDirError

    names = args.only or list(PRESETS)
    unknown = sorted(set(names) - set(PRESETS))
    if unknown:
        print(f"error: no tutorial called {', '.join(unknown)}", file=sys.stderr)
        return 2
    try:
        # Where the results go, checked before any of the work.
        check_output_folder(args.out)
        if not args.unfinished and not os.path.isfile(args.readme):
            raise FileProblem(
                f"--readme {args.readme}: no such file (its results table is rebuilt: run from the "
                "repository's root, or pass --readme)"
            )
        return (unfinished if args.unfinished else finished)(args, names)
    except (DataError, FileProblem, OptionError, OutputDirError, argparse.ArgumentTypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {describe_os_error(error)}", file=sys.stderr)
        return 1


def unfinished(args, names):
    """--unfinished: a snapshot of each run still training."""
    from keras_gans.training import unfinished_config

    runs = [
        n
        for n in names
        if unfinished_config(os.path.join(args.runs, n)) is not None
        and not os.path.exists(os.path.join(args.runs, n, "run.json"))
    ]
    if not runs:
        print(f"error: no unfinished run in {args.runs}/ (a run folder with backup/)", file=sys.stderr)
        return 2
    for name in runs:
        progress = unfinished_results(name, os.path.join(args.runs, name), os.path.join(args.out, name))
        print(f"{name}: {progress['epochs_done']} of {progress['epochs']} epochs, in {args.out}/{name}/")
    return 0


def finished(args, names):
    """The results of the finished runs, the README's table and the gallery."""
    from keras_gans.presets import PRESETS

    done = [n for n in names if os.path.exists(os.path.join(args.runs, n, "run.json"))]
    if not done:
        print(f"error: no finished run in {args.runs}/ (a run folder with run.json)", file=sys.stderr)
        return 2
    all_results = []
    for name in done:
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
