"""DCGAN on CelebA faces at 64x64: the Keras example "DCGAN to generate face images".

The example's layers and shapes, but for the generator's output: tanh, on
images scaled to [-1, 1], where keras.io's has a sigmoid on [0, 1] (the
tutorial text ported here has tanh, but keeps the images in [0, 1], half its
range). The sizes are arguments, with the example's values in the preset
(`keras_gans/presets/dcgan_celeba.py`), so that tests can build small models
through the same code. The GAN itself is the base class
`keras_gans.models.gan.GAN` with its defaults: this example is the one the
base class follows.
"""

import keras
from keras import layers


def build_discriminator(image_size, widths, dropout):
    """Image -> probability that it is fake. 404,801 parameters at the example's size."""
    inputs = keras.Input(shape=(image_size, image_size, 3))
    x = inputs
    for width in widths:
        x = layers.Conv2D(width, kernel_size=4, strides=2, padding="same")(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(dropout)(x)
    # float32 output even under mixed precision, for a stable loss.
    outputs = layers.Dense(1, activation="sigmoid", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="discriminator")


def build_generator(latent_dim, image_size, seed_channels, widths):
    """Latent vector -> image in [-1, 1]. 3,979,651 parameters at the example's size."""
    # Each transposed convolution doubles the size: start at size / 2**n.
    start = image_size // 2 ** len(widths)
    inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(start * start * seed_channels)(inputs)
    x = layers.Reshape((start, start, seed_channels))(x)
    for width in widths:
        x = layers.Conv2DTranspose(width, kernel_size=4, strides=2, padding="same")(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Conv2D(3, kernel_size=5, padding="same")(x)
    # tanh, as the tutorial's text (keras.io: sigmoid), so the training images
    # are scaled to [-1, 1] (keras_gans.data; the text keeps them in [0, 1],
    # half of tanh's range). A layer of its own, float32 under mixed precision
    # for a stable loss, so that the convolution (a large share of the step)
    # computes in the lower precision.
    outputs = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="generator")
