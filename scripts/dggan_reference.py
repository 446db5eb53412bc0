"""Run the DGGAN reference implementation itself, as the yardstick for the Keras port.

`docs/dggan.md` ("Measured against the reference") compares the port with the authors' own code
(GitHub `RingBDStack/DGGAN`, `code/`: TensorFlow 1 graph code) run here on the same splits. This
script makes that run reproducible: it imports the reference's modules from a checkout you
provide and runs its `Model().train()` with nothing in their code edited, every setting its
`config.py`'s except the data paths (pointed at `--data-dir`), where it saves embeddings
(`--save-dir`) and, if given, the number of outer epochs (`--epochs`; its config's is 5).

It installs, in this process only, exactly these shims and no others:
1. `import tensorflow` gives `tensorflow.compat.v1` (with v2 behaviour disabled, so graphs,
   placeholders and sessions work as in TF1) plus `contrib.layers.xavier_initializer`: the
   reference is TF1 code and runs unchanged on TF 2.x's v1 API;
2. that `tf.contrib.layers.xavier_initializer` (TF1 contrib is gone from TF 2) is an exact
   re-implementation of TF1's (`variance_scaling_initializer(factor=1, mode='FAN_AVG')`):
   uniform on +-sqrt(3/n) or a truncated normal of stddev sqrt(1.3/n), as its `uniform`
   argument says, with n = (fan_in + fan_out) / 2 computed as TF1 does (for rank > 2 both fans
   are multiplied by the leading dimensions);
3. `sklearn.metrics.roc_auc_score` (scikit-learn is not a dependency) is a rank-based NumPy
   ROC AUC (ties get their average rank), which equals scikit-learn's.

The reference prints `auc_0=... auc_50=... auc_100=...` after every discriminator epoch
(`Model.evaluate_link_prediction`); this script also records each of those AUCs (unrounded, by
wrapping `evaluation.LinkPrediction.evaluate`) with the time since the start, and writes them
to `--output` as JSON after every one (so an interrupted run keeps what it measured), with the
wall time, TensorFlow version and CPU model. The reference is unseeded: runs differ a little.

    git clone https://github.com/RingBDStack/DGGAN ../dggan_reference
    python scripts/dggan_reference.py --reference ../dggan_reference --data-dir ../shared/data/dggan/cora \
        --epochs 2 --output runs/dggan_reference/cora.json
"""

import argparse
import json
import math
import os
import platform
import signal
import sys
import tempfile
import time
import types
from pathlib import Path

import numpy as np
import tensorflow as tf

tf1 = tf.compat.v1


def xavier_scale(shape, uniform):
    """TF1 contrib's `xavier_initializer` for `shape`: the uniform limit, or the truncated normal's stddev."""
    shape = [int(dim) for dim in shape]
    fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1]) if shape else 1.0
    fan_out = float(shape[-1]) if shape else 1.0
    for dim in shape[:-2]:
        fan_in *= dim
        fan_out *= dim
    n = (fan_in + fan_out) / 2.0
    return math.sqrt(3.0 / n) if uniform else math.sqrt(1.3 / n)


def xavier_initializer(uniform=True, seed=None, dtype=tf.float32):
    """TF1's `tf.contrib.layers.xavier_initializer` (shim 2)."""

    def initializer(shape, dtype=dtype, partition_info=None):
        scale = xavier_scale(shape, uniform)
        if uniform:
            return tf1.random_uniform(shape, -scale, scale, dtype, seed=seed)
        return tf1.truncated_normal(shape, 0.0, scale, dtype, seed=seed)

    return initializer


def roc_auc_score(y_true, y_score):
    """ROC AUC from ranks, ties given their average rank (shim 3: scikit-learn's, for labels 0/1)."""
    positive = np.asarray(y_true).ravel() == 1
    _, inverse, counts = np.unique(
        np.asarray(y_score, np.float64).ravel(), return_inverse=True, return_counts=True
    )
    ranks = (np.cumsum(counts) - (counts - 1) / 2.0)[inverse]  # 1-based, averaged over ties
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def install_shims():
    """Shims 1-3 as `sys.modules` entries, before the reference's modules are imported."""
    tf1.disable_v2_behavior()
    fake_tf = types.ModuleType("tensorflow", "tensorflow.compat.v1 plus contrib.layers.xavier_initializer")
    fake_tf.__getattr__ = lambda name: getattr(tf1, name)  # everything else is compat.v1's
    fake_tf.contrib = types.SimpleNamespace(
        layers=types.SimpleNamespace(xavier_initializer=xavier_initializer)
    )
    sys.modules["tensorflow"] = fake_tf
    metrics = types.ModuleType("sklearn.metrics")
    metrics.roc_auc_score = roc_auc_score
    sys.modules["sklearn"] = types.ModuleType("sklearn")
    sys.modules["sklearn"].metrics = metrics
    sys.modules["sklearn.metrics"] = metrics


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, required=True, help="the DGGAN checkout or its code/")
    parser.add_argument("--data-dir", type=Path, required=True, help="holds train_0.5, test_0.5_{0,50,100}")
    parser.add_argument("--epochs", type=int, default=None, help="outer epochs (default: config.n_epoch)")
    parser.add_argument("--output", type=Path, required=True, help="JSON file for the AUCs")
    parser.add_argument("--save-dir", type=Path, default=None, help="its embeddings (default: a temp dir)")
    args = parser.parse_args(argv)

    code = args.reference / "code" if (args.reference / "code" / "dggan.py").exists() else args.reference
    data = args.data_dir.resolve()
    install_shims()
    sys.path.insert(0, str(code.resolve()))
    import config  # the reference's modules, as they are
    import evaluation

    config.dataset = data.name
    config.train_file = str(data / "train_0.5")
    config.test_file = str(data / "test_0.5")  # it appends _0, _50, _100
    if args.epochs is not None:
        config.n_epoch = args.epochs
    temporary = tempfile.TemporaryDirectory(prefix="dggan_reference_") if args.save_dir is None else None
    config.save_path = str(Path(temporary.name if temporary else args.save_dir).resolve()) + "/"

    start = time.time()
    aucs = []
    result = {
        "reference": str(code.resolve()),
        "data_dir": str(data),
        "config": {
            k: v for k, v in vars(config).items() if k[0] != "_" and isinstance(v, int | float | str | list)
        },
        "tensorflow": tf.__version__,
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "aucs": aucs,
    }

    def write(finished):
        result.update(wall_time_s=round(time.time() - start, 1), finished=finished)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=1) + "\n")

    evaluate = evaluation.LinkPrediction.evaluate

    def recording_evaluate(self, embedding_matrix):  # called once after every D epoch
        auc = evaluate(self, embedding_matrix)
        outer, d = divmod(len(aucs), config.d_epoch)
        seconds = round(time.time() - start, 1)
        aucs.append(
            dict(outer_epoch=outer, d_epoch=d, auc_0=auc[0], auc_50=auc[1], auc_100=auc[2], seconds=seconds)
        )
        write(False)
        return auc

    evaluation.LinkPrediction.evaluate = recording_evaluate
    import dggan

    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # `kill` too ends through `finally`

    try:
        dggan.Model().train()
        write(True)
    finally:
        if not result.get("finished"):
            write(False)
        if temporary:
            temporary.cleanup()
    print(f"wrote {args.output} ({len(aucs)} evaluations, {time.time() - start:.0f} s)")


if __name__ == "__main__":
    main()
