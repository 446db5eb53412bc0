"""keras_gans: Keras 3 GAN tutorials that really work.

Importing the package turns on TensorFlow's oneDNN CPU kernels, which
TensorFlow leaves off on CPUs without AVX512_VNNI, AVX512_BF16 or AMX (AMD
before Zen 4, Intel before Cascade Lake; on newer ones it turns them on
itself). On the AVX2 CPUs of our benchmarks they make the convolutional
GANs markedly faster (docs/speed.md). Results then differ
from TensorFlow's Eigen kernels in float round-off only (another summation
order). TensorFlow reads the setting once, when it is imported, so:

- import keras_gans before tensorflow or keras for it to apply;
- set TF_ENABLE_ONEDNN_OPTS=0 (or 1) yourself to choose; the package then
  leaves it alone. `keras_gans.runtime.speed_settings()` says what is in force.

On a machine without a GPU it also has TensorFlow run the operations of a
training step one at a time (one inter-op thread), where TensorFlow would run
independent ones side by side. The two halves of a GAN step are independent
until the generator's update: side by side, both generator passes hold their
activations at once (the face DCGAN's peak memory: docs/speed.md, "Memory"),
and each operation already uses every core. Set TF_NUM_INTEROP_THREADS
yourself to choose (0: TensorFlow's own default); `speed_settings()` says which.

It also loads TensorFlow quietly. While it loads, and at its first operation,
TensorFlow's C++ code prints lines such as "failed call to cuInit: ... UNKNOWN
ERROR" or "Could not find cuda drivers", some of them before its log level
applies: on a machine without a GPU they are expected, but read as errors to a
learner. So the package loads TensorFlow with the process's stderr muted, and
sets TF_CPP_MIN_LOG_LEVEL to 3 where it is not set; TF_CPP_MIN_LOG_LEVEL=0
shows everything. (A level set to 1 or 2, e.g. inherited from a parent
process, still mutes the loading: the lines printed then are information only.)
Python's own errors and warnings show as always.
"""

import os
import sys

__version__ = "0.2.0"

TENSORFLOW_WAS_IMPORTED = "tensorflow" in sys.modules  # before keras_gans: its defaults stay
if "TF_ENABLE_ONEDNN_OPTS" not in os.environ and not TENSORFLOW_WAS_IMPORTED:
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1"
    ONEDNN_SET_BY_KERAS_GANS = True
else:
    ONEDNN_SET_BY_KERAS_GANS = False

QUIET_TENSORFLOW = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3") != "0" and not TENSORFLOW_WAS_IMPORTED


def _load_tensorflow_muted():
    """Imports tensorflow and lists its devices with fd 2 (its C++ code's stderr) at /dev/null."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr to mute
        saved = None
    try:
        if saved is not None:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 2)
        import tensorflow

        tensorflow.config.list_physical_devices()  # the CUDA probe ("failed call to cuInit") happens here
    finally:  # an ImportError's traceback is printed after this, to the real stderr
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)


if QUIET_TENSORFLOW:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    _load_tensorflow_muted()


def _one_op_at_a_time_on_cpu():
    """Whether keras_gans set TensorFlow to run one operation of a graph at a time (see above)."""
    import tensorflow as tf

    if TENSORFLOW_WAS_IMPORTED or "TF_NUM_INTEROP_THREADS" in os.environ:
        return False
    if tf.config.list_physical_devices("GPU"):  # a GPU runs one kernel at a time anyway
        return False
    tf.config.threading.set_inter_op_parallelism_threads(1)
    return True


INTER_OP_SET_BY_KERAS_GANS = _one_op_at_a_time_on_cpu()
