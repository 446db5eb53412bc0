"""The classic Keras GAN on MNIST (J. Brownlee, "How to Develop a GAN for MNIST").

The tutorial trains with a *composite model*: the generator stacked under a
discriminator marked `trainable=False`, each trained by `train_on_batch`. That
method is kept here (`define_discriminator`, `define_gan`,
`composite_train_step`). The `train_step` + `fit` way needs no class of its
own: the base `GAN`'s step already is the tutorial's step, and only its
labels differ (real 1, fake 0, no noise), which the preset sets
(`keras_gans/presets/gan_mnist.py`). Both train the same two networks.
"""

import keras
import numpy as np
from keras import layers


def build_discriminator(widths, dropout, in_shape=(28, 28, 1)):
    """Image in [0, 1] -> probability that it is real. 40,705 parameters at the tutorial's size."""
    inputs = keras.Input(shape=in_shape)
    x = inputs
    for width in widths:
        x = layers.Conv2D(width, 3, strides=2, padding="same")(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
        x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(1, activation="sigmoid", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="discriminator")


def build_generator(latent_dim, seed_channels, widths):
    """Latent point -> 28x28x1 image in [0, 1]. 1,164,289 parameters at the tutorial's size."""
    inputs = keras.Input(shape=(latent_dim,))
    # Foundation for a 7x7 image; two transposed convolutions upsample to 28x28.
    x = layers.Dense(seed_channels * 7 * 7)(inputs)
    x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Reshape((7, 7, seed_channels))(x)
    for width in widths:
        x = layers.Conv2DTranspose(width, 4, strides=2, padding="same")(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Conv2D(1, 7, padding="same")(x)
    # sigmoid: the training images are scaled to [0, 1]. float32 even under
    # mixed precision, for a stable loss.
    outputs = layers.Activation("sigmoid", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="generator")


def adam(learning_rate, beta_1):
    """The tutorial's optimizer for each network: Adam(2e-4, beta_1=0.5) at its settings."""
    return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1)


# --- The tutorial's own method: a composite model -------------------------


def define_discriminator(discriminator, optimizer, jit_compile="auto"):
    """Compiles the discriminator on its own, as the tutorial does."""
    discriminator.compile(
        loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"], jit_compile=jit_compile
    )
    return discriminator


def define_gan(generator, discriminator, optimizer, jit_compile="auto"):
    """The composite model: generator -> frozen discriminator, trained on "real" labels."""
    # Its weights are still updated by its own `train_on_batch`; here they
    # only pass gradients through to the generator.
    discriminator.trainable = False
    model = keras.Sequential([generator, discriminator], name="composite")
    model.compile(loss="binary_crossentropy", optimizer=optimizer, jit_compile=jit_compile)
    return model


def generate_latent_points(latent_dim, n_samples, rng):
    """`n_samples` points of the latent space, N(0, I)."""
    return rng.standard_normal((n_samples, latent_dim)).astype("float32")


def generate_real_samples(images, n_samples, rng, label=1.0):
    """Random training images, labelled `label` (1, real; less with one-sided label smoothing)."""
    chosen = images[rng.integers(0, len(images), n_samples)]
    return chosen, np.full((n_samples, 1), label, "float32")


def generate_fake_samples(generator, latent_dim, n_samples, rng):
    """Generated images, labelled 0 (fake)."""
    z = generate_latent_points(latent_dim, n_samples, rng)
    return generator.predict(z, verbose=0), np.zeros((n_samples, 1), "float32")


def composite_train_step(
    generator, discriminator, composite, images, latent_dim, n_batch, rng, label_smoothing=0.0
):
    """One step of the tutorial's loop; returns (d_loss, g_loss).

    The discriminator learns from half a batch of real and half of fake
    images; then the composite model learns to have the (frozen)
    discriminator call a whole batch of fakes real.
    """
    half_batch = n_batch // 2
    x_real, y_real = generate_real_samples(images, half_batch, rng, 1.0 - label_smoothing)
    x_fake, y_fake = generate_fake_samples(generator, latent_dim, half_batch, rng)
    x, y = np.vstack((x_real, x_fake)), np.vstack((y_real, y_fake))
    # Keras 3 fix: Keras 2 fixed a model's trainable weights at `compile()`,
    # so the tutorial sets trainable=False once. Keras 3 reads the flag when
    # it traces a model's train function (at its first call, or a retrace),
    # so the tutorial's code as written never trains the discriminator. Set
    # the flag right before each call instead.
    discriminator.trainable = True
    d_loss, _ = discriminator.train_on_batch(x, y)
    discriminator.trainable = False
    z = generate_latent_points(latent_dim, n_batch, rng)
    g_loss = composite.train_on_batch(z, np.ones((n_batch, 1), "float32"))
    return float(d_loss), float(g_loss)
