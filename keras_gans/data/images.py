"""Folders of images -> `tf.data` pipelines of batches scaled to [-1, 1].

Every file is checked before training starts, because a corrupt or
non-image file found by `tf.data` halfway through an epoch would end the run.
The checks read image headers only (Pillow), so they are quick.
"""

import collections
import os
import re
import warnings

import tensorflow as tf
from PIL import Image

# The formats TensorFlow's `decode_image` reads (as Keras' own loaders).
IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


class DataError(ValueError):
    """Bad training data, with a message that says what to do about it."""


class ImageFolderReport:
    """What a scan of an image folder found."""

    def __init__(self, files, unreadable, other_files, modes, sizes, not_files=(), huge=()):
        self.files = files  # readable image files, sorted
        self.unreadable = unreadable  # image-named files Pillow cannot read
        self.other_files = other_files  # files without an image extension
        self.not_files = list(not_files)  # pipes, sockets, devices, broken links: never opened
        self.huge = list(huge)  # (path, (width, height)) of images past Pillow's size alarm
        self.modes = modes  # Counter of Pillow modes: "RGB", "L", "RGBA"...
        self.sizes = sizes  # Counter of (width, height)

    def warnings(self, image_size):
        """One line per kind of problem that training will work around."""
        lines = []
        if self.unreadable:
            lines.append(
                f"skipped {len(self.unreadable)} unreadable image file(s), e.g. {self.unreadable[0]}"
            )
        if self.other_files:
            lines.append(f"ignored {len(self.other_files)} non-image file(s), e.g. {self.other_files[0]}")
        if self.not_files:
            lines.append(
                f"skipped {len(self.not_files)} item(s) that are not regular files (a pipe, socket, "
                f"device or broken link), e.g. {self.not_files[0]}"
            )
        if self.huge:
            path, (width, height) = self.huge[0]
            lines.append(
                f"{len(self.huge)} image(s) have over {Image.MAX_IMAGE_PIXELS:,} pixels, e.g. {path} "
                f"({width}x{height}): each is decoded whole before it is resized, slowly and in "
                f"{4 * width * height // 2**20} MB"
            )
        converted = sum(n for mode, n in self.modes.items() if mode != "RGB")
        if converted:
            kinds = ", ".join(f"{m}: {n}" for m, n in sorted(self.modes.items()) if m != "RGB")
            lines.append(f"converted {converted} non-RGB image(s) to RGB ({kinds})")
        small = sum(n for (w, h), n in self.sizes.items() if min(w, h) < image_size)
        if small:
            lines.append(
                f"{small} image(s) are smaller than {image_size}x{image_size} and will be upscaled (blurry)"
            )
        if len(self.sizes) > 1:
            common = ", ".join(f"{w}x{h}: {n}" for (w, h), n in self.sizes.most_common(3))
            lines.append(
                f"images come in {len(self.sizes)} sizes ({common}...); "
                f"all are resized to {image_size}x{image_size}"
            )
        return lines


def scan_image_folder(data_dir):
    """Finds the readable images under `data_dir`, searched recursively.

    Raises `DataError` if the folder is missing or holds no readable image.
    """
    data_dir = os.fspath(data_dir)
    if not os.path.isdir(data_dir):
        raise DataError(f"Image folder not found: {data_dir}")
    image_files, other_files, not_files = [], [], []
    seen = {os.path.realpath(data_dir)}
    for root, dirs, names in os.walk(data_dir, followlinks=True):
        # Links are followed, but into each real folder once: a link to a
        # folder above it would otherwise be walked again and again.
        kept = []
        for name in sorted(dirs):
            real = os.path.realpath(os.path.join(root, name))
            if real not in seen:
                seen.add(real)
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            if not os.path.isfile(path):  # a named pipe would block its reader forever
                not_files.append(path)
                continue
            is_image = name.lower().endswith(IMAGE_EXTENSIONS)
            (image_files if is_image else other_files).append(path)

    files, unreadable, huge = [], [], []
    modes, sizes = collections.Counter(), collections.Counter()
    for path in image_files:
        try:
            with warnings.catch_warnings():
                # Pillow's own alarm for a very large image becomes the report's line.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(path) as image:  # reads the header only
                    modes[image.mode] += 1
                    sizes[image.size] += 1
                    if image.width * image.height > (Image.MAX_IMAGE_PIXELS or float("inf")):
                        huge.append((path, image.size))
            files.append(path)
        except (OSError, ValueError, Image.DecompressionBombError):
            unreadable.append(path)

    if not files:
        found = f"{len(unreadable)} unreadable image file(s)" if unreadable else "no image files"
        raise DataError(
            f"No readable images in {data_dir} ({found}; looked for "
            f"{', '.join(IMAGE_EXTENSIONS)} in it and its sub-folders)."
        )
    return ImageFolderReport(files, unreadable, other_files, modes, sizes, not_files, huge)


def decode_and_resize(path, image_size, method="bilinear"):
    """Reads one image file as RGB, resized to `image_size` by `method` (tf.image.resize's), in [-1, 1]."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    image = tf.image.resize(image, (image_size, image_size), method=method)  # bilinear: as Keras' loader
    image = tf.cast(image, "float32")  # nearest keeps the file's uint8
    # [-1, 1] to match the generator's tanh (the face example scales to [0, 1]).
    return image / 127.5 - 1.0


def decode_and_resize_each(path, sizes, method="bilinear"):
    """`decode_and_resize` to each of `sizes`, the file decoded once: a dict keyed by the size as
    a string (StyleGAN's resolutions, each resized from the file as keras.io's loader does)."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    return {
        str(size): tf.cast(tf.image.resize(image, (size, size), method=method), "float32") / 127.5 - 1.0
        for size in sizes
    }


def image_folder_dataset(
    data_dir,
    image_size,
    batch_size,
    shuffle=True,
    seed=None,
    max_images=None,
    verbose=True,
    resize_method="bilinear",
):
    """A batched, prefetched dataset of the images under `data_dir`.

    Returns `(dataset, report)`. `image_size` may be a tuple of sizes (each
    element then a dict: `decode_and_resize_each`). `max_images` keeps the
    first images (in file order) for short runs; `resize_method` is
    tf.image.resize's. Files that
    pass the header check but still fail to decode are skipped with a logged
    warning rather than ending the run.
    """
    report = scan_image_folder(data_dir)
    each = isinstance(image_size, (tuple, list))
    if verbose:
        for line in report.warnings(max(image_size) if each else image_size):
            warnings.warn(f"{data_dir}: {line}", stacklevel=2)
    files = report.files[:max_images] if max_images else report.files
    return (
        batched_file_dataset(
            tf.data.Dataset.from_tensor_slices(files),
            lambda path: (decode_and_resize_each if each else decode_and_resize)(
                path, image_size, resize_method
            ),
            len(files),
            batch_size,
            shuffle,
            seed,
        ),
        report,
    )


class DecodeCheck:
    """Decodes each file once with TensorFlow, and names the ones it cannot decode.

    The header check (Pillow) cannot see a JPEG cut short or a file that
    Pillow reads and TensorFlow does not; TensorFlow would skip them with a
    nameless line, or none. The pipeline asks this check first (in a
    `tf.py_function`, the first time it meets each file; later epochs only
    look the answer up), so that every skipped file is named once.
    """

    def __init__(self):
        self.good, self.bad = set(), {}

    def __call__(self, path):
        path = path.numpy().decode()
        if path in self.good or path in self.bad:
            return path in self.good
        try:
            tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
        except (tf.errors.OpError, ValueError) as error:
            self.bad[path] = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            warnings.warn(f"skipped {path}: TensorFlow cannot decode it ({self.bad[path]})", stacklevel=2)
            return False
        self.good.add(path)
        return True


def batched_file_dataset(elements, load, count, batch_size, shuffle=True, seed=None):
    """The pipeline shared by the image loaders: shuffle, load in parallel, batch.

    `elements` holds `count` items naming files (paths, maybe with labels);
    `load` turns one into tensors. Files that fail to decode are skipped,
    each named once in a warning (`DecodeCheck`), instead of ending the run
    halfway through; if none decodes, `DataError` says so before training.
    """
    if shuffle:
        elements = elements.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    check = DecodeCheck()

    def decodable(*element):
        return tf.py_function(check, [element[0]], tf.bool)

    # File order is kept when it is asked for: unshuffled, or seeded.
    deterministic = seed is not None or not shuffle
    elements = elements.filter(decodable)
    dataset = elements.map(load, num_parallel_calls=tf.data.AUTOTUNE, deterministic=deterministic)
    dataset = dataset.ignore_errors(log_warning=True)  # a file changed since it was checked
    # Skipping files leaves the length unknown, which makes `fit` warn that
    # it "ran out of data" after the first epoch: state it instead. An epoch
    # is ceil(count / batch) batches read from a stream over the files.
    batches = -(-count // batch_size)
    dataset = dataset.repeat().batch(batch_size).take(batches)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(batches))
    if count <= MAX_CHECKED_UPFRONT:
        _check_all(elements, check, count)
    return dataset.prefetch(tf.data.AUTOTUNE)


# A folder this small is decode-checked whole before training (seconds), so
# that one whose images all fail stops with one line, not in `fit`.
MAX_CHECKED_UPFRONT = 5000


def _check_all(elements, check, count):
    for _ in elements:  # runs `check` on every file
        pass
    if len(check.bad) == count:
        example = next(iter(check.bad.items()))
        raise DataError(
            f"None of the {count} image file(s) can be decoded by TensorFlow, e.g. {example[0]} "
            f"({example[1]})."
        )
