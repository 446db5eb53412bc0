"""Unpaired images of two domains for CycleGAN: horse2zebra, any two folders, or a Fashion-MNIST stand-in.

keras.io reads horse2zebra from TensorFlow Datasets; here the zip comes from
the CycleGAN authors' own address, with `keras.utils.get_file`. Any two
folders of images work the same way. The stand-in, sneakers (domain X) and
ankle boots (domain Y) of Fashion-MNIST padded to 32x32, has a judge: the
project's Fashion-MNIST classifier.

The training images get keras.io's preprocessing: a random left-right flip,
a resize to 286/256 of the size, a random crop back to it, and [-1, 1]; the
test images are only resized and scaled.
"""

import os
import warnings

import numpy as np
import tensorflow as tf

from keras_gans.data.images import DataError, batched_file_dataset, scan_image_folder

HORSE2ZEBRA_URL = "https://efrosgans.eecs.berkeley.edu/cyclegan/datasets/horse2zebra.zip"
DEFAULT_DATA_DIR = "data"
DOMAIN_FOLDERS = ("trainA", "trainB", "testA", "testB")  # the CycleGAN datasets' layout
JITTER = 286 / 256  # keras.io: resize to 286x286, then a random 256x256 crop

# The stand-in: Fashion-MNIST's sneakers (class 7) are domain X, its ankle boots (class 9) domain Y.
STANDIN_CLASSES = (7, 9)
STANDIN_SIZE = 32  # 28x28 padded by 2 on each side: the generators halve the size twice
STANDIN_PAD = 2
FASHION_MNIST_ENV = "KERAS_GANS_FASHION_MNIST"
SHARED_DATA_ENV = "KERAS_GANS_SHARED_DATA"


# --- keras.io's preprocessing --------------------------------------------------------------


def jitter_size(image_size):
    """The size keras.io resizes to before its random crop: 286 for 256."""
    return int(round(image_size * JITTER))


def normalize_img(img):
    """Pixels in [0, 255] -> [-1, 1]."""
    return tf.cast(img, tf.float32) / 127.5 - 1.0


def preprocess_train_image(img, image_size, seed):
    """keras.io's training preprocessing: random flip, resize up, random crop, [-1, 1].

    `seed` is the image's own stateless seed (two integers, from `jitter_seeds`): keras.io's
    stateful draws in a parallel map depend on which thread maps which image first, so a seeded
    run jittered differently each time (fixed).
    """
    flip_seed, crop_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
    img = tf.image.stateless_random_flip_left_right(img, flip_seed)
    size = jitter_size(image_size)
    img = tf.image.resize(img, [size, size])
    img = tf.image.stateless_random_crop(img, size=[image_size, image_size, img.shape[-1]], seed=crop_seed)
    return normalize_img(img)


def jitter_seeds(seed):
    """An endless stream of stateless seeds, one per image, new each epoch, fixed by `seed`."""
    return tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)


def preprocess_test_image(img, image_size):
    """keras.io's test preprocessing: only a resize and [-1, 1]."""
    return normalize_img(tf.image.resize(img, [image_size, image_size]))


def decode(path, channels=3):
    return tf.io.decode_image(tf.io.read_file(path), channels=channels, expand_animations=False)


# --- Folders of images ----------------------------------------------------------------------


def domain_files(folder, image_size, max_images=None):
    """The readable images under `folder` (sorted, the first `max_images`), warning about odd ones."""
    report = scan_image_folder(folder)
    for line in report.warnings(image_size):
        warnings.warn(f"{folder}: {line}", stacklevel=3)
    return report.files[:max_images] if max_images else report.files


def folder_dataset(folder, image_size, batch_size, seed=None, max_images=None):
    """Batches of one domain's images with keras.io's random jitter; undecodable files are skipped, named.

    keras.io caches its images after the random flip and crop, so that
    every epoch sees the first epoch's jitter (bug fixed): here the jitter
    is drawn anew for each epoch, after decoding.
    """
    files = domain_files(folder, image_size, max_images)
    return batched_file_dataset(
        tf.data.Dataset.zip(tf.data.Dataset.from_tensor_slices(files), jitter_seeds(seed)),
        lambda path, jitter_seed: preprocess_train_image(decode(path), image_size, jitter_seed),
        len(files),
        batch_size,
        shuffle=True,
        seed=seed,
    )


def folder_test_images(folder, image_size, count):
    """The first `count` images of `folder`, resized and in [-1, 1]: float32 (n, size, size, 3)."""
    files = scan_image_folder(folder).files[:count]
    return np.stack([preprocess_test_image(decode(path), image_size).numpy() for path in files])


def paired_batches(dataset_x, dataset_y):
    """Batches `(x, y)` as keras.io zips them: an epoch ends with the shorter domain."""
    return tf.data.Dataset.zip((dataset_x, dataset_y)).prefetch(tf.data.AUTOTUNE)


def unpaired_folders(folder_x, folder_y, image_size, batch_size, seed=None, max_images=None):
    """`(x, y)` batches from two folders of images, each shuffled and jittered on its own."""
    other_seed = None if seed is None else seed + 1
    return paired_batches(
        folder_dataset(folder_x, image_size, batch_size, seed, max_images),
        folder_dataset(folder_y, image_size, batch_size, other_seed, max_images),
    )


# --- horse2zebra -------------------------------------------------------------------------------


def _is_dataset_folder(folder):
    return all(os.path.isdir(os.path.join(folder, name)) for name in DOMAIN_FOLDERS[:2])


def download_horse2zebra(data_dir=DEFAULT_DATA_DIR):
    """The horse2zebra folder (trainA/ horses, trainB/ zebras, testA/, testB/); downloaded once.

    Looks in `data_dir` for horse2zebra/ (unzipped by hand) or the folder
    `keras.utils.get_file` unzipped there before; else downloads the zip
    (111 MB) from the CycleGAN authors' site and unzips it.
    """
    candidates = [
        os.path.join(data_dir, "horse2zebra"),
        os.path.join(data_dir, "horse2zebra_extracted", "horse2zebra"),
    ]
    found = next((folder for folder in candidates if _is_dataset_folder(folder)), None)
    if found:
        return found
    import keras

    way_out = (
        f"Download {HORSE2ZEBRA_URL} and unzip it into {data_dir}/ (so that {candidates[0]}/trainA holds "
        "the horses), or pass --domain-a DIR --domain-b DIR, two folders of images."
    )
    try:
        keras.utils.get_file(
            "horse2zebra.zip",
            HORSE2ZEBRA_URL,
            extract=True,
            cache_dir=os.path.abspath(data_dir),
            cache_subdir="",
        )
    except Exception as error:  # Keras raises a bare Exception when offline
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        raise DataError(f"Could not download horse2zebra ({reason}). {way_out}") from None
    found = next((folder for folder in candidates if _is_dataset_folder(folder)), None)
    if found is None:
        raise DataError(f"{HORSE2ZEBRA_URL} did not unzip into {candidates[1]}. {way_out}")
    return found


# --- The Fashion-MNIST stand-in -------------------------------------------------------------------


def fashion_mnist_dir(path=None):
    """Where Fashion-MNIST's IDX files are: `path`, $KERAS_GANS_FASHION_MNIST, or the shared copy.

    The shared copy is $KERAS_GANS_SHARED_DATA/fashion-mnist. None where
    there is none of them: Keras' download (or its cached copy) then.
    """
    path = path or os.environ.get(FASHION_MNIST_ENV)
    if path:
        return os.fspath(path)
    root = os.environ.get(SHARED_DATA_ENV)
    shared = os.path.join(root, "fashion-mnist") if root else None
    return shared if shared and os.path.isdir(shared) else None


def standin_images(images):
    """Fashion-MNIST pictures (n, 28, 28) uint8 -> (n, 32, 32, 3) uint8: padded with their black
    background, grey made RGB, so that keras.io's 3-channel networks take them unchanged."""
    pad = STANDIN_PAD
    padded = np.pad(np.asarray(images, np.uint8), ((0, 0), (pad, pad), (pad, pad)))
    return np.repeat(padded[..., np.newaxis], 3, axis=-1)


def fashion_standin(path=None):
    """`((sneakers, ankle_boots), (test sneakers, test ankle_boots))`: Fashion-MNIST's classes 7 and 9
    (6,000 training and 1,000 test pictures each), as `standin_images` makes them."""
    from keras_gans.metrics.classifier import load_dataset

    splits = load_dataset("fashion_mnist", fashion_mnist_dir(path))
    return tuple(
        tuple(standin_images(images[labels == label]) for label in STANDIN_CLASSES)
        for images, labels in splits
    )


def array_dataset(images, image_size, batch_size, seed=None):
    """One domain's uint8 images (n, h, w, c) in batches, with keras.io's jitter, reshuffled each epoch."""
    dataset = tf.data.Dataset.from_tensor_slices(images)
    dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = tf.data.Dataset.zip(dataset, jitter_seeds(seed)).map(
        lambda img, jitter_seed: preprocess_train_image(img, image_size, jitter_seed),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    return dataset.batch(batch_size)


def unpaired_arrays(images_x, images_y, image_size, batch_size, seed=None):
    """`(x, y)` batches from two arrays of uint8 images, each shuffled and jittered on its own."""
    other_seed = None if seed is None else seed + 1
    return paired_batches(
        array_dataset(images_x, image_size, batch_size, seed),
        array_dataset(images_y, image_size, batch_size, other_seed),
    )


def as_test_images(images, image_size):
    """uint8 images (n, h, w, c) -> float32 in [-1, 1] at `image_size`, keras.io's test preprocessing."""
    return preprocess_test_image(images, image_size).numpy()
