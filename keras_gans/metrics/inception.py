"""FID and KID on InceptionV3 features, as in the keras.io example "GAN with adaptive discriminator
augmentation" (gan_ada).

Both compare generated and real images in the 2,048-D average-pooled
features of an ImageNet-trained InceptionV3: FID by the Fréchet distance
between Gaussians fitted to the two sets, KID by the unbiased squared MMD
with the polynomial kernel (x . y / d + 1)^3 (Bińkowski et al. 2018), which
has no bias from the number of images. As the keras.io example, images are
resized to 75x75 by default (299x299 is the standard, 16x the compute):
numbers at 75x75 are comparable with each other, not with published FIDs.

The weights (an 84 MB download) are fetched by Keras on first use. Offline
that fails; `inception_encoder` then raises `WeightsUnavailable`, whose
message says where to put the file; a caller may fall back to SWD.
"""

import os

import keras
import numpy as np

from keras_gans.metrics.frechet import frechet_distance

INCEPTION_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
INCEPTION_WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/" + INCEPTION_WEIGHTS_FILE
)
INCEPTION_WEIGHTS_HASH = "bcbd6486424b2319ff4ef7d526e38f63"  # keras.applications.inception_v3's


class WeightsUnavailable(RuntimeError):
    """The InceptionV3 ImageNet weights could not be loaded (no network and no local copy)."""


def keras_models_dir():
    """Where Keras looks for downloaded weights: $KERAS_HOME/models, default ~/.keras/models."""
    return os.path.join(
        os.path.expanduser(os.environ.get("KERAS_HOME", os.path.join("~", ".keras"))), "models"
    )


def inception_encoder(image_size=75, weights="imagenet"):
    """InceptionV3 without its classifier: (image_size, image_size, 3) -> 2,048 pooled features.

    `weights=None` builds it randomly initialised: no download, for testing
    the plumbing only (its scores mean nothing). Raises `WeightsUnavailable`
    when the ImageNet weights can be neither downloaded nor found.
    """
    try:
        if weights == "imagenet":  # fetched (or found) before the network is built: offline, the
            # build would be 3 seconds spent for nothing. The same file and hash as Keras' own call.
            keras.utils.get_file(
                INCEPTION_WEIGHTS_FILE,
                INCEPTION_WEIGHTS_URL,
                cache_subdir="models",
                file_hash=INCEPTION_WEIGHTS_HASH,
            )
        return keras.applications.InceptionV3(
            include_top=False, weights=weights, pooling="avg", input_shape=(image_size, image_size, 3)
        )
    except Exception as error:  # Keras raises a bare Exception when the download fails
        if weights != "imagenet":
            raise
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if reason.startswith("URL fetch failure"):  # Keras: "URL fetch failure on <url>: <code> -- <why>"
            reason = "download failed: " + reason.rsplit(" -- ", 1)[-1]
        raise WeightsUnavailable(
            f"Could not load the InceptionV3 ImageNet weights that FID and KID need ({reason}). "
            f"On a machine offline, download {INCEPTION_WEIGHTS_URL} elsewhere and put it in "
            f"{keras_models_dir()}/ under that name; or score with SWD "
            "(keras_gans.metrics.sliced_wasserstein_distance), which needs no weights."
        ) from None


def inception_features(encoder, images, value_range=(-1.0, 1.0), batch_size=100):
    """Pooled features (N, 2048) of (N, H, W, C) images in `value_range`, resized to the encoder's input.

    Grey images are repeated to three channels; pixels are mapped to
    [0, 255], resized (bilinear) and scaled by InceptionV3's own
    `preprocess_input`, as the keras.io example does.
    """
    size = encoder.input_shape[1:3]
    low, high = value_range
    batches = []
    for start in range(0, len(images), batch_size):
        batch = np.asarray(images[start : start + batch_size], dtype="float32")
        if batch.ndim == 3:
            batch = batch[..., np.newaxis]
        if batch.shape[-1] == 1:
            batch = np.repeat(batch, 3, axis=-1)
        batch = (batch - low) * (255.0 / (high - low))
        batch = keras.ops.image.resize(batch, size, interpolation="bilinear")
        batch = keras.applications.inception_v3.preprocess_input(batch)
        batches.append(keras.ops.convert_to_numpy(encoder(batch, training=False)))
    return np.concatenate(batches).astype("float64")


def kernel_inception_distance(features_a, features_b, subset_size=1000, num_subsets=10, seed=0):
    """KID: unbiased squared MMD with the kernel (x . y / d + 1)^3, averaged over random subsets.

    Sets no larger than `subset_size` are compared whole; larger ones by
    `num_subsets` random subsets of `subset_size` each (from `seed`), which
    keeps the kernel matrices small. ~0 for two sets of one distribution
    (it can come out slightly negative), larger the further apart they are.
    """
    rng = np.random.default_rng(seed)
    if len(features_a) <= subset_size and len(features_b) <= subset_size:
        return _mmd2(features_a, features_b)
    values = []
    for _ in range(num_subsets):
        a = features_a[rng.choice(len(features_a), min(subset_size, len(features_a)), replace=False)]
        b = features_b[rng.choice(len(features_b), min(subset_size, len(features_b)), replace=False)]
        values.append(_mmd2(a, b))
    return float(np.mean(values))


def _mmd2(x, y):
    """Unbiased squared MMD between feature sets `x` and `y` with the cubic polynomial kernel."""
    dimensions = x.shape[1]

    def kernel(a, b):
        return (a @ b.T / dimensions + 1.0) ** 3

    m, n = len(x), len(y)
    k_xx, k_yy = kernel(x, x), kernel(y, y)
    mean_xx = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    mean_yy = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return float(mean_xx + mean_yy - 2 * kernel(x, y).mean())


def inception_scores(encoder, generated, real_features, value_range=(-1.0, 1.0)):
    """`{"fid": ..., "kid": ...}` of `generated` images against precomputed real features."""
    fake_features = inception_features(encoder, generated, value_range)
    return {
        "fid": frechet_distance(fake_features, real_features),
        "kid": kernel_inception_distance(fake_features, real_features),
    }
