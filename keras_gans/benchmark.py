"""Training throughput of the project's GANs on synthetic data, in images/s.

Each measurement runs in a fresh process, because TensorFlow reads its
kernel settings (oneDNN) once, at import. `scripts/benchmark.py` is the
command line; this module also holds the child process's side.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time

# Configurations, as the environment and options of the child process.
# "plain" is what a plain Keras 3 user gets: TensorFlow imported first, so
# its own choice of kernels (oneDNN on only for CPUs with AVX512_VNNI,
# AVX512_BF16 or AMX), and Keras' jit_compile="auto". "onednn_off" forces
# TensorFlow's Eigen kernels (what plain is on an AVX2 CPU), to show what
# oneDNN gives.
CONFIGS = {
    "plain": {"env": {}, "tensorflow_first": True},
    "onednn_off": {"env": {"TF_ENABLE_ONEDNN_OPTS": "0"}},
    "keras_gans": {"env": {}},
    "keras_gans+xla": {"env": {}, "jit_compile": True},
    "keras_gans+bf16": {"env": {}, "mixed_precision": "bfloat16"},
    # oneDNN's own memory pool, where keras_gans sets the system's allocator: what that costs.
    "keras_gans+onednn_pool": {"env": {"TF_ONEDNN_USE_SYSTEM_ALLOCATOR": "0"}},
}


def models():
    """The tutorials measured (the presets with a `benchmark` entry), with the steps timed per run.

    About 10-60 s of training each: the steps are in each preset's
    `benchmark` entry, beside any batch size it measures at instead of the
    tutorial's (the hands' 16, the classic GAN's real half of 256).
    """
    from keras_gans.presets import PRESETS

    return {name: preset.benchmark["steps"] for name, preset in PRESETS.items() if preset.benchmark}


def _model_spec(name, jit_compile):
    """(compiled GAN, batch size, element specs) of the tutorial `name` at its own size."""
    from keras_gans.presets import get_preset

    preset = get_preset(name)
    overrides = {k: v for k, v in preset.benchmark.items() if k != "steps"}
    config = preset.config(**overrides)
    gan = preset.build_gan(**overrides, xla=jit_compile is not False)
    if jit_compile is True:  # keras_gans+xla: XLA even on a CPU
        gan.jit_compile = True
    elements = [("image", tuple(gan.discriminator.inputs[0].shape[1:]))]
    if "num_classes" in config:  # a conditional GAN: batches of (images, labels)
        elements.append(("label", config["num_classes"]))
    return gan, config["batch_size"], elements


def _synthetic_dataset(elements, batch_size):
    """One fixed random batch, repeated: measures the model, not the input pipeline."""
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)
    tensors = []
    for kind, spec in elements:
        if kind == "image":
            tensors.append(rng.uniform(-1, 1, (batch_size, *spec)).astype("float32"))
        else:  # ("label", number of classes)
            tensors.append(rng.integers(0, spec, (batch_size,)).astype("int32"))
    batch = tensors[0] if len(tensors) == 1 else tuple(tensors)
    return tf.data.Dataset.from_tensors(batch).repeat().prefetch(tf.data.AUTOTUNE)


def run_child(model, jit_compile, warmup, steps, mixed_precision=None):
    """Measures one model in this process; returns a JSON-able dict."""
    from keras_gans.runtime import build_gan, speed_settings

    gan, batch_size, elements = build_gan(
        lambda: _model_spec(model, jit_compile), mixed_precision=mixed_precision
    )
    step_seconds = time_steps(gan, elements, batch_size, warmup, steps)
    settings = speed_settings()
    return {
        "model": model,
        "batch_size": batch_size,
        "step_seconds": step_seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "xla": bool(gan.jit_compile),
        "onednn": settings["onednn"],
        "precision": gan.dtype_policy.name,
    }


def time_steps(gan, elements, batch_size, warmup, steps):
    """Seconds of each of `steps` training steps on synthetic batches, after `warmup` untimed ones."""
    import keras

    times = []

    class Timer(keras.callbacks.Callback):
        # Not async-safe, so Keras hands it each step's logs as numbers:
        # the time is taken when the step has finished, not when it was queued.
        def on_train_batch_end(self, batch, logs=None):
            times.append(time.perf_counter())

    gan.fit(
        _synthetic_dataset(elements, batch_size),
        epochs=1,
        steps_per_epoch=warmup + steps,
        callbacks=[Timer()],
        verbose=0,
        shuffle=False,  # a tf.data pipeline: Keras would only warn
    )
    return [end - start for start, end in zip(times[warmup - 1 : -1], times[warmup:], strict=True)]


def measure(model, config, warmup=5, steps=10):
    """Runs one (model, config) measurement in a fresh Python process."""
    spec = CONFIGS[config]
    # A user's own settings of these would decide for every configuration.
    ours = ("TF_ENABLE_ONEDNN_OPTS", "TF_ONEDNN_USE_SYSTEM_ALLOCATOR")
    env = {k: v for k, v in os.environ.items() if k not in ours}
    env.update(TF_CPP_MIN_LOG_LEVEL="2", **spec["env"])
    options = (spec.get("jit_compile", "auto"), warmup, steps, spec.get("mixed_precision"))
    code = (
        # Importing tensorflow before keras_gans leaves TensorFlow's own default.
        ("import tensorflow; " if spec.get("tensorflow_first") else "")
        + "import json, sys; from keras_gans.benchmark import run_child; "
        + f"print(json.dumps(run_child({model!r}, *{options!r})))"
    )
    return {"config": config, **run_process([sys.executable, "-c", code], env, f"{model} / {config}")}


def run_process(argv, env, label):
    """Runs a measuring child process; returns the JSON its last line prints."""
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{label} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(names, configs, warmup=5, steps=None, repeats=3, report=print, measure_fn=None):
    """Measures every (model, config) of the tutorials `names` `repeats` times; returns the runs.

    `steps`: steps timed per run; None for each model's default (`models()`: the argument is not
    called `models`, which would hide that function here).
    `measure_fn(model, config, warmup, steps)`: `measure` unless given (the
    script adds the PyTorch reference this way).

    The configurations take turns (plain, keras_gans, ..., plain, ...), so
    that a slow spell of the machine (a shared CPU) falls on all of them
    rather than on one.
    """
    runs = []
    default_steps = models() if steps is None else {}
    for model in names:
        for repeat in range(repeats):
            for config in configs:
                result = (measure_fn or measure)(model, config, warmup, steps or default_steps[model])
                rate = result["batch_size"] / statistics.median(result["step_seconds"])
                runs.append({"repeat": repeat, "images_per_s": rate, **result})
                report(f"{model:>12} {config:<15} run {repeat + 1}/{repeats}: {rate:8.1f} images/s")
    return runs


def summarize(runs):
    """One row per (model, config): images/s over all its runs' steps, and the ratio to plain.

    `images_per_s` is the batch size over the *median* step time, which a
    few steps slowed down by other work on the machine do not move;
    `mean_images_per_s` (all images over all time) and the range of the
    runs' own medians are kept beside it to show the spread.
    """
    rows = {}
    for r in runs:
        row = rows.setdefault(
            (r["model"], r["config"]),
            {key: r[key] for key in ("model", "config", "batch_size", "onednn", "xla", "precision")}
            | {"step_seconds": [], "run_images_per_s": [], "peak_rss_mib": 0.0},
        )
        row["step_seconds"] += r["step_seconds"]
        row["run_images_per_s"].append(r["images_per_s"])
        row["peak_rss_mib"] = max(row["peak_rss_mib"], r["peak_rss_mib"])
    for row in rows.values():
        steps = row.pop("step_seconds")
        row["steps"] = len(steps)
        row["images_per_s"] = row["batch_size"] / statistics.median(steps)
        row["mean_images_per_s"] = row["batch_size"] * len(steps) / sum(steps)
    for row in rows.values():
        plain = rows.get((row["model"], "plain"))
        row["vs_plain"] = row["images_per_s"] / plain["images_per_s"] if plain else None
    return list(rows.values())


def table(rows):
    """A Markdown table of `summarize`'s rows."""
    lines = [
        "| model | batch | config | oneDNN | XLA | precision | images/s | vs plain | runs' range "
        "| mean images/s | peak RSS MiB |",
        "| --- | ---: | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        ratio = "n/a" if r["vs_plain"] is None else f"{r['vs_plain']:.2f}x"
        spread = f"{min(r['run_images_per_s']):.1f}-{max(r['run_images_per_s']):.1f}"
        lines.append(
            f"| {r['model']} | {r['batch_size']} | {r['config']} | {'on' if r['onednn'] else 'off'} "
            f"| {'on' if r['xla'] else 'off'} | {r['precision']} | {r['images_per_s']:.1f} | {ratio} "
            f"| {spread} | {r['mean_images_per_s']:.1f} | {r['peak_rss_mib']:.0f} |"
        )
    return "\n".join(lines)


def measure_pipelines(data_root):
    """Images/s that each real input pipeline delivers alone, one full epoch each.

    `data_root` is laid out as shared/data: celeba/img_align_celeba/,
    mnist/ and fashion-mnist/ (for the class-folder stand-in).
    """
    import tempfile

    from keras_gans.data.class_folders import class_folder_dataset
    from keras_gans.data.images import image_folder_dataset
    from keras_gans.data.mnist import array_dataset, load_mnist
    from keras_gans.data.standin import write_fashion_standin

    (x_train, _), _ = load_mnist(os.path.join(data_root, "mnist"))
    standin = write_fashion_standin(
        os.path.join(data_root, "fashion-mnist"), os.path.join(tempfile.gettempdir(), "keras_gans_standin")
    )
    pipelines = {
        "CelebA folder -> 64x64, batch 32": lambda: image_folder_dataset(
            os.path.join(data_root, "celeba", "img_align_celeba"), 64, 32, verbose=False
        )[0],
        "MNIST arrays, batch 256": lambda: array_dataset(x_train, batch_size=256),
        "class folders -> 128x128, batch 128": lambda: class_folder_dataset(standin, 128, 128, verbose=False)[
            0
        ],
    }
    results = []
    for name, make in pipelines.items():
        dataset = make()
        start, count = time.perf_counter(), 0
        for batch in dataset:
            count += len(batch[0] if isinstance(batch, tuple) else batch)
        results.append(
            {"pipeline": name, "images": count, "images_per_s": count / (time.perf_counter() - start)}
        )
    return results


def measure_quality(data_root, names=None, steps=10, warmup=3):
    """What one quality evaluation costs beside an epoch of training, per tutorial, at its defaults.

    For each tutorial with a score: the seconds of one evaluation (the second
    call: the first also sets up the real side), and the seconds of one epoch
    of its default data, from the median step of `steps` timed training steps
    on synthetic batches. `data_root` is laid out as shared/data.
    """
    from keras_gans.presets import PRESETS, TrainingData

    sources = {"dcgan_celeba": ("data_dir", os.path.join(data_root, "celeba", "img_align_celeba"), 202_599)}
    results = []
    for name in names or PRESETS:
        preset = PRESETS[name]
        if preset.quality is None:
            continue
        option, path, images = sources.get(name, ("mnist_path", os.path.join(data_root, "mnist"), 60_000))
        config = preset.config(**{option: path})
        gan, batch_size, elements = _model_spec(name, "auto")
        data = TrainingData(source=path)
        score_fn = preset.quality(config, data)
        score_fn(gan.generator)
        start = time.perf_counter()
        score_fn(gan.generator)
        evaluation = time.perf_counter() - start
        step = statistics.median(time_steps(gan, elements, batch_size, warmup, steps))
        # The steps of one epoch of the tutorial's data, as fit counts them.
        batch = config["batch_size"] // 2 if name == "gan_mnist" else config["batch_size"]
        epoch = -(-images // batch) * step
        results.append(
            {
                "tutorial": name,
                "evaluation_s": evaluation,
                "epoch_s": epoch,
                "share": evaluation / (epoch + evaluation),
            }
        )
    return results
