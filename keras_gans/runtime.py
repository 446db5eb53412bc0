"""Where a GAN runs: the `tf.distribute` strategy and the precision policy.

Every recipe builds and compiles its GAN through `build_gan`, so the same
code trains on a CPU, one GPU, all local GPUs or many machines.
"""

import contextlib
import os

import keras
import tensorflow as tf

import keras_gans

STRATEGIES = ("default", "mirrored", "multiworker")


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


def build_gan(build_fn, strategy="default", mixed_precision=False):
    """Calls `build_fn()` (which builds and compiles a GAN) under `strategy`.

    With `mixed_precision`, layers compute in float16 and keep float32
    weights (`mixed_float16`); the GAN then scales its losses (see
    `GAN.compile`). Builders keep their output layers in float32.
    """
    if isinstance(strategy, str):
        strategy = make_strategy(strategy)
    policy = "mixed_float16" if mixed_precision else keras.config.dtype_policy().name
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
        "gpus": len(tf.config.list_physical_devices("GPU")),
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads() or "all cores",
        "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads() or "auto",
    }


def describe_run(model):
    """One line saying how `model` will train: kernels, XLA, devices, precision."""
    s = speed_settings()
    return (
        f"oneDNN {'on' if s['onednn'] else 'off'} ({s['onednn_source']}); "
        f"XLA {'on' if model.jit_compile else 'off'}; "
        f"{model.distribute_strategy.num_replicas_in_sync} replica(s), {s['gpus']} GPU(s); "
        f"{model.dtype_policy.name}"
    )
