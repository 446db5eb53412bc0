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
"""

import os
import sys

__version__ = "0.1.0"

if "TF_ENABLE_ONEDNN_OPTS" not in os.environ and "tensorflow" not in sys.modules:
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1"
    ONEDNN_SET_BY_KERAS_GANS = True
else:
    ONEDNN_SET_BY_KERAS_GANS = False
