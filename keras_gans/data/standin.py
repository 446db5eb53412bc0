"""A stand-in for the rock-paper-scissors folders, made of real Fashion-MNIST images.

No copy of the hands exists on machines without internet access. This writes
three classes of real Fashion-MNIST pictures in the same on-disk form as
rps/ (one folder of RGB PNGs per class), so the training pipeline reads
them exactly as it would read the hands.
"""

import os

import numpy as np
from PIL import Image

from keras_gans.data.mnist import load_mnist

FASHION_MNIST_CLASSES = (
    "tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot",
)  # fmt: skip
# Three classes as different in shape as rock, paper and scissors.
STANDIN_CLASSES = ("bag", "sneaker", "trouser")


def write_fashion_standin(
    fashion_mnist_dir,
    output_dir,
    classes=STANDIN_CLASSES,
    per_class=840,
    image_size=128,
):
    """Writes `per_class` training images of each class as RGB PNGs; returns `output_dir`.

    840 per class is rock-paper-scissors' own size (2,520 images). Images are
    upscaled from 28x28 to `image_size` (bicubic) and made RGB. A folder
    that already holds the complete stand-in is left as it is.
    """
    (images, labels), _ = load_mnist(fashion_mnist_dir)  # same IDX files as MNIST
    for name in classes:
        folder = os.path.join(output_dir, name)
        if os.path.isdir(folder) and len(os.listdir(folder)) == per_class:
            continue
        os.makedirs(folder, exist_ok=True)
        indices = np.flatnonzero(labels == FASHION_MNIST_CLASSES.index(name))[:per_class]
        for i, index in enumerate(indices):
            image = Image.fromarray(images[index]).resize((image_size, image_size), Image.BICUBIC)
            image.convert("RGB").save(os.path.join(folder, f"{name}_{i:04d}.png"))
    return output_dir
