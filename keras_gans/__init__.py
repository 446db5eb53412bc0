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

It also has oneDNN take its memory from the system's allocator
(TF_ONEDNN_USE_SYSTEM_ALLOCATOR=1, unless you set it): oneDNN's own pool keeps
what a training step used for the rest of the process, where the evaluation's
arrays cannot reuse it; given back between steps, it serves them, at the same
speed where measured (docs/speed.md, "Memory").

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

TENSORFLOW_FIRST = "tensorflow" in sys.modules  # imported before keras_gans: its own settings stay
ONEDNN_SET_BY_KERAS_GANS = "TF_ENABLE_ONEDNN_OPTS" not in os.environ and not TENSORFLOW_FIRST
if not TENSORFLOW_FIRST:
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    os.environ.setdefault("TF_ONEDNN_USE_SYSTEM_ALLOCATOR", "1")

QUIET_TENSORFLOW = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3") != "0" and not TENSORFLOW_FIRST


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
