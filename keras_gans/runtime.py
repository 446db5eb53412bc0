"""Where a GAN runs: the `tf.distribute` strategy and the precision policy.

The runner builds and compiles every GAN through `build_gan`, so the same
code trains on a CPU, one GPU, all local GPUs or many machines.
"""

import contextlib
import os

import keras
import tensorflow as tf

import keras_gans

STRATEGIES = ("default", "mirrored", "multiworker")

# --mixed-precision's choices and the Keras policies they set.
MIXED_PRECISION_POLICIES = {"float16": "mixed_float16", "bfloat16": "mixed_bfloat16"}


def make_strategy(name="default"):
    """A `tf.distribute` strategy by name.

    - default: TensorFlow's default (one device: the GPU if there is one);
    - mirrored: data parallel over all local GPUs (`MirroredStrategy`);
    - multiworker: data parallel over machines described by the TF_CONFIG
      environment variable (`MultiWorkerMirroredStrategy`).
    """
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}")


@contextlib.contextmanager
def precision_policy(name):
    """Sets Keras' global dtype policy inside the block only."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def build_gan(build_fn, strategy="default", mixed_precision=None):
    """Calls `build_fn()` (which builds and compiles a GAN) under `strategy`.

    `mixed_precision`: None (float32), "float16" (or True) or "bfloat16".
    Layers then compute in that type and keep float32 weights
    (`mixed_float16` / `mixed_bfloat16`); builders keep their output activations
    in float32. float16 is for GPUs with tensor cores and needs loss scaling
    (see `GAN.compile`); bfloat16 has float32's range, needs none, and is
    fast on CPUs with AVX512_BF16 or AMX (and on TPUs and recent GPUs).
    """
    if isinstance(strategy, str):
        strategy = make_strategy(strategy)
    if mixed_precision is True:
        mixed_precision = "float16"
    if not mixed_precision:
        policy = keras.config.dtype_policy().name
    elif mixed_precision in MIXED_PRECISION_POLICIES:
        policy = MIXED_PRECISION_POLICIES[mixed_precision]
    else:
        choices = ", ".join(MIXED_PRECISION_POLICIES)
        raise ValueError(f"unknown mixed precision {mixed_precision!r}; choose one of {choices}")
    with strategy.scope(), precision_policy(policy):
        return build_fn()


def speed_settings():
    """What decides speed in this process, for logs and benchmarks."""
    from tensorflow.python.util import _pywrap_util_port

    env = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    if keras_gans.ONEDNN_SET_BY_KERAS_GANS:
        source = "set by keras_gans"
    elif env is None:
        source = "TensorFlow's default (tensorflow was imported before keras_gans)"
    else:
        source = f"TF_ENABLE_ONEDNN_OPTS={env} from the environment"
    return {
        "onednn": bool(_pywrap_util_port.IsMklEnabled()),
        "onednn_source": source,
        "onednn_system_allocator": os.environ.get("TF_ONEDNN_USE_SYSTEM_ALLOCATOR") in ("1", "true", "True"),
        "gpus": len(tf.config.list_physical_devices("GPU")),
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads() or "all cores",
        "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads() or "auto",
        "cpu_bfloat16": cpu_has_bfloat16(),
    }


def cpu_has_bfloat16(cpuinfo="/proc/cpuinfo"):
    """Whether the CPU computes bfloat16 natively (AVX512_BF16 or AMX); None where unknown."""
    try:
        with open(cpuinfo) as file:
            flags = next((line.split(":", 1)[1].split() for line in file if line.startswith("flags")), [])
    except OSError:  # not Linux
        return None
    return "avx512_bf16" in flags or "amx_bf16" in flags


def describe_run(model):
    """One line saying how `model` will train: kernels, XLA, devices, precision."""
    s = speed_settings()
    line = (
        f"oneDNN {'on' if s['onednn'] else 'off'} ({s['onednn_source']}); "
        f"XLA {'on' if model.jit_compile else 'off'}; "
        f"{'eager, op by op (--run-eagerly); ' if model.run_eagerly else ''}"
        f"{model.distribute_strategy.num_replicas_in_sync} replica(s), {s['gpus']} GPU(s); "
        f"{model.dtype_policy.name}"
    )
    if model.dtype_policy.name == "mixed_bfloat16" and not s["gpus"] and s["cpu_bfloat16"] is False:
        line += " (this CPU has no native bfloat16, AVX512_BF16 or AMX: do not expect a speed-up)"
    return line


def strategy_name(strategy):
    """The `--strategy` name of a strategy object (or name)."""
    if isinstance(strategy, str):
        return strategy
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return "multiworker"
    if isinstance(strategy, tf.distribute.MirroredStrategy):
        return "mirrored"
    return "default"


def cpu_model(cpuinfo="/proc/cpuinfo"):
    """The CPU's model name, as /proc/cpuinfo gives it (None elsewhere)."""
    try:
        with open(cpuinfo) as file:
            return next(
                (line.split(":", 1)[1].strip() for line in file if line.startswith("model name")), None
            )
    except OSError:
        return None


def describe_machine():
    """Versions and hardware a run used, for run.json."""
    import platform

    s = speed_settings()
    return {
        "keras_gans": keras_gans.__version__,
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "python": platform.python_version(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        # The cores this process may run on (fewer where it was pinned, e.g. `taskset -c 0`).
        "cores_used": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_bfloat16": s["cpu_bfloat16"],
        "gpus": [gpu.name for gpu in tf.config.list_physical_devices("GPU")],
        "onednn": s["onednn"],
        "onednn_system_allocator": s["onednn_system_allocator"],
    }
