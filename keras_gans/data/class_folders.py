"""A folder of class sub-folders -> batches of `(images in [-1, 1], int labels)`.

The on-disk form of Keras' `image_dataset_from_directory(labels="inferred")`:

    data_dir/
        paper/     *.png ...
        rock/      ...
        scissors/  ...

Labels are the sorted sub-folder names' indices, as Keras infers them. The
pipeline is keras_gans.data.images' (every file checked before training, so
a corrupt file cannot end a run halfway, as it does in Keras' loader), with
labels added, and two more checks:
- a folder with fewer than two classes, or a class folder with no readable
  image, is refused with a message saying what to fix (a conditional GAN
  needs every class it is asked to draw);
- images with an alpha channel are composited over white, rather than
  keeping whatever colour the transparent pixels happen to store.
"""

import os
import warnings

import tensorflow as tf
from PIL import Image

from keras_gans.data.images import DataError, batched_file_dataset, decode_and_resize, scan_image_folder


class ClassFolderReport:
    """What a scan of a folder of class folders found."""

    def __init__(self, data_dir, class_names, files, labels, alpha, reports, loose_files):
        self.data_dir = data_dir
        self.class_names = class_names  # sorted sub-folder names: label i is class_names[i]
        self.files = files  # readable image files, class by class
        self.labels = labels  # the label of each file
        self.alpha = alpha  # whether each file has transparency
        self.reports = reports  # class name -> ImageFolderReport of its folder
        self.loose_files = loose_files  # files beside the class folders, ignored

    def counts(self):
        """Number of images per class, in label order."""
        return {name: len(self.reports[name].files) for name in self.class_names}

    def warnings(self, image_size):
        lines = []
        if self.loose_files:
            example = self.loose_files[0]
            lines.append(f"ignored {len(self.loose_files)} file(s) outside the class folders, e.g. {example}")
        for name in self.class_names:
            lines += [f"{name}/: {line}" for line in self.reports[name].warnings(image_size)]
        if any(self.alpha):
            lines.append(f"composited {sum(self.alpha)} image(s) with transparency over white")
        return lines


def scan_class_folders(data_dir):
    """Finds the classes (sub-folders) under `data_dir` and their readable images.

    Raises `DataError` for a missing folder, fewer than two class folders,
    or a class folder with no readable image.
    """
    data_dir = os.fspath(data_dir)
    if not os.path.isdir(data_dir):
        raise DataError(f"Data folder not found: {data_dir}")
    entries = sorted(e for e in os.listdir(data_dir) if not e.startswith("."))
    class_names = [e for e in entries if os.path.isdir(os.path.join(data_dir, e))]
    loose_files = [os.path.join(data_dir, e) for e in entries if e not in class_names]
    layout = "Expected one sub-folder of images per class, e.g. rps/paper/, rps/rock/, rps/scissors/"
    if len(class_names) < 2:
        found = f"only one class folder ({class_names[0]}/)" if class_names else "no class folders"
        raise DataError(
            f"{data_dir} holds {found}; a conditional GAN needs at least two classes. {layout}: "
            "pass --data-dir the folder that holds the class folders (rps/, not rps/rock/)."
        )
    reports, files, labels, alpha = {}, [], [], []
    for label, name in enumerate(class_names):
        try:
            report = scan_image_folder(os.path.join(data_dir, name))
        except DataError as error:
            raise DataError(
                f"Class folder {name}/ of {data_dir} is unusable: {error} "
                "Every class needs images; remove the folder or add its images."
            ) from None
        reports[name] = report
        files += report.files
        labels += [label] * len(report.files)
        alpha += [_has_alpha(path) for path in report.files]
    return ClassFolderReport(data_dir, class_names, files, labels, alpha, reports, loose_files)


def _has_alpha(path):
    with Image.open(path) as image:  # the header (and PNG's tRNS chunk) only
        return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def decode_over_white(path, image_size):
    """Reads an image with transparency as RGB over a white background, in [-1, 1]."""
    rgba = tf.io.decode_image(tf.io.read_file(path), channels=4, expand_animations=False)
    rgba = tf.cast(rgba, "float32")
    alpha = rgba[..., 3:] / 255.0
    rgb = rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)
    rgb = tf.image.resize(rgb, (image_size, image_size))  # bilinear, as decode_and_resize
    return rgb / 127.5 - 1.0


def class_folder_dataset(
    data_dir,
    image_size=128,
    batch_size=128,
    shuffle=True,
    seed=None,
    max_images=None,
    verbose=True,
):
    """A batched, prefetched dataset of `(images, labels)` from class folders.

    Images are (batch, image_size, image_size, 3) float32 in [-1, 1]; labels
    (batch,) int32 indices into `report.class_names`. Returns
    `(dataset, report)`. `max_images` keeps an evenly spread subset, all
    classes included, for short runs.
    """
    report = scan_class_folders(data_dir)
    if verbose:
        for line in report.warnings(image_size):
            warnings.warn(f"{data_dir}: {line}", stacklevel=2)
    rows = list(zip(report.files, report.labels, report.alpha, strict=True))
    if max_images and max_images < len(rows):
        step = len(rows) / max_images
        rows = [rows[int(i * step)] for i in range(max_images)]
    files, labels, alpha = (list(column) for column in zip(*rows, strict=True))
    elements = tf.data.Dataset.from_tensor_slices((files, tf.constant(labels, "int32"), alpha))

    def load(path, label, has_alpha):
        image = tf.cond(
            has_alpha,
            lambda: decode_over_white(path, image_size),
            lambda: decode_and_resize(path, image_size),
        )
        return image, label

    dataset = batched_file_dataset(elements, load, len(files), batch_size, shuffle, seed)
    return dataset, report


# --- The tutorial's data: Laurence Moroney's rock-paper-scissors hands ----

RPS_URL = "https://storage.googleapis.com/download.tensorflow.org/data/rps.zip"
DEFAULT_DATA_DIR = "data"


def download_rps(cache_dir=DEFAULT_DATA_DIR):
    """The rps/ folder of class folders (paper, rock, scissors; 2,520 images).

    Downloads and unzips rps.zip with `keras.utils.get_file` into
    `cache_dir` the first time; later calls reuse the unzipped folder.
    """
    import keras

    rps_dir = os.path.join(cache_dir, "rps_extracted", "rps")  # where get_file unzips it
    if os.path.isdir(rps_dir):
        return rps_dir
    try:
        keras.utils.get_file(
            "rps.zip", RPS_URL, extract=True, cache_dir=os.path.abspath(cache_dir), cache_subdir=""
        )
    except Exception as error:  # Keras raises a bare Exception when offline
        raise DataError(
            f"Could not download the rock-paper-scissors images ({error}). Download {RPS_URL}, "
            "unzip it, and pass --data-dir the rps/ folder it holds (with paper/ rock/ scissors/ "
            "inside); any folder of class sub-folders works the same way."
        ) from None
    if not os.path.isdir(rps_dir):
        raise DataError(f"{RPS_URL} did not unzip into {rps_dir}; pass --data-dir the rps/ folder.")
    return rps_dir
