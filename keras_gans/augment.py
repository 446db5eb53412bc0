"""Differentiable augmentation (DiffAugment, Zhao et al. 2020) of what a discriminator sees.

On a few thousand images a discriminator soon memorises the real ones, and
the generator then learns nothing more. DiffAugment changes every image the
discriminator sees, real and fake, in its own step and in the generator's,
with random colour, translation and cutout: the discriminator cannot
memorise, and since every change is made of differentiable TensorFlow ops,
the generator still gets its gradient through them. The three policies
follow the paper's code (and keras.io's GAN-ADA example, which adapts
them), for images in [-1, 1]; on images in [0, 1] they act alike.

Each function takes a batch of NHWC images and `uniform(n)`, which returns
(batch, n) values from U(0, 1) (the model's seeded draws), and returns the
batch changed image by image. Under XLA too: shapes stay static.
"""

import tensorflow as tf

POLICIES = ("color", "translation", "cutout")


def parse_policy(text):
    """ "color,translation" -> ("color", "translation"); "" -> () (off). Unknown names: ValueError."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in POLICIES]
    if unknown:
        raise ValueError(f"unknown augmentation {', '.join(unknown)}; choose from {', '.join(POLICIES)}")
    return names


def _per_image(values):
    return values[:, None, None, None]


def color(images, uniform):
    """Random brightness (+-0.5), saturation (x0 to x2) and contrast (x0.5 to x1.5), per image."""
    u = tf.cast(uniform(3), images.dtype)
    images = images + _per_image(u[:, 0] - 0.5)
    if images.shape[-1] > 1:  # saturation: a grey image has none
        mean = tf.reduce_mean(images, axis=3, keepdims=True)
        images = (images - mean) * _per_image(u[:, 1] * 2.0) + mean
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * _per_image(u[:, 2] + 0.5) + mean


def translation(images, uniform, ratio=0.125):
    """Shifts each image by up to `ratio` of its size each way, filling with zeros."""
    height, width = images.shape[1], images.shape[2]
    shift_y, shift_x = int(height * ratio + 0.5), int(width * ratio + 0.5)
    u = uniform(2)
    # Whole-pixel shifts in [-shift, shift]; read each output pixel from the padded image.
    dy = tf.cast(tf.floor(u[:, 0] * (2 * shift_y + 1)), "int32")
    dx = tf.cast(tf.floor(u[:, 1] * (2 * shift_x + 1)), "int32")
    padded = tf.pad(images, [[0, 0], [shift_y, shift_y], [shift_x, shift_x], [0, 0]])
    rows = tf.range(height)[None, :] + dy[:, None]  # (batch, height) rows of the padded image
    cols = tf.range(width)[None, :] + dx[:, None]
    images = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(images, cols, axis=2, batch_dims=1)


def cutout(images, uniform, ratio=0.5):
    """Zeros one square of `ratio` of each image's size, anywhere in it (partly outside at the edges)."""
    height, width = images.shape[1], images.shape[2]
    size_y, size_x = int(height * ratio + 0.5), int(width * ratio + 0.5)
    u = uniform(2)
    # The square's first row and column, from size // 2 before the image to its end, as the paper's code.
    top = tf.cast(tf.floor(u[:, 0] * (height + 1 - size_y % 2)), "int32") - size_y // 2
    left = tf.cast(tf.floor(u[:, 1] * (width + 1 - size_x % 2)), "int32") - size_x // 2
    rows, cols = tf.range(height)[None, :], tf.range(width)[None, :]
    inside_y = (rows >= top[:, None]) & (rows < top[:, None] + size_y)  # (batch, height)
    inside_x = (cols >= left[:, None]) & (cols < left[:, None] + size_x)
    inside = inside_y[:, :, None] & inside_x[:, None, :]  # (batch, height, width)
    return images * tf.cast(~inside, images.dtype)[..., None]


AUGMENTATIONS = {"color": color, "translation": translation, "cutout": cutout}


def diff_augment(images, policy, uniform):
    """`images` through each augmentation of `policy` (names of POLICIES), in that order."""
    for name in policy:
        images = AUGMENTATIONS[name](images, uniform)
    return images
