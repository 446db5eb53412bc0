"""What the notebooks share: one switch of size, their data, the package code they show, the results.

The notebooks teach each tutorial at its full size; they are committed
executed at a short size (a few minutes each on a 2-core CPU, with their
figures); and the tests execute them end to end in seconds. That difference
lives here, not in `if TINY:` cells: a notebook asks `settings(name,
epochs=...)` once for its preset's options and gets its full run, its short
one (the preset's `notebook` overrides on top) or a tiny one, as
KERAS_GANS_NOTEBOOK says ("full", the default; "short", what
scripts/execute_notebooks.py sets; "tiny", what the tests set, also
KERAS_GANS_TINY=1). Each notebook ends with `show_results(name)`: the full
run's pictures and numbers from docs/results/.

A notebook also shows the package's own code (its `train_step`, losses and
builders) as code cells, so that a reader on GitHub sees what they learn.
Each such cell is `shown_source(name)`: the line `MARKER + name`, then the
object's source verbatim. `scripts/sync_notebooks.py` rewrites those cells
from the package and `tests/test_notebooks.py` fails when one differs, so
the package stays the one truth.
"""

import inspect
import io
import json
import os
import pkgutil
import tempfile
import textwrap

from keras_gans.presets import PRESETS, get_preset

# "full": the tutorial's run; "short": the committed outputs' run; "tiny": the tests' (tiny networks,
# a few steps on a few images).
MODE = os.environ.get("KERAS_GANS_NOTEBOOK") or (
    "tiny" if os.environ.get("KERAS_GANS_TINY") == "1" else "full"
)
if MODE not in ("full", "short", "tiny"):
    raise ValueError(f'KERAS_GANS_NOTEBOOK must be "full", "short" or "tiny", got {MODE!r}')
TINY = MODE == "tiny"

# A tiny run: one epoch of two small batches, on the first images only.
TINY_RUN = {"epochs": 1, "steps_per_epoch": 2, "batch_size": 16, "max_images": 64, "overwrite": True}
MARKER = "# Shown from the package: "


def settings(name, **full_run):
    """The options to train or build the tutorial `name` with, for `train` or its preset.

    A full run: `full_run` (the notebook's choices on top of the preset's
    defaults). A short run: those, then the preset's `notebook` overrides.
    Tiny mode ignores them: the preset's `tiny` settings, then `TINY_RUN`.
    All read their data from `data_path`, into the preset's `data_option`.
    """
    option, kind = get_preset(name).data_option
    options = {option: data_path(kind)}
    if "fashion_mnist_path" in get_preset(name).defaults:  # the stand-ins' judge reads Fashion-MNIST
        options.setdefault("fashion_mnist_path", data_path("fashion-mnist"))
    if TINY:
        options.update({**get_preset(name).tiny, **TINY_RUN})
    else:
        options.update(full_run)
        if MODE == "short":
            # One line per epoch: a progress bar is one output per step in a saved notebook
            # (DGGAN's 6,255 steps an epoch made it 3 MB).
            options.update({**get_preset(name).notebook, "overwrite": True, "verbose": 2})
    return options


def pick(full, tiny):
    """`full`, or `tiny` in tiny mode: for the few sizes that are no preset's option (evaluation samples)."""
    return tiny if TINY else full


def shared_data(relative):
    """`relative` under $KERAS_GANS_SHARED_DATA (the project's offline copy of the datasets), or None."""
    root = os.environ.get("KERAS_GANS_SHARED_DATA")
    return os.path.join(root, relative) if root else None


def data_path(kind):
    """Where to read `kind` ("mnist", "fashion-mnist", "celeba", "rps" or "dggan") from.

    None leaves it to Keras' download.
    MNIST, Fashion-MNIST: the shared copy when there is one (the real ones).
    CelebA: the shared 3,000 faces in the short and tiny modes, else the example's download.
    Hands: the tutorial's download; in tiny mode, and without internet, a
    stand-in of real Fashion-MNIST pictures in the same on-disk form.
    """
    if kind in ("mnist", "fashion-mnist"):
        return shared_data(kind)
    if kind == "celeba":
        faces = shared_data(os.path.join("celeba", "img_align_celeba"))
        if MODE != "full" and faces:
            return faces
        from keras_gans.data.celeba import download_celeba

        return download_celeba()
    if kind == "dggan":  # the reference's Cora split: the shared copy, else the download
        cora = shared_data(os.path.join("dggan", "cora"))
        if cora:
            return cora
        from keras_gans.data.graphs import download_graph

        return download_graph("cora")
    if kind != "rps":
        raise ValueError(f"unknown kind of data {kind!r}; choose mnist, celeba, rps or dggan")
    from keras_gans.data.class_folders import download_rps
    from keras_gans.data.images import DataError
    from keras_gans.data.standin import write_fashion_standin

    if MODE == "full":
        try:
            return download_rps()
        except DataError as error:
            print(f"{error}\nTraining on the Fashion-MNIST stand-in instead.")
    fashion = shared_data("fashion-mnist")
    if fashion is None:
        raise FileNotFoundError("the stand-in needs Fashion-MNIST: set KERAS_GANS_SHARED_DATA")
    per_class, size = (24, 32) if TINY else (840, 128)
    folder = os.path.join(tempfile.gettempdir(), f"keras_gans_rps_standin_{per_class}x{size}")
    return write_fashion_standin(fashion, folder, per_class=per_class, image_size=size)


def mnist_classifier():
    """The judge of generated digits: `keras_gans.metrics`' own MNIST classifier, trained once and cached.

    In tiny mode, a rough one (one epoch on 2,000 digits) in a file of its
    own, so that the real cache stays untouched.
    """
    from keras_gans import metrics

    if TINY:
        cache = os.path.join(tempfile.gettempdir(), "keras_gans_tiny_mnist_classifier.keras")
        return metrics.load_mnist_classifier(cache, data_path("mnist"), epochs=1, max_examples=2000)
    return metrics.load_mnist_classifier(mnist_path=data_path("mnist"))


def shown_source(name):
    """The cell that shows the package object `name` ("keras_gans.models.gan.GAN.train_step").

    The marker line, then the object's source dedented: a method becomes a
    plain function, valid Python that only defines a name when run.
    """
    source = textwrap.dedent(inspect.getsource(pkgutil.resolve_name(name)))
    return f"{MARKER}{name}\n{source.rstrip()}"


def shown_name(cell_source):
    """The object a shown cell names on its marker line, or None for any other cell."""
    first_line = cell_source.split("\n", 1)[0]
    return first_line[len(MARKER) :].strip() if first_line.startswith(MARKER) else None


# docs/results/ of the project this package is part of (a checkout; an installed copy has none).
RESULTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "results")


def result_grid(folder):
    """The grid a docs/results/<name>/ folder is pictured by: the best epoch's, else the last, else None."""
    return next((f for f in ("best.png", "final.png") if os.path.isfile(os.path.join(folder, f))), None)


def training_time(results):
    """How long a run trained, from its results.json: every session's epochs (its checkpoints'
    clock), else the one session's wall time."""
    clock = results.get("clock")
    if not clock:
        return f"{results['wall_time_s'] / 60:.0f} min{' (last session)' if results.get('resumed') else ''}"
    text = f"{clock['seconds'] / 60:.0f} min"
    if clock["sessions"] > 1:
        text += f" in {clock['sessions']} sessions"
    if clock["since_epoch"]:  # a run begun before the clock: its first epochs are not in it
        first, last = clock["since_epoch"] + 1, results["epochs"]
        text += f" (epochs {first}-{last})" if first < last else f" (epoch {last})"
    return text


def machine_line(machine, precision=None):
    """The CPU, the cores the run could use (runs from before they were recorded say nothing of
    them), a GPU, the precision: "Intel(R) Xeon(R) Processor, 1 of 2 cores, float32"."""
    cores = machine.get("cores_used")
    parts = [machine["cpu"], *([f"{cores} of {machine['cpu_count']} cores"] if cores else [])]
    parts += [f"GPU {machine['gpus'][0]}"] if machine.get("gpus") else []
    return ", ".join(parts + ([precision] if precision else []))


EMBED_MAX_KB = 150  # the largest picture show_results embeds: a saved notebook holds each one


def _shown_folder(name, results_dir):
    """docs/results/<name> as the project names it, not by this machine's path (saved notebooks print it)."""
    return (
        os.path.join("docs", "results", name) if results_dir == RESULTS else os.path.join(results_dir, name)
    )


def _read_result(name, results_dir, file_name, what, how):
    """docs/results/<name>/<file_name> read, or None after one line: no `what` there yet, `how` to make it."""
    path = os.path.join(results_dir, name, file_name)
    if not os.path.isfile(path):
        print(f"No {what} of {name} in {_shown_folder(name, results_dir)} yet: {how}.")
        return None
    with open(path) as file:
        return json.load(file)


def show_results(name, results_dir=RESULTS):
    """Shows the full run of `name`: its numbers and pictures from docs/results/<name>/ (make_results.py).

    Returns the numbers (results.json), or None where there is no finished
    full run yet (one line says so).
    """
    from IPython.display import Image, display

    folder = os.path.join(results_dir, name)
    results = _read_result(
        name, results_dir, "results.json", "full run", "scripts/make_results.py writes it from a finished run"
    )
    if results is None:
        return None
    print(
        f"{results['command']}\n{results['epochs']} epochs in {training_time(results)} on "
        f"{machine_line(results['machine'])}"
    )
    # The scores, and what they are read against: real data's (the floor), any other reference.
    rows = [
        ("at best", results.get("at_best")),
        ("last", results.get("last")),
        ("floor", results.get("floor")),
    ]
    for label, numbers in rows + list((results.get("references") or {}).items()):
        if numbers:
            print(f"{label}: {', '.join(f'{key} {value:.4g}' for key, value in sorted(numbers.items()))}")
    # The best grid (else the last), the pictures the tutorial makes at its end (its preset's
    # outputs, which make_results.py copies), the score curves; the rest is named, not embedded:
    # a saved notebook holds every picture it shows, and it should stay a few hundred KB.
    outputs = [f for f in get_preset(name).outputs if f.endswith((".png", ".gif"))] if name in PRESETS else []
    present = [
        f
        for f in ("best.png", "final.png", *outputs, "quality.png", "losses.png", "progress.png")
        if os.path.isfile(os.path.join(folder, f))
    ]
    # A picture over EMBED_MAX_KB (a long run's GIF) is named with its size instead.
    kb = {f: os.path.getsize(os.path.join(folder, f)) / 1024 for f in present}
    shown = [
        f for f in present if f in (result_grid(folder), *outputs, "quality.png") and kb[f] <= EMBED_MAX_KB
    ]
    for picture in shown:
        width = 240 if picture.endswith(".gif") else 480
        display(Image(filename=os.path.join(folder, picture), width=width))
    rest = [f if kb[f] <= EMBED_MAX_KB else f"{f} ({kb[f]:.0f} KB)" for f in present if f not in shown]
    if rest:
        print(f"Also in {_shown_folder(name, results_dir)}: {', '.join(rest)}")
    return results


def show_improved(name, results_dir=RESULTS):
    """Shows issue #29's comparison of `name`: the tutorial's training against `--improved`, from
    docs/results/<name>/improved.json (scripts/compare_reference.py): each score's mean over the
    seeds, last and best, with the spread, and both sides' last grids from the same inputs.

    Returns the comparison (improved.json), or None where there is none yet (one line says so).
    """
    from IPython.display import Image, display

    folder = os.path.join(results_dir, name)
    comparison = _read_result(
        name,
        results_dir,
        "improved.json",
        "comparison of the improved training",
        "scripts/compare_reference.py writes it from the runs of scripts/run_improved.sh",
    )
    if comparison is None:
        return None
    summary = comparison["summary"]
    counts = {side: sum(r["side"] == side for r in comparison["runs"]) for side in ("tutorial", "improved")}
    seeds = {side: f"{n} seed{'s' * (n != 1)}" for side, n in counts.items()}
    print(
        f"The tutorial's training ({seeds['tutorial']}) against --improved "
        f"({seeds['improved']}), {summary['epochs_compared']} epochs each "
        f"(docs/results/{name}/improved.md):"
    )
    floor = comparison.get("floor") or {}
    for score, entry in summary["scores"].items():
        for point, verdict in entry["verdict"].items():
            sides = ", ".join(
                "{} {mean:.4g} ({min:.4g}-{max:.4g})".format(side, **entry[side][point])
                for side in ("tutorial", "improved")
            )
            real = f"; real data {floor[score]:.4g}" if score in floor else ""
            print(f"  {score}, {point}: {sides}{real}: the improved mean is {verdict}")
    # Both grids as one small JPEG: a saved notebook holds every picture it shows (two PNGs of
    # the hands' grids, or the faces' at full size, would take a notebook past its 400 KB).
    from PIL import Image as PILImage

    from keras_gans.plotting import side_by_side

    epochs = summary["epochs_compared"]
    labels = {"tutorial": f"the tutorial's training, epoch {epochs}", "improved": "--improved"}
    panels = [
        side_by_side([PILImage.open(os.path.join(folder, f"improved_{side}.png"))], label=label)
        for side, label in labels.items()
    ]
    buffer = io.BytesIO()  # at most 320 pixels high: the faces' 80-face grids are 656
    side_by_side(panels, height=min(320, panels[0].height), gap=16).save(buffer, "JPEG", quality=80)
    display(Image(data=buffer.getvalue(), format="jpeg"))
    return comparison
