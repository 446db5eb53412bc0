"""What every reference script writes beside its run: its folder (`RunFolder`), JSON files written
whole, and the CPU's name.

The reference scripts import it as a sibling (`python scripts/reference/<name>.py` puts this folder
first on the path); like them, it imports nothing from keras_gans.
"""

import hashlib
import json
import os
import platform
import time

import numpy as np


def write_json(path, value):
    """Writes JSON atomically: a kill leaves the old file or the new one, never half of one."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1)
    os.replace(tmp, path)


def keras_io_source(path, example):
    """The text of a copy of keras.io's `examples/generative/<example>.py`, or one line on how to get it."""
    if not os.path.isfile(path):
        raise SystemExit(
            f"error: no keras.io source at {path}: download examples/generative/{example}.py from "
            "keras-team/keras-io (see this script's --help) and pass its path as --source"
        )
    with open(path, encoding="utf-8") as f:
        return f.read()


def apply_changes(text, changes, example):
    """`text` with each change `(old, new, number, times)` made: `old`, found exactly `times` times,
    replaced by `new`. Any other count stops with one line: a different version of the example is
    refused, never run half-changed."""
    for old, new, number, times in changes:
        found = text.count(old)
        if found != times:
            raise SystemExit(
                f"error: change {number} expects this passage {times} time(s) in the source, found "
                f"{found}: {old!r} (is it keras.io's examples/generative/{example}.py?)"
            )
        text = text.replace(old, new)
    return text


def keras_io_record(example, original, **fields):
    """run.json's start for a run of keras.io's `example` from its source text `original`."""
    return {
        "source": f"keras.io examples/generative/{example}.py (keras-team/keras-io), run by "
        f"scripts/reference/{example}_keras_io.py",
        "source_sha256": hashlib.sha256(original.encode("utf-8")).hexdigest(),
        **fields,
        "versions": keras_versions(),
        "cpu": cpu_model(),
    }


def cpu_model():
    """The CPU's model name, as /proc/cpuinfo gives it."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


class RunFolder:
    """A reference run's folder as scripts/compare_reference.py reads it, written as the run goes.

    `run.json` (the `record` given, written at once, then `finished` and the wall time at the end;
    a folder whose run.json says finished is refused, an unfinished one is started over),
    after each epoch the generator as `generator_epoch_NNNN.keras` (NNNN = epochs done, from 0001),
    or where the source's generator cannot be saved, the images the judge scores as
    `samples_epoch_NNNN.npy`, and the epoch's numbers appended to `losses.json`, with the seconds
    since the start.
    """

    def __init__(self, output_dir, record):
        previous = os.path.join(output_dir, "run.json")
        if os.path.isfile(previous):
            with open(previous) as f:
                if json.load(f).get("finished"):  # finished work is not written over
                    raise SystemExit(f"error: {output_dir} holds a finished run: give another --output-dir")
        os.makedirs(output_dir, exist_ok=True)
        self.output_dir, self.record, self.history = output_dir, record, []
        self.start = time.time()
        write_json(os.path.join(output_dir, "run.json"), record)

    def epoch_done(self, epoch, generator, **numbers):
        """After epoch `epoch` (from 0): `generator` saved (a Keras model; or a NumPy array of the
        images it drew, uint8), `numbers` logged."""
        if isinstance(generator, np.ndarray):
            path = os.path.join(self.output_dir, f"samples_epoch_{epoch + 1:04d}.npy")
            np.save(path + ".tmp.npy", generator)  # whole or not at all, as write_json
            os.replace(path + ".tmp.npy", path)
        else:
            generator.save(os.path.join(self.output_dir, f"generator_epoch_{epoch + 1:04d}.keras"))
        entry = {"epoch": epoch + 1, **{k: float(v) for k, v in numbers.items()}}
        self.history.append({**entry, "seconds": round(time.time() - self.start, 1)})
        write_json(os.path.join(self.output_dir, "losses.json"), self.history)

    def finish(self):
        self.record.update(finished=True, wall_time_s=round(time.time() - self.start, 1))
        write_json(os.path.join(self.output_dir, "run.json"), self.record)


def mnist_arguments(description, epochs, batch_size, argv=None):
    """The command line of a Keras MNIST reference: its text's `epochs` and `batch_size` as defaults."""
    import argparse

    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mnist-path", required=True, help="a Keras-format mnist.npz")
    parser.add_argument("--epochs", type=int, default=epochs, help=f"the text's {epochs} (default)")
    parser.add_argument(
        "--batch-size", type=int, default=batch_size, help=f"the text's {batch_size} (default)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output-dir", required=True)
    return parser.parse_args(argv)


def keras_versions():
    """Python's, Keras' and TensorFlow's versions, for run.json."""
    import sys

    import keras
    import tensorflow as tf

    return {"python": sys.version.split()[0], "keras": keras.__version__, "tensorflow": tf.__version__}
