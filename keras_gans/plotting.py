"""Turning generated batches into pictures: image grids and loss curves."""

import csv
import os

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402


def to_uint8(images, value_range=(-1.0, 1.0)):
    """Maps images from `value_range` to uint8 pixels."""
    low, high = value_range
    images = (np.asarray(images, dtype="float32") - low) / (high - low)
    return np.clip(np.rint(images * 255.0), 0, 255).astype("uint8")


def image_grid(images, cols=None):
    """Tiles a batch (N, H, W, C) of uint8 images into one (rows*H, cols*W, C) array."""
    images = np.asarray(images)
    n, h, w, c = images.shape
    cols = cols or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    grid = np.zeros((rows * h, cols * w, c), dtype=images.dtype)
    for i, image in enumerate(images):
        r, k = divmod(i, cols)
        grid[r * h : (r + 1) * h, k * w : (k + 1) * w] = image
    return grid


def save_image(image, path):
    """Saves one uint8 (H, W, C) image; C is 1 or 3."""
    image = np.asarray(image)
    if image.shape[-1] == 1:
        image = image[..., 0]
    Image.fromarray(image).save(path)


def save_image_grid(images, path, cols=None, value_range=(-1.0, 1.0)):
    """Saves a batch of generated images as one grid image."""
    save_image(image_grid(to_uint8(images, value_range), cols), path)


def read_loss_csv(path):
    """The columns of a Keras CSVLogger file, as float lists.

    Columns holding "NA" (CSVLogger's empty `val_*` columns) are left out.
    """
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    keys = [k for k in (rows[0] if rows else {}) if all(row[k] != "NA" for row in rows)]
    return {key: [float(row[key]) for row in rows] for key in keys}


def plot_losses(history, path, title="Training losses"):
    """Plots every loss column of `history` (a dict of lists) against epochs."""
    epochs = [int(e) + 1 for e in history.get("epoch", [])]
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, values in history.items():
        if name != "epoch":
            ax.plot(epochs or range(1, len(values) + 1), values, marker=".", label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def make_gif(png_paths, gif_path, duration=0.2):
    """Animates `png_paths`, in order, into a looping GIF (as the TensorFlow DCGAN tutorial)."""
    import imageio.v2 as imageio

    png_paths = list(png_paths)
    if not png_paths:
        raise ValueError("make_gif needs at least one image")
    frames = [imageio.imread(path) for path in png_paths]
    # duration is seconds per frame; loop=0 repeats forever.
    imageio.mimsave(gif_path, frames, duration=duration, loop=0)
    return gif_path
