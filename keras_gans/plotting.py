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


def side_by_side(images, height=None, gap=8, label=None):
    """PIL images scaled to one height (default: the first's) and pasted left to right `gap` pixels
    apart on white, under a 16-pixel line of text `label` when one is given."""
    height = height or images[0].height
    images = [im.convert("RGB").resize((max(1, im.width * height // im.height), height)) for im in images]
    top = 16 if label else 0
    line = Image.new("RGB", (sum(im.width for im in images) + gap * (len(images) - 1), height + top), "white")
    if label:
        from PIL import ImageDraw

        ImageDraw.Draw(line).text((2, 2), label, fill="black")
    x = 0
    for im in images:
        line.paste(im, (x, top))
        x += im.width + gap
    return line


def read_loss_csv(path):
    """The columns of a Keras CSVLogger file, as float lists; "NA" (an epoch not scored) is NaN."""
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    number = lambda text: float("nan") if text in ("NA", "") else float(text)  # noqa: E731
    return {key: [number(row[key]) for row in rows] for key in (rows[0] if rows else [])}


def plot_losses(history, path, title="Training losses", steps=None):
    """Plots the loss columns of `history` (a dict of lists) against epochs.

    `steps` (the same, from `StepLosses`: an "epoch" column of fractional
    epochs) adds the losses within epochs as thin lines, so that a run of
    one long epoch still has a curve. Quality columns (`val_*`) are left to
    `plot_quality`.
    """
    epochs = [int(e) + 1 for e in history.get("epoch", [])]
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, values in history.items():
        if name == "epoch" or name.startswith("val_"):
            continue
        line = ax.plot(epochs or range(1, len(values) + 1), values, marker="o", label=f"{name} (epoch mean)")
        if steps and name in steps:
            ax.plot(steps["epoch"], steps[name], color=line[0].get_color(), alpha=0.35, linewidth=1)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    _save(fig, path)


def plot_quality(history, path, floors=None, references=None):
    """Plots the quality columns (`val_*`) of `history` against epochs, one panel each.

    Epochs not scored (NaN) are skipped. `floors` ({"val_fd": 0.85, ...})
    draws each score's real-vs-real floor as a dashed line, `references`
    ({"blurred_4x": {"val_swd": 64.0, ...}}) other reference scores as
    dotted lines. Returns False when there is nothing to plot.
    """
    names = [n for n in history if n.startswith("val_") and any(v == v for v in history[n])]
    if not names:
        return False
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.5), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        points = [(int(e) + 1, v) for e, v in zip(history["epoch"], history[name], strict=True) if v == v]
        ax.plot(*zip(*points, strict=True), marker="o")
        lines = [(floors[name], "--", "gray", "real vs real")] if floors and name in floors else []
        for i, (label, scores) in enumerate((references or {}).items()):
            if name in scores:
                lines.append((scores[name], ":", f"C{i + 1}", label))
        values = [v for _, v in points] + [line[0] for line in lines]
        if min(values) > 0 and max(values) / min(values) > 30:  # a distance falling by orders of magnitude
            ax.set_yscale("log")
        for value, style, color, label in lines:
            ax.axhline(value, linestyle=style, color=color, label=label)
        if lines:
            ax.legend()
        ax.set_xlabel("epoch")
        ax.set_title(name[len("val_") :])
    _save(fig, path)
    return True


def plot_grids(grids, path):
    """Sample grids side by side, each titled with its epoch: `grids` is [(epoch, png path), ...]."""
    images = [np.asarray(Image.open(grid)) for _, grid in grids]
    aspect = images[0].shape[0] / images[0].shape[1]  # wide grids (2 rows of 8) get short panels
    fig, axes = plt.subplots(1, len(grids), figsize=(2.6 * len(grids), 2.6 * aspect + 0.4), squeeze=False)
    for ax, (epoch, _), image in zip(axes[0], grids, images, strict=True):
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        ax.set_title(f"epoch {epoch}")
        ax.axis("off")
    _save(fig, path)


def _save(fig, path):
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
