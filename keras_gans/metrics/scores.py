"""Score functions for `QualityMonitor`, and the real-data floor every score needs beside it.

A score function maps a generator to `{name: number}`. The factories here
fix everything but the generator once: the latent vectors and labels
(drawn from `seed`), the real reference set and its features or patch
descriptors, so that scores of successive epochs are comparable and the
real side is computed only once.

A score means little alone: "FD 3.1" is good only if real images score
~0.1 and noise ~300. `real_floor` runs the same score function on held-out
real images (a stand-in generator, `RealImages`, that answers with them),
`noise_score` on uniform noise (`NoiseImages`): the best and a worst value
the score can have on this data.
"""

import numpy as np

from keras_gans.data.images import DataError
from keras_gans.metrics.classifier import FEATURES_LAYER, load_classifier, load_dataset, to_unit_range
from keras_gans.metrics.frechet import frechet_distance
from keras_gans.metrics.generating import generate, is_conditional, latent_vectors, output_range
from keras_gans.metrics.inception import (
    WeightsUnavailable,
    inception_encoder,
    inception_features,
    inception_scores,
)
from keras_gans.metrics.swd import sliced_wasserstein_distance

# --- Score functions -------------------------------------------------------------


def mnist_score_fn(
    classifier=None,
    real_images=None,
    n=10000,
    value_range=None,
    real_value_range=(0, 255),
    seed=0,
    dataset="mnist",
    data_path=None,
    batch_size=500,
):
    """`score_fn(generator) -> {"fd": ..., "accuracy": ...}` for a 28x28 generator.

    "fd": Fréchet distance between `n` generated images and `real_images`
    (default: the dataset's test set, uint8) in the classifier's feature
    space. "accuracy" (conditional generators only): share of those images
    classified as the label they were generated for (labels 0..9 evenly).
    `classifier` None loads (or trains and caches) `dataset`'s classifier.
    `value_range` None reads the generator's range off its last activation.
    """
    import keras

    if classifier is None:
        classifier = load_classifier(dataset, data_path=data_path)
    if real_images is None:
        _, (real_images, _) = load_dataset(dataset, data_path)
    # One pass gives both the features and the class probabilities.
    extractor = keras.Model(
        classifier.inputs, [classifier.get_layer(FEATURES_LAYER).output, classifier.output]
    )
    num_classes = classifier.output_shape[-1]
    real_features, _ = extractor.predict(to_unit_range(real_images, real_value_range), batch_size, verbose=0)
    labels = np.arange(n) % num_classes
    fixed_z = {}

    def score_fn(generator):
        z = _fixed_latents(fixed_z, generator, n, seed)
        conditional = is_conditional(generator)
        images = generate(generator, labels if conditional else None, n=n, z=z, num_classes=num_classes)
        images = to_unit_range(images, value_range or output_range(generator))
        fake_features, probabilities = extractor.predict(images, batch_size, verbose=0)
        scores = {"fd": frechet_distance(fake_features, real_features)}
        if conditional:
            scores["accuracy"] = float(np.mean(np.argmax(probabilities, axis=-1) == labels))
        return scores

    return score_fn


def fashion_score_fn(**kwargs):
    """`mnist_score_fn` with the Fashion-MNIST classifier and test set."""
    return mnist_score_fn(dataset="fashion_mnist", **kwargs)


def image_score_fn(
    real_images,
    n=1000,
    value_range=None,
    real_value_range=(-1.0, 1.0),
    seed=0,
    inception=True,
    inception_size=75,
    **swd_options,
):
    """`score_fn(generator) -> {"swd": ..., "swd_64": ..., "colour_shift": ..., "fid": ..., "kid": ...}`
    for an image generator.

    Scores `n` images from fixed latent vectors (and labels 0, 1, ... for a
    conditional generator) against `real_images` (N, S, S, C) in
    `real_value_range`. SWD always (x 1e3, per level and mean; options such
    as `patches_per_image` go to `sliced_wasserstein_distance`). FID and KID
    at `inception_size` when `inception` is True and the ImageNet weights
    load; if they do not, one line says so and the scores are SWD only.
    `inception` may also be an encoder model (e.g. `inception_encoder(weights=None)`
    for tests) or False. "colour_shift" always: see `mean_colour`.
    """
    real_colour = mean_colour(real_images, real_value_range)
    encoder = None
    if inception is True:
        try:
            encoder = inception_encoder(inception_size)
        except WeightsUnavailable as error:
            print(f"{error} Scoring with SWD only.")
    elif inception is not None and inception is not False:
        encoder = inception  # an encoder model
    if encoder is not None:
        real_features = inception_features(encoder, real_images, real_value_range)
    fixed_z = {}

    def score_fn(generator):
        z = _fixed_latents(fixed_z, generator, n, seed)
        labels, num_classes = None, None
        if is_conditional(generator):
            num_classes = generator.inputs[1].shape[-1]
            labels = np.arange(n) % num_classes
        images = generate(generator, labels, n=n, z=z, num_classes=num_classes)
        # The real patches are cut again at each call (the same ones: same seed), not kept: 2,000
        # faces' descriptors are 450 MB that training would hold all along; cutting them takes ~6 s.
        scores = sliced_wasserstein_distance(real_images, images, seed=seed, **swd_options)
        fake_range = value_range or output_range(generator)
        scores["colour_shift"] = colour_distance(mean_colour(images, fake_range), real_colour)
        if encoder is not None:
            scores.update(inception_scores(encoder, images, real_features, fake_range))
        return scores

    return score_fn


def mean_colour(images, value_range):
    """The mean of each channel of `images` (N, H, W, C) in `value_range`, on [0, 1].

    A GAN whose samples all drift to one tint (every face orange one epoch, grey the next) moves
    this away from the real images' mean colour; the SWD does not see it, as it normalises each
    pyramid level's patches per set.
    """
    low, high = value_range
    return (np.mean(images, axis=(0, 1, 2), dtype="float64") - low) / (high - low)


def colour_distance(colour, real_colour):
    """How far one mean colour lies from another, in 8-bit levels (0-255): the colour_shift score."""
    return float(255.0 * np.linalg.norm(np.asarray(colour) - np.asarray(real_colour)))


def _fixed_latents(cache, generator, n, seed):
    """The same `n` latent vectors at every call (one set per latent size)."""
    latent_dim = generator.inputs[0].shape[-1]
    if latent_dim not in cache:
        cache[latent_dim] = latent_vectors(generator, n, latent_dim, seed)
    return cache[latent_dim]


# --- The floor and the ceiling ---------------------------------------------------


class RealImages:
    """A stand-in generator that answers with real images: what it scores is the floor.

    Called as a generator is (`[z, one-hot or class index]` when `labels`
    are given, else `z`), it returns the next real images (of the classes asked for),
    cycling through them. `value_range` is the range of `images` (uint8
    MNIST: (0, 255)). With shuffled `labels` it is a generator that draws
    good images of the wrong class.
    """

    def __init__(self, images, labels=None, value_range=(0, 255), num_classes=10, latent_dim=8):
        import keras

        self.images = np.asarray(images)
        self.value_range = value_range
        self.inputs = [keras.Input((latent_dim,))]
        self.by_class = None
        if labels is not None:
            self.inputs.append(keras.Input((num_classes,)))
            labels = np.asarray(labels)
            self.by_class = [self.images[labels == c] for c in range(num_classes)]
        self.taken = np.zeros(num_classes, dtype=int)
        self.position = 0

    def __call__(self, inputs, training=False):
        if self.by_class is None:
            count = len(inputs)
            index = (self.position + np.arange(count)) % len(self.images)
            self.position += count
            return self.images[index]
        _, labels = inputs
        labels = np.asarray(labels)
        images = []
        # One-hot vectors, or class indices (the generators that embed them).
        for label in labels if labels.ndim == 1 else np.argmax(labels, axis=1):
            pool = self.by_class[label]
            images.append(pool[self.taken[label] % len(pool)])
            self.taken[label] += 1
        return np.stack(images)


class NoiseImages:
    """A stand-in generator that answers with uniform noise in `value_range`: a bad generator."""

    def __init__(self, image_shape, value_range=(-1.0, 1.0), conditional=False, num_classes=10, seed=0):
        import keras

        self.image_shape = tuple(image_shape)
        self.value_range = value_range
        self.inputs = [keras.Input((8,))] + ([keras.Input((num_classes,))] if conditional else [])
        self.rng = np.random.default_rng(seed)

    def __call__(self, inputs, training=False):
        count = len(inputs[0]) if len(self.inputs) == 2 else len(inputs)
        low, high = self.value_range
        return self.rng.uniform(low, high, (count, *self.image_shape)).astype("float32")


def blurred(images, factor=4):
    """(N, S, S, C) images downsampled `factor` times (box average) and upsampled back (bilinear).

    The detail finer than `factor` pixels is gone, the layout stays: real faces blurred 4x are the
    reference the face tutorials must beat, one anyone can recompute.
    """
    import keras

    n, height, width, channels = images.shape
    small = (
        np.asarray(images, "float32")
        .reshape(n, height // factor, factor, width // factor, factor, channels)
        .mean(axis=(2, 4))
    )
    return keras.ops.convert_to_numpy(
        keras.ops.image.resize(small, (height, width), interpolation="bilinear")
    )


def real_floor(score_fn, heldout_images, heldout_labels=None, value_range=(0, 255), num_classes=10):
    """`score_fn` of real images it was not built on: the best score a generator can hope for.

    `heldout_images` must not be the score function's reference set (e.g.
    training images when it compares with the test set). With
    `heldout_labels`, they stand in for a conditional generator.
    """
    return score_fn(RealImages(heldout_images, heldout_labels, value_range, num_classes))


def noise_score(score_fn, image_shape, conditional=False, value_range=(-1.0, 1.0), seed=0):
    """`score_fn` of uniform noise images of `image_shape`: a score no generator should be near."""
    return score_fn(NoiseImages(image_shape, value_range, conditional, seed=seed))


class TooFewImages(DataError):
    """A folder with no image at the numbers asked for; `found`: how many it holds."""

    def __init__(self, message, found):
        super().__init__(message)
        self.found = found


def load_image_folder(folder, image_size=64, count=None, start=0):
    """Images `start` to `start + count` of a folder (file order), (N, S, S, 3) float32 in [-1, 1].

    Resized as the face DCGAN's training pipeline resizes them (bilinear,
    the whole image), so that real and generated images are comparable.
    `TooFewImages` if the folder holds none from number `start` on.
    """
    from keras_gans.data.images import decode_and_resize, scan_image_folder

    found = scan_image_folder(folder).files
    files = found[start:]
    files = files[:count] if count else files
    if not files:
        raise TooFewImages(f"{folder} holds {len(found)} images: none from number {start + 1} on", len(found))
    images = np.empty((len(files), image_size, image_size, 3), dtype="float32")  # filled: no second copy
    for i, path in enumerate(files):
        images[i] = decode_and_resize(path, image_size).numpy()
    return images
