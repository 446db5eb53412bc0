"""Two sides of runs of one tutorial on the same data, budget and judge: the port against its
original code (issue #27), or the tutorial's training against the improved one (issue #29).

    python scripts/compare_reference.py cgan_mnist \
        --reference runs/reference/cgan_mnist/text_seed0 runs/reference/cgan_mnist/text_seed1 \
        --port runs/reference/cgan_mnist/port_seed0 runs/reference/cgan_mnist/port_seed1
    python scripts/compare_reference.py dcgan_mnist \
        --tutorial runs/improved/dcgan_mnist/tutorial_seed0 runs/improved/dcgan_mnist/tutorial_seed1 \
        --improved runs/improved/dcgan_mnist/improved_seed0 runs/improved/dcgan_mnist/improved_seed1

A reference run folder is what a script of scripts/reference/ writes: `run.json` (its settings,
`generator_output_range`, CPU), `losses.json` (one entry per epoch) and the generator after each
epoch (`generator_epoch_NNNN.keras`; for CycleGAN, G and F as one model `[x, y] -> [G(x), F(y)]`,
the part its judge scores, and the figure shows translations; for StyleGAN, whose keras.io
generator cannot be saved, the faces its sampler drew for the judge, `samples_epoch_NNNN.npy`).
A port run folder is a training
run of the tutorial's script (`run.json`, `losses.csv` with the scores of every epoch,
`generator.keras`), or its files copied into docs/results (`improved_runs/`: no weights, so its
grid is one it keeps: `last_grid`).

The judge is the port's own, built once from the first port run's options (`preset.quality`: the
same score function, the same fixed latent vectors and labels, the same real images as the
scores in the port's `losses.csv`), and run here on every saved reference generator, read in the
range its training data had. The scores of a reference generator are kept beside it
(`scores.json`) and reused while the judge is the same. The real-data floor is the port's
(`preset.floor`).

Writes `docs/results/<name>/comparison.json` (every run's scores at every epoch, each side's mean
and spread, the gap per epoch, the verdict at the last and at the best epoch), `comparison.md`
(the tables, from the JSON) and `comparison.png` (the score curves of both sides, and each side's
last generator drawn from the same inputs), each side's grid also alone (`comparison_reference.png`,
`comparison_port.png`). No number is typed by hand.

`--recorded docs/results/<name>/comparison.json` (with `--port`, `--reference` optional) adds the
runs an earlier comparison recorded, both sides, as it recorded them: for runs whose folders are
gone. They cannot be scored again, so the comparison keeps to the scores they have; the grids of
each side's first run are the ones that comparison drew (`recorded_runs`, `with_recorded`).

With `--tutorial` and `--improved` instead (both sides port runs, judged by their own
`losses.csv`), the same files are `improved.json`, `improved.md`, `improved.png`,
`improved_tutorial.png` and `improved_improved.png`; then, without `--out`,
`docs/results/improved_gallery.png` (the README's second picture) is drawn again: each
tutorial's two grids side by side, labelled.
"""

import argparse
import dataclasses
import functools
import itertools
import json
import math
import re
import sys
from pathlib import Path

# Which way each score is better.
LOWER_IS_BETTER = {
    "fd": True,
    "swd": True,
    "colour_shift": True,
    "fid": True,
    "kid": True,
    "cycle_mae": True,
    "accuracy": False,
    "variety": False,
}


@dataclasses.dataclass(frozen=True)
class Kind:
    """One kind of comparison: its two sides' names (the baseline first), title and file names."""

    first: str
    second: str
    title: str
    stem: str


KINDS = {
    "reference": Kind("reference", "port", "the port against the tutorial's own code", "comparison"),
    "improved": Kind("tutorial", "improved", "the tutorial's training against the improved one", "improved"),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("name", help="the tutorial (e.g. cgan_mnist)")
    parser.add_argument("--reference", nargs="+", type=Path, help="reference run folders")
    parser.add_argument("--port", nargs="+", type=Path, help="the port's run folders")
    parser.add_argument("--tutorial", nargs="+", type=Path, help="port runs with the tutorial's training")
    parser.add_argument("--improved", nargs="+", type=Path, help="port runs with the improved training")
    parser.add_argument(
        "--alone",
        nargs="+",
        type=Path,
        default=[],
        help="with --improved: runs with one improvement each (their side: the folder's name before _seed)",
    )
    parser.add_argument(
        "--recorded",
        type=Path,
        default=None,
        help="with --port: the runs an earlier comparison.json of this tutorial recorded, both sides, "
        "for runs whose folders are gone; the new --port runs join them",
    )
    parser.add_argument("--out", type=Path, default=None, help="default: docs/results/<name>")
    args = parser.parse_args(argv)
    pairs = {"reference": (args.reference, args.port), "improved": (args.tutorial, args.improved)}
    given = [kind for kind, (a, b) in pairs.items() if a or b]
    recorded = args.recorded is not None and given == ["reference"] and args.port
    if len(given) != 1 or not (all(pairs[given[0]]) or recorded):
        parser.error("give --reference and --port, or --tutorial and --improved (or --recorded and --port)")
    args.kind = KINDS[given[0]]
    if args.alone and given[0] != "improved":
        parser.error("--alone goes with --tutorial and --improved")
    if args.recorded is not None and given[0] != "reference":
        parser.error("--recorded goes with --port")
    args.first, args.second = pairs[given[0]]
    args.first = args.first or []
    return args


# --- Reading the runs --------------------------------------------------------------------------


def time_report(folder):
    """/usr/bin/time -v's report of a run: beside its folder (<folder>.time.txt, as the run scripts
    write it) or, in a run's files copied into docs/results, inside it (time.txt)."""
    beside = folder.with_name(folder.name + ".time.txt")
    return beside if beside.is_file() else folder / "time.txt"


def elapsed_seconds(folder):
    """The wall time in the run's /usr/bin/time -v reports (a run stopped early has no other record
    of it; a resumed one has a report for each part, summed), if any."""
    path = time_report(folder)
    found = (
        re.findall(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", path.read_text())
        if (path.is_file())
        else []
    )
    if not found:
        return None
    total = 0.0
    for elapsed in found:
        seconds = 0.0
        for part in elapsed.split(":"):
            seconds = seconds * 60 + float(part)
        total += seconds
    return total


def memory_reports(folder):
    """Each "Maximum resident set size" (KB) in the run's /usr/bin/time -v report: one a part that
    ended (a part killed with its session, /usr/bin/time included, leaves none)."""
    path = time_report(folder)
    if not path.is_file():
        return []
    return [int(m) for m in re.findall(r"Maximum resident set size \(kbytes\): (\d+)", path.read_text())]


def peak_memory_mib(folder, sizes=None):
    """The largest "Maximum resident set size" in the run's /usr/bin/time -v report (or of `sizes`,
    its `memory_reports` read already), if any."""
    sizes = memory_reports(folder) if sizes is None else sizes
    return round(max(sizes) / 1024) if sizes else None


def load_reference(path):
    """A generator a reference run saved: a plain Keras model, except that keras.io's CycleGAN pads
    with its own `ReflectionPadding2D`, read here by the port's (the same operation)."""
    import keras

    from keras_gans.models.cyclegan import ReflectionPadding2D

    class KerasIoPadding(ReflectionPadding2D):
        def call(self, inputs, mask=None):  # keras.io's signature: its saved calls pass a mask
            return super().call(inputs)

    return keras.models.load_model(
        path, compile=False, custom_objects={"ReflectionPadding2D": KerasIoPadding}
    )


def reference_generator(folder, epoch):
    """What a reference run kept of `epoch`: its generator, or where the source's cannot be saved
    (keras.io's StyleGAN), the images it drew for the judge, standing in for it (RealImages: it
    answers the judge's and the grid's calls with them, in order). Its images' range is run.json's."""
    import numpy as np

    from keras_gans.metrics.scores import RealImages

    value_range = tuple(json.loads((folder / "run.json").read_text())["generator_output_range"])
    samples, generator = reference_files(folder, epoch)
    if samples.is_file():
        return RealImages(np.load(samples), value_range=value_range), value_range
    return load_reference(generator), value_range


def reference_files(folder, epoch):
    """Where a reference run keeps `epoch`: the images it drew (`samples_epoch_NNNN.npy`, where its
    generator cannot be saved) and its generator (`generator_epoch_NNNN.keras`)."""
    return folder / f"samples_epoch_{epoch:04d}.npy", folder / f"generator_epoch_{epoch:04d}.keras"


def reference_run(folder, judge, judge_id):
    """A reference run: its settings and the judge's scores of each epoch's generator."""
    record = json.loads((folder / "run.json").read_text())
    losses = json.loads((folder / "losses.json").read_text())
    cache_path = folder / "scores.json"
    cache = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
    if cache.get("judge") != judge_id:
        cache = {"judge": judge_id, "epochs": {}}
    per_epoch = []
    for entry in losses:
        key = f"{entry['epoch']:04d}"
        if key not in cache["epochs"]:
            generator, value_range = reference_generator(folder, entry["epoch"])
            # Read as its training data was: the judge maps this range to the real images' own.
            generator.value_range = value_range
            cache["epochs"][key] = {k: float(v) for k, v in judge(generator).items()}
            cache_path.write_text(json.dumps(cache, indent=1) + "\n")
            print(f"scored {folder.name} epoch {entry['epoch']}: {cache['epochs'][key]}", flush=True)
        per_epoch.append(cache["epochs"][key])
    args = record["args"]
    return {
        "side": "reference",
        "seed": args["seed"],
        "source": record["source"],
        "folder": str(folder),
        "batch_size": args["batch_size"],
        "steps_per_epoch": record["steps_per_epoch"],
        "epochs": len(per_epoch),
        "finished": bool(record.get("finished")),
        "per_epoch": per_epoch,
        "losses": losses,
        "wall_time_s": record.get("wall_time_s") or (losses[-1]["seconds"] if losses else None),
        "peak_memory_mib": peak_memory_mib(folder),
        "cpu": record["cpu"],
    }


def recorded_runs(path, judge_id):
    """The runs an earlier comparison (`comparison.json`) recorded, as it recorded them (scores,
    losses, times): runs made on a machine whose folders are gone. Their judge must be this one.
    Each keeps the folder it was made in (`made_in`); its `folder` becomes the comparison's, whose
    `comparison_<side>.png` is the grid that comparison drew of its side's first run."""
    record = json.loads(path.read_text())
    if record["judge"] != judge_id:
        raise SystemExit(
            f"error: {path} was judged by {record['judge']}, not {judge_id}: its scores do not compare"
        )
    return [
        dict(run, made_in=run.get("made_in", run["folder"]), folder=str(path.parent))
        for run in record["runs"]
    ]


def with_recorded(runs, recorded, first):
    """`runs` joined by `recorded` ones, which come first on their side (its first run is the one
    drawn: the grid a comparison drew stays with the run it drew); a run given again (side and
    seed) replaces its record. The `first` side before the other."""
    given = {(run["side"], run["seed"]) for run in runs}
    joined = [run for run in recorded if (run["side"], run["seed"]) not in given] + runs
    return sorted(joined, key=lambda run: run["side"] != first)  # stable: in order within a side


def port_record(folder):
    """A port run's run.json; for a run still training, its options (backup/config.json) alone."""
    if (folder / "run.json").is_file():
        return json.loads((folder / "run.json").read_text())
    config = json.loads((folder / "backup" / "config.json").read_text())
    return {"config": config, "finished": False, "wall_time_s": None, "machine": {"cpu": "?"}}


def port_run(folder, side="port"):
    """A port run: its scores at each epoch, from its losses.csv."""
    from keras_gans.plotting import read_loss_csv

    record = port_record(folder)
    history = read_loss_csv(folder / "losses.csv")
    names = [k for k in history if k.startswith("val_")]
    # An epoch not scored (--eval-every N) is None: both sides of a comparison share the points scored.
    per_epoch = [
        {k[4:]: None if math.isnan(history[k][i]) else history[k][i] for k in names}
        for i in range(len(history["epoch"]))
    ]
    config = record["config"]
    # A resumed run's run.json times its last session; its clock, every session's epochs.
    clock = record.get("clock") if record.get("resumed") else None
    reports = memory_reports(folder)
    return {
        "side": side,
        "seed": config["seed"],
        "source": record.get("command") or "keras_gans",
        "folder": str(folder),
        "batch_size": config["batch_size"],
        "steps_per_epoch": config.get("steps_per_epoch"),
        "epochs": len(per_epoch),
        "finished": bool(record.get("finished")),
        "per_epoch": per_epoch,
        "wall_time_s": clock["seconds"] if clock else record.get("wall_time_s") or elapsed_seconds(folder),
        "clock": clock,
        "peak_memory_mib": peak_memory_mib(folder, reports),
        "memory_sessions": len(reports),
        "cpu": record["machine"]["cpu"],
    }


# --- The numbers -------------------------------------------------------------------------------


def best_epoch(run, score):
    """(epoch, value) of the run's best `score`, among the epochs scored."""
    values = [e.get(score) for e in run["per_epoch"]]
    pick = min if LOWER_IS_BETTER[score] else max
    value = pick(v for v in values if v is not None)
    return values.index(value) + 1, value


def mean_or_none(values):
    """The mean of `values`, or None where any is None (an epoch some run did not score)."""
    return None if any(v is None for v in values) else sum(values) / len(values)


def spread(values):
    return {"mean": sum(values) / len(values), "min": min(values), "max": max(values), "n": len(values)}


def verdict(port, reference, score, baseline="reference"):
    """Where the second side's mean (`port`) lies against the baseline's seed-to-seed range."""
    lower = LOWER_IS_BETTER[score]
    if reference["min"] <= port["mean"] <= reference["max"]:
        return f"within the {baseline}'s spread"
    better = port["mean"] < reference["min"] if lower else port["mean"] > reference["max"]
    return f"{'better' if better else 'worse'} than every {baseline} seed"


def points_of(runs, score):
    """The points a score is compared at: the last epoch, and the late mean and the best where every
    run scored it at every scoring point (not where it was judged afterwards at the last epoch only)."""
    return ("last",) if any(score in r.get("rescored", ()) for r in runs) else ("last", "late", "best")


def late_epochs(epochs):
    """The last third of `epochs` (at least the last one), 1-based: a GAN's score swings from one
    scoring point to the next, so a mean over them says more than the last point alone."""
    return range(epochs - max(1, epochs // 3) + 1, epochs + 1)


def late_mean(run, score, epochs):
    """The run's mean `score` over the scored epochs of `late_epochs(epochs)`."""
    values = [run["per_epoch"][e - 1].get(score) for e in late_epochs(epochs)]
    values = [v for v in values if v is not None]
    return sum(values) / len(values)


def summary(runs, kind=KINDS["reference"]):
    """Per score: each side's last and best values over its seeds, the gap per epoch, the verdicts."""
    first, second = kind.first, kind.second
    sides = {side: [r for r in runs if r["side"] == side] for side in (first, second)}
    runs = [r for members in sides.values() for r in members]  # not the improvements alone
    epochs = min(r["epochs"] for r in runs)  # compared at the epochs every run reached
    last = runs[0]["per_epoch"][epochs - 1]
    scores = [k for k in last if k in LOWER_IS_BETTER and all(k in r["per_epoch"][epochs - 1] for r in runs)]
    late = late_epochs(epochs)
    out = {"epochs_compared": epochs, "late_epochs": [late[0], late[-1]], "scores": {}}
    for score in scores:
        entry = {}
        points = points_of(runs, score)
        for side, members in sides.items():
            bests = [best_epoch({"per_epoch": r["per_epoch"][:epochs]}, score) for r in members]
            lates = [late_mean(r, score, epochs) for r in members] if "late" in points else None
            entry[side] = {
                "last": spread([r["per_epoch"][epochs - 1][score] for r in members]),
                **({"late": spread(lates)} if lates else {}),
                **({"best": spread([value for _, value in bests])} if "best" in points else {}),
                "best_epochs": [epoch for epoch, _ in bests] if "best" in points else None,
                "mean_per_epoch": [
                    mean_or_none([r["per_epoch"][e].get(score) for r in members]) for e in range(epochs)
                ],
            }
        entry[f"{second}_minus_{first}_per_epoch"] = [
            None if p is None or r is None else p - r
            for p, r in zip(entry[second]["mean_per_epoch"], entry[first]["mean_per_epoch"], strict=True)
        ]
        entry["verdict"] = {
            point: verdict(entry[second][point], entry[first][point], score, first) for point in points
        }
        out["scores"][score] = entry
    return out


# --- Writing them -------------------------------------------------------------------------------


def markdown(name, runs, result, floor, kind=KINDS["reference"]):
    from keras_gans.notebook import training_time

    s = result["summary"]
    n = s["epochs_compared"]
    first, second = kind.first, kind.second
    lines = [
        f"# {name}: {kind.title}",
        "",
        "Written by `scripts/compare_reference.py` from the runs' own files; the figure is "
        f"[{kind.stem}.png]({kind.stem}.png). Judge: the port's own scores (the same function, inputs and "
        "real images as its `losses.csv`); floor: real digits or images on the same judge. Wall times and "
        "peak memory are each run's own (`/usr/bin/time -v`; a run resumed over sessions: its epochs' time "
        "in all of them, from its checkpoints' clock, and the peak of the sessions that ended), often with "
        "other runs beside it"
        + (
            ", and the reference code runs without keras_gans' CPU settings"
            if kind.stem == "comparison"
            else ""
        )
        + ": not a speed comparison.",
        "",
        "| side | seed | batch | steps/epoch | epochs | "
        + " | ".join(f"last {k}" for k in s["scores"])
        + " | "
        + " | ".join(f"late {k}" for k in s["scores"])
        + " | "
        + " | ".join(f"best {k} (epoch)" for k in s["scores"])
        + " | wall time | peak memory |",
        "| --- | ---: | ---: | ---: | ---: |" + " ---: |" * (3 * len(s["scores"]) + 2),
    ]
    for r in runs:
        last = [
            f"{r['per_epoch'][n - 1][k]:.4g}" + ("*" if k in r.get("rescored", ()) else "")
            for k in s["scores"]
        ]
        late, best = [], []
        for k in s["scores"]:
            if "best" not in s["scores"][k]["verdict"]:  # nor late: judged at the last epoch only
                late.append("-")
                best.append("-")
                continue
            late.append(f"{late_mean(r, k, n):.4g}")
            epoch, value = best_epoch({"per_epoch": r["per_epoch"][:n]}, k)
            best.append(f"{value:.4g} ({epoch})")
        clock = r.get("clock")
        if clock:  # "322 min in 3 sessions", as the README's table of results says it
            wall = training_time({"clock": clock, "epochs": r["epochs"]})
        else:
            wall = f"{r['wall_time_s'] / 60:.0f} min" if r["wall_time_s"] else "?"
        memory = f"{r['peak_memory_mib']:,} MiB" if r["peak_memory_mib"] else "?"
        sessions = clock["sessions"] if clock else 1
        if r["peak_memory_mib"] and r.get("memory_sessions", sessions) < sessions:
            memory += f" ({r['memory_sessions']} of {sessions} sessions)"
        lines.append(
            f"| {r['side']} | {r['seed']} | {r['batch_size']} | {r['steps_per_epoch'] or 'one pass'} "
            f"| {r['epochs']}{'' if r['finished'] else ' (stopped)'} | "
            + " | ".join(last + late + best)
            + f" | {wall} | {memory} |"
        )
    if any(r.get("rescored") for r in runs):
        lines += [
            "",
            "*: a score the run's losses.csv does not have (added to the judge after it began), "
            "judged here on the generator it kept of that epoch; compared at the last epoch only.",
        ]
    if floor:
        lines += [
            "",
            "Floor (real data, same judge): " + ", ".join(f"{k} {v:.4g}" for k, v in floor.items()) + ".",
        ]
    first_late, last_late = s["late_epochs"]
    lines += [
        "",
        f"Over the seeds, after {n} epochs (mean, and min to max); late: each run's mean over epochs "
        f"{first_late} to {last_late} (the last third: one epoch's score swings), of the epochs scored:",
        "",
    ]
    lines += [f"| score | point | {first} | {second} | verdict |", "| --- | --- | --- | --- | --- |"]
    for k, e in s["scores"].items():
        for point in e["verdict"]:
            ref, port = e[first][point], e[second][point]
            lines.append(
                f"| {k} | {point} | {ref['mean']:.4g} ({ref['min']:.4g} to {ref['max']:.4g}) "
                f"| {port['mean']:.4g} ({port['min']:.4g} to {port['max']:.4g}) | {e['verdict'][point]} |"
            )
    lines += ["", f"Means per epoch ({first} / {second}):", ""]
    lines += ["| epoch | " + " | ".join(s["scores"]) + " |", "| ---: |" + " ---: |" * len(s["scores"])]
    for i in range(n):
        means = [
            (e[first]["mean_per_epoch"][i], e[second]["mean_per_epoch"][i]) for e in s["scores"].values()
        ]
        if all(None in pair for pair in means):
            continue  # an epoch not scored
        cells = ["-" if None in pair else f"{pair[0]:.4g} / {pair[1]:.4g}" for pair in means]
        lines.append(f"| {i + 1} | " + " | ".join(cells) + " |")
    cpus = sorted({r["cpu"] for r in runs})
    lines += ["", f"Machine: {', '.join(cpus)} (each run's own record)."]
    return "\n".join(lines) + "\n"


def figure(name, runs, result, floor, path, draw, kind=KINDS["reference"]):
    """The curves of both sides, and each side's last generator from the same inputs (`draw(run,
    epoch)`: a uint8 grid; a run whose grid is its own final.png says so, run["grid"])."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gans.plotting import save_image

    scores = list(result["summary"]["scores"])
    fig, axes = plt.subplots(1, len(scores) + 2, figsize=(5 * (len(scores) + 2), 4.5))
    colours = {kind.first: "tab:orange", kind.second: "tab:blue"}
    others = itertools.cycle(("tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive"))
    for side in dict.fromkeys(r["side"] for r in runs):  # one colour a side, however many its seeds
        colours.setdefault(side, next(others))
    for ax, score in zip(axes, scores, strict=False):
        for r in runs:
            points = [(i + 1, e.get(score)) for i, e in enumerate(r["per_epoch"]) if e.get(score) is not None]
            ax.plot(
                *zip(*points, strict=True),
                color=colours[r["side"]],
                alpha=0.8,
                label=f"{r['side']} seed {r['seed']}",
                linestyle="-" if r["seed"] % 2 == 0 else "--",
                marker="o",  # a run of one epoch is one point
                markersize=3,
            )
        # A floor of 0 (the cycle error of real images) is no line on a log axis.
        if floor and score in floor and floor[score] > 0:
            ax.axhline(floor[score], color="grey", linestyle=":", label="real data")
        ax.set_xlabel("epoch")
        ax.set_xlim(0.5, result["summary"]["epochs_compared"] + 0.5)  # a score judged at the end only, too
        ax.set_title(score)
        if LOWER_IS_BETTER[score]:
            ax.set_yscale("log")
        ax.legend(fontsize=7)
    for ax, side in zip(axes[len(scores) :], (kind.first, kind.second), strict=True):
        run = next(r for r in runs if r["side"] == side)
        grid = draw(run, result["summary"]["epochs_compared"])
        save_image(grid, path.with_name(f"{kind.stem}_{side}.png"))  # also alone, full size
        ax.imshow(grid.squeeze(), cmap="gray")
        source = f" ({run['grid']})" if run.get("grid") else ""
        ax.set_title(f"{side}, seed {run['seed']}, epoch {result['summary']['epochs_compared']}{source}")
        ax.axis("off")
    fig.suptitle(f"{name}: {kind.title}")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def improved_gallery(results):
    """docs/results/improved_gallery.png: for each tutorial with an improved comparison, the
    tutorial's training and the improved one side by side (same seed, budget and inputs), labelled."""
    from PIL import Image

    from keras_gans.plotting import side_by_side

    kind = KINDS["improved"]
    panels = []
    for folder in sorted(p for p in results.iterdir() if (p / f"{kind.stem}.json").is_file()):
        paths = [folder / f"{kind.stem}_{side}.png" for side in (kind.first, kind.second)]
        if all(path.is_file() for path in paths):
            epochs = json.loads((folder / f"{kind.stem}.json").read_text())["summary"]["epochs_compared"]
            label = f"{folder.name}, {epochs} epochs: the tutorial's | improved"
            panels.append(side_by_side([Image.open(path) for path in paths], height=180, gap=4, label=label))
    if not panels:
        return None
    line = side_by_side(panels)
    path = results / "improved_gallery.png"
    line.save(path, optimize=True)
    return path


def kept_generator(run, epoch, part="sampler"):
    """The file of a port run's generator after `epoch` epochs, or None.

    A port run keeps its last (`generator.keras`, once finished) and its best (`best/`); a run
    stopped before its end (the composite loop keeps no checkpoint) is drawn from `best/` when that
    is the epoch compared. A run's files copied into docs/results keep no weights at all. Where the
    judge scores another `part` of the model (the preset's `scored_part`: CycleGAN's translators),
    its last is in the whole model (`gan.keras`), its best in `best/<part>.keras`.
    """
    folder = Path(run["folder"])
    best = folder / "best" / "best.json"
    if run["finished"] and run["epochs"] == epoch:
        path = folder / ("generator.keras" if part == "sampler" else "gan.keras")
    elif best.is_file() and json.loads(best.read_text())["epoch"] == epoch:
        from keras_gans.callbacks import KeepBest

        path = folder / "best" / KeepBest.file_name(part)
    else:
        return None
    return path if path.is_file() else None


def generator_at(run, epoch, part="sampler"):
    """The run's generator (the judge's `part`) after `epoch` epochs (the epoch compared) and the
    range of its images. A reference run keeps one per epoch; a port run, see kept_generator."""
    import keras

    from keras_gans.sampling import load_generator, value_range

    folder = Path(run["folder"])
    if not keeps_weights(run, epoch, part):
        raise SystemExit(f"error: {folder} keeps no generator of epoch {epoch}")
    if run["side"] == "reference":
        return reference_generator(folder, epoch)
    path = kept_generator(run, epoch, part)
    if part == "sampler":
        generator, _ = load_generator(path)
        return generator, value_range(generator)
    model = keras.models.load_model(path, compile=False)
    # The one other part compared is CycleGAN's translators: tanh images, in [-1, 1].
    return (getattr(model, part) if path.name == "gan.keras" else model), (-1.0, 1.0)


def keeps_weights(run, epoch, part="sampler"):
    """Whether the run kept its generator after `epoch` epochs: a reference run's of that epoch (or
    the images it drew), a port run's kept_generator."""
    if run["side"] != "reference":
        return kept_generator(run, epoch, part) is not None
    return any(path.is_file() for path in reference_files(Path(run["folder"]), epoch))


def last_grid(run, epoch, stem=KINDS["reference"].stem):
    """The run's grid after `epoch` epochs (uint8): its generator on the same latent vectors (and
    one row per class) as the other side's. A run's files copied into docs/results keep no
    weights: a grid of its own stands in, and run["grid"] says which. First the one a comparison
    of this kind (`stem`) drew of its last generator while it had one (`<stem>_<side>.png`: a
    port run's `comparison_port.png`, drawn from the same latent vectors as the reference's),
    else its `final.png`: a port run's monitor grid of the fixed latent vectors of its --seed
    (the same for both sides of an improved comparison at the same seed), a reference run's the
    grid this script drew of its last generator (`comparison_reference.png`), copied beside the
    scores the judge gave it (`scores.json`), which then need no generator."""
    import numpy as np
    from PIL import Image

    from keras_gans.plotting import image_grid, to_uint8
    from keras_gans.sampling import num_classes, sample

    folder = Path(run["folder"])
    drawn = folder / f"{stem}_{run['side']}.png"
    own = [
        path
        for path in (drawn, folder / "final.png")
        if path.is_file() and (path != drawn or drawn_of(run, drawn, epoch, stem))
    ]
    last = run["finished"] and run["epochs"] == epoch
    if last and not keeps_weights(run, epoch) and own:
        run["grid"] = f"its {own[0].name}"
        grid = np.asarray(Image.open(own[0]))  # as save_image wrote it: grey (H, W) or RGB
        return grid[..., None] if grid.ndim == 2 else grid
    generator, value_range = generator_at(run, epoch)
    classes = num_classes(generator)  # one-hot or embedded class indices, as it takes them
    labels = None if classes is None else np.repeat(np.arange(classes), 8)
    images = sample(generator, 80 if classes is None else len(labels), seed=1, labels=labels)
    return image_grid(to_uint8(images, value_range), 8)


def drawn_of(run, path, epoch, stem):
    """Whether the `<stem>_<side>.png` at `path` is of this run after `epoch` epochs. One beside its
    comparison's `<stem>.json` (that comparison's --out, e.g. a tutorial's docs/results/<name>/,
    which may also hold a run's files) is the grid of that comparison's first run of the side, at
    the epoch it compared: another run's, or another epoch's, is not this one's. One alone was
    copied beside the run's files."""
    record = path.with_name(f"{stem}.json")
    if not record.is_file():
        return True
    made = json.loads(record.read_text())
    first = next((r for r in made["runs"] if r["side"] == run["side"]), None)
    compared = made.get("summary", {}).get("epochs_compared", epoch)
    same_run = (
        first is not None
        and Path(first.get("made_in", first["folder"])).resolve()
        == Path(run.get("made_in", run["folder"])).resolve()
    )
    return same_run and compared == epoch


def translation_grid(run, epoch, data, count=4):
    """A translating run's figure after `epoch` epochs (uint8), as the port's monitor draws it: rows x,
    G(x), F(G(x)), y, F(y), G(F(y)) of the same first `count` test images of each domain."""
    from keras_gans.models.cyclegan import translation_rows
    from keras_gans.plotting import image_grid, to_uint8

    translators, value_range = generator_at(run, epoch, "translators")
    rows = translation_rows(translators, data.extra["test_x"][:count], data.extra["test_y"][:count])
    return image_grid(to_uint8(rows, value_range), count)


def rescore_missing(run, epoch, judge, scores, part="sampler"):
    """Judges the generator the run kept of `epoch` for the `scores` its losses.csv lacks there (a
    score added to the judge after the run began); lists them in run["rescored"]."""
    logged = run["per_epoch"][epoch - 1]
    missing = [k for k in scores if k not in logged]
    if missing:
        generator, value_range = generator_at(run, epoch, part)
        generator.value_range = value_range
        judged = judge(generator)
        logged.update({k: judged[k] for k in missing})
        run["rescored"] = missing


def not_comparable(folder, losses):
    """Why `folder` cannot be compared (one line), or None: no `losses` file (not a run folder), or
    an empty one (a run still in its first epoch: Keras' CSVLogger writes its header with the
    first epoch's row)."""
    path = folder / losses
    if not path.is_file():
        return f"{folder} is not a run folder (no {losses})"
    if path.stat().st_size == 0:
        return f"{folder} has no finished epoch yet (its {losses} is empty)"
    return None


def main(argv=None):
    args = parse_args(argv)
    kind = args.kind
    first_file = "losses.json" if kind.first == "reference" else "losses.csv"
    problems = [not_comparable(f, first_file) for f in args.first] + [
        not_comparable(f, "losses.csv") for f in [*args.second, *args.alone]
    ]
    if any(problems):
        print(f"error: {'; '.join(p for p in problems if p)}", file=sys.stderr)
        return 2
    from keras_gans.cli import config_options
    from keras_gans.data.images import DataError
    from keras_gans.presets import get_preset

    preset = get_preset(args.name)
    recorded = port_record(args.second[0])["config"]
    try:  # the judge reads the data the runs trained on, where their options say (a relative path too)
        config = preset.config(**config_options(recorded, preset, args.second[0]))
        data = preset.load_data(config)
        judge = preset.quality(config, data)
        floor = {k: float(v) for k, v in preset.floor(config, data, judge).items()} if preset.floor else None
    except argparse.ArgumentTypeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except DataError as error:
        print(
            f"error: {error} (the judge reads the data {args.second[0]}'s options name: run this where "
            "the runs were made)",
            file=sys.stderr,
        )
        return 2
    judge_id = {"tutorial": args.name, "eval_samples": config.get("eval_samples")}

    if kind.first == "reference":
        firsts = [reference_run(f, judge, judge_id) for f in args.first]
    else:
        firsts = [port_run(f, kind.first) for f in args.first]
    runs = firsts + [port_run(f, kind.second) for f in args.second]
    if args.recorded is not None:
        runs = with_recorded(runs, recorded_runs(args.recorded, judge_id), kind.first)
    runs += [port_run(f, f.name.split("_seed")[0]) for f in args.alone]
    if floor and args.recorded is not None:  # recorded runs cannot be scored again: the scores they have
        floor = {k: v for k, v in floor.items() if all(k in run["per_epoch"][-1] for run in runs)}
    if floor:  # every score the judge gives, at the epoch compared
        compared = min(r["epochs"] for r in runs if r["side"] in (kind.first, kind.second))
        for run in runs:
            rescore_missing(run, compared, judge, floor, preset.scored_part)
    result = {
        "tutorial": args.name,
        "judge": judge_id,
        "floor": floor,
        "runs": runs,
        "summary": summary(runs, kind),
    }
    out = args.out or Path("docs/results") / args.name
    out.mkdir(parents=True, exist_ok=True)

    if preset.kind == "translation":
        draw = functools.partial(translation_grid, data=data)
    else:
        draw = functools.partial(last_grid, stem=kind.stem)
    figure(args.name, runs, result, floor, out / f"{kind.stem}.png", draw, kind)
    (out / f"{kind.stem}.json").write_text(json.dumps(result, indent=1) + "\n")
    (out / f"{kind.stem}.md").write_text(markdown(args.name, runs, result, floor, kind))
    sides = f"{kind.stem}_{kind.first}.png, {kind.stem}_{kind.second}.png"
    print(f"wrote {out}/{kind.stem}.json, {kind.stem}.md, {kind.stem}.png, {sides} ({len(runs)} runs)")
    if kind.stem == "improved" and args.out is None:  # the README's picture, of docs/results
        print(f"wrote {improved_gallery(out.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
