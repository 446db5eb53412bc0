"""DCGAN on CelebA faces at 64x64: the Keras example "DCGAN to generate face images".

Same layers, shapes and defaults as the example; `widths` and `image_size`
exist so that tests can build small models through the same code.
"""

import keras
from keras import layers

from keras_gans.models.gan import GAN


def build_face_discriminator(image_size=64, widths=(64, 128, 128), dropout=0.2):
    """Image -> probability that it is fake. 404,801 parameters by default."""
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


def build_face_generator(latent_dim=128, image_size=64, seed_channels=128, widths=(128, 256, 512)):
    """Latent vector -> image in [-1, 1]. 3,979,651 parameters by default."""
    # Each transposed convolution doubles the size: start at size / 2**n.
    start = image_size // 2 ** len(widths)
    inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(start * start * seed_channels)(inputs)
    x = layers.Reshape((start, start, seed_channels))(x)
    for width in widths:
        x = layers.Conv2DTranspose(width, kernel_size=4, strides=2, padding="same")(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Conv2D(3, kernel_size=5, padding="same")(x)
    # tanh, so the training images are scaled to [-1, 1] (the example scales
    # them to [0, 1], half of tanh's range: fixed in keras_gans.data). A layer
    # of its own, float32 under mixed precision for a stable loss, so that the
    # convolution (a large share of the step) computes in the lower precision.
    outputs = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="generator")


def build_face_gan(
    latent_dim=128,
    learning_rate=1e-4,
    image_size=64,
    d_widths=(64, 128, 128),
    g_widths=(128, 256, 512),
    seed_channels=128,
    dropout=0.2,
    seed=None,
    jit_compile="auto",
):
    """Builds and compiles the face DCGAN: the one place to wrap in a strategy scope.

    `jit_compile="auto"` is Keras' rule: XLA when a GPU is present, not on a
    CPU (where it measured no faster here, see scripts/benchmark.py).
    """
    gan = GAN(
        discriminator=build_face_discriminator(image_size, d_widths, dropout),
        generator=build_face_generator(latent_dim, image_size, seed_channels, g_widths),
        latent_dim=latent_dim,
        seed=seed,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate),
        g_optimizer=keras.optimizers.Adam(learning_rate),
        loss_fn=keras.losses.BinaryCrossentropy(),
        jit_compile=jit_compile,
    )
    return gan
