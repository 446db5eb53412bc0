"""Where a GAN runs: the `tf.distribute` strategy and the precision policy.

Every recipe builds and compiles its GAN through `build_gan`, so the same
code trains on a CPU, one GPU, all local GPUs or many machines.
"""

import contextlib

import keras
import tensorflow as tf

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
