"""Sliced Wasserstein distance between Laplacian-pyramid patches (Karras et al. 2018).

How "Progressive Growing of GANs" (arXiv:1710.10196, section 5) scores
CelebA without any pretrained network: build a Laplacian pyramid of every
image (the finest level holds the finest detail, the 16x16 level the
coarse layout), cut 128 random 7x7 patches out of every level of every
image, normalise each level's patches (each colour channel to mean 0 and
standard deviation 1 over the set), and compare the real and the generated
patch sets level by level with the sliced Wasserstein distance: project
both sets on 4 x 128 random unit directions and average the 1-D
Wasserstein distances (the mean gap between the sorted projections).

A generator whose images are blurry is far off at the finest level; one
whose faces are sharp but badly composed is far off at the coarse level.
As in the paper the distances are reported x 1e3. No download, no
classifier: it works on any RGB (or grey) images, so it is the fallback
where the Inception weights of FID/KID are not at hand.

Written from the paper's reference code (tkarras/progressive_growing_of_gans,
`metrics/sliced_wasserstein.py`) and TF-GAN's port; the descriptors and
directions are drawn from one seed, so a score is reproducible. The sets
may differ in size (e.g. 2,000 real vs 1,000 generated images): their
quantile functions are compared on the larger set's quantiles (exact when
one size divides the other).
"""

import numpy as np

# The 5-tap binomial filter of cv2.pyrDown / cv2.pyrUp, applied separably.
_BINOMIAL = np.float32([1, 4, 6, 4, 1]) / 16
# Random directions projected on at once by `sliced_wasserstein` (memory: see there).
_DIRECTIONS_PER_CHUNK = 32


def _blur(images, gain=1.0):
    """5x5 binomial blur of (N, H, W, C) images, mirrored at the borders, times `gain`."""
    taps = _BINOMIAL * np.float32(np.sqrt(gain))
    for axis in (1, 2):
        size = images.shape[axis]
        pad = [(0, 0)] * 4
        pad[axis] = (2, 2)
        padded = np.pad(images, pad, mode="reflect")
        window = [slice(None)] * 4
        blurred = 0
        for i, tap in enumerate(taps):
            window[axis] = slice(i, i + size)
            blurred = blurred + tap * padded[tuple(window)]
        images = blurred
    return images


def pyr_down(images):
    """Blur, then keep every other row and column (cv2.pyrDown)."""
    return _blur(images)[:, ::2, ::2]


def pyr_up(images, shape):
    """Insert zeros between the pixels, blur x4 (cv2.pyrUp), crop to `shape` (H, W)."""
    n, h, w, c = images.shape
    spread = np.zeros((n, 2 * h, 2 * w, c), dtype=images.dtype)
    spread[:, ::2, ::2] = images
    return _blur(spread, gain=4.0)[:, : shape[0], : shape[1]]


def laplacian_pyramid(images, num_levels):
    """[finest band-pass level, ..., coarsest low-pass level] of (N, H, W, C) images."""
    pyramid = [np.asarray(images, dtype="float32")]
    for _ in range(1, num_levels):
        pyramid.append(pyr_down(pyramid[-1]))
        pyramid[-2] = pyramid[-2] - pyr_up(pyramid[-1], pyramid[-2].shape[1:3])
    return pyramid


def resolutions(image_size, resolution_min=16):
    """The pyramid's resolutions: image_size, image_size / 2, ... down to `resolution_min`."""
    sizes = [image_size]
    while sizes[-1] // 2 >= resolution_min:
        sizes.append(sizes[-1] // 2)
    return sizes


def patch_descriptors(
    images, patch_size=7, patches_per_image=128, resolution_min=16, seed=0, batch_size=250, levels=None
):
    """The normalised patch descriptors of each pyramid level, finest first.

    Returns a list of float32 arrays (N * patches_per_image, patch_size^2 * C).
    Each level's descriptors are normalised per colour channel over the set
    (as the paper does), so the distance compares structure, not the
    level's overall brightness or contrast. Patch positions come from `seed`.
    `levels`: the indices of the levels to return (default: all); the other
    levels' positions are drawn all the same, so a level's patches do not
    depend on which levels are asked for.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    num_levels = len(resolutions(images.shape[1], resolution_min))
    levels = range(num_levels) if levels is None else levels
    rng = np.random.default_rng(seed)
    # Filled in place, a batch at a time: the pyramid's temporary arrays stay small, and no list of
    # pieces is concatenated into a second copy.
    shape = (len(images) * patches_per_image, patch_size, patch_size, images.shape[-1])
    per_level = {level: np.empty(shape, dtype="float32") for level in levels}
    for start in range(0, len(images), batch_size):
        pyramid = laplacian_pyramid(images[start : start + batch_size], num_levels)
        rows = slice(start * patches_per_image, (start + len(pyramid[0])) * patches_per_image)
        for level, band in enumerate(pyramid):
            where = _patch_positions(band.shape, patch_size, patches_per_image, rng)
            if level in per_level:
                per_level[level][rows] = band[where]
    return [_normalise(per_level[level]) for level in levels]


def _normalise(patches, chunk=65536):
    """(count, P, P, C) patches to mean 0 and standard deviation 1 per channel, as (count, P*P*C) rows.

    Mean and variance in two stages (per patch, then over the patches): a float32 sum over
    millions of values at once loses ~1%. The squares are taken a chunk of patches at a time, so
    no second array of the patches' size is made (2,000 faces: 150 MB at the finest level).
    """
    pixels = patches.reshape(len(patches), -1, patches.shape[-1])  # (count, patch_size^2, C)
    patches -= pixels.mean(axis=1).mean(axis=0, dtype="float64").astype("float32")
    per_patch = np.empty((len(pixels), pixels.shape[-1]), dtype="float32")
    for start in range(0, len(pixels), chunk):
        per_patch[start : start + chunk] = np.square(pixels[start : start + chunk]).mean(axis=1)
    patches /= np.sqrt(per_patch.mean(axis=0, dtype="float64")).astype("float32") + 1e-8
    return patches.reshape(len(patches), -1)


def _patch_positions(shape, patch_size, patches_per_image, rng):
    """Indices of `patches_per_image` random (patch_size, patch_size) crops of each of (N, H, W, C) images."""
    n, height, width, _ = shape
    half = patch_size // 2
    count = n * patches_per_image
    image = np.repeat(np.arange(n), patches_per_image)[:, None, None]
    offsets = np.arange(-half, half + 1)
    y = rng.integers(half, height - half, size=count)[:, None, None] + offsets[None, :, None]
    x = rng.integers(half, width - half, size=count)[:, None, None] + offsets[None, None, :]
    return image, y, x  # indexing (N, H, W, C) with them gives (count, patch_size, patch_size, C)


def sliced_wasserstein(a, b, dir_repeats=4, dirs_per_repeat=128, seed=0):
    """Sliced Wasserstein distance between two sets of descriptors (rows), random directions from `seed`.

    Each of `dir_repeats` rounds draws `dirs_per_repeat` random unit vectors,
    projects both sets on them, sorts the projections and averages the gaps
    between matching quantiles. Sets of different sizes are matched on the
    quantiles of the larger one.
    """
    rng = np.random.default_rng(seed)
    if len(a) < len(b):
        a, b = b, a
    ratio, remainder = divmod(len(a), len(b))
    # Which sorted value of the smaller set matches each sorted value of the larger one.
    match = ((np.arange(len(a)) + 0.5) * len(b) / len(a)).astype(int)
    results = []
    for _ in range(dir_repeats):
        directions = rng.standard_normal((dirs_per_repeat, a.shape[1])).astype("float32")
        directions /= np.sqrt(np.sum(np.square(directions), axis=1, keepdims=True))
        # A few directions at a time: 256,000 real patches projected on all 128 at once took 130 MB
        # per array, three arrays at a time. Each chunk's sum is exact in float64; the mean is the same.
        total = 0.0
        for chunk in np.array_split(directions, -(-dirs_per_repeat // _DIRECTIONS_PER_CHUNK)):
            # (direction, descriptor): each row sorted on its own, fast as rows are contiguous.
            projected_a, projected_b = chunk @ a.T, chunk @ b.T
            projected_a.sort(axis=1)
            projected_b.sort(axis=1)
            if remainder == 0:  # equal sizes, or each value of b matches `ratio` values of a
                gaps = projected_a.reshape(len(chunk), len(b), ratio) - projected_b[:, :, np.newaxis]
            else:
                gaps = projected_a - projected_b[:, match]
            total += np.sum(np.abs(gaps, out=gaps), dtype="float64")
        results.append(total / (dirs_per_repeat * len(a)))
    return float(np.mean(results))


def sliced_wasserstein_distance(
    images_a,
    images_b,
    patch_size=7,
    patches_per_image=128,
    resolution_min=16,
    dir_repeats=4,
    dirs_per_repeat=128,
    seed=0,
):
    """SWD between two sets of square images, per pyramid level and averaged, x 1e3.

    `images_*` are (N, S, S, C) arrays (any value range: each level is
    normalised; both sets must have the same S). Returns `{"swd_64": ...,
    "swd_32": ..., "swd_16": ..., "swd": mean of the levels}` for S = 64,
    every value multiplied by 1e3 as the paper reports them. Lower is
    better.
    """
    seed_a, seed_b, seed_directions = descriptor_seeds(seed)
    size = np.shape(images_b)[1]
    options = dict(patch_size=patch_size, patches_per_image=patches_per_image, resolution_min=resolution_min)
    scores = {}
    # One level at a time (its patches are the same as when all are cut at once): only one level's
    # descriptors are held, a third of all (2,000 real faces: 150 MB, not 450 MB).
    for level, resolution in enumerate(resolutions(size, resolution_min)):
        (a,) = patch_descriptors(images_a, seed=seed_a, levels=[level], **options)
        (b,) = patch_descriptors(images_b, seed=seed_b, levels=[level], **options)
        distance = sliced_wasserstein(a, b, dir_repeats, dirs_per_repeat, seed=seed_directions)
        scores[f"swd_{resolution}"] = 1e3 * distance
        del a, b  # before the next level's are cut
    scores["swd"] = float(np.mean(list(scores.values())))
    return scores


def descriptor_seeds(seed):
    """Three independent seeds from one: patches of set a, patches of set b, directions."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(3)]
