"""The classic Keras GAN on MNIST (J. Brownlee, "How to Develop a GAN for MNIST").

The tutorial trains with a *composite model*: the generator stacked under a
discriminator marked `trainable=False`, each trained by `train_on_batch`. That
method is kept here (`define_discriminator`, `define_gan`,
`composite_train_step`) beside the `train_step` + `fit` way
(`ClassicGAN`, `build_classic_gan`); both train the same two networks.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from keras_gans.models.gan import GAN


def build_classic_discriminator(in_shape=(28, 28, 1), widths=(64, 64), dropout=0.4):
    """Image in [0, 1] -> probability that it is real. 40,705 parameters by default."""
    inputs = keras.Input(shape=in_shape)
    x = inputs
    for width in widths:
        x = layers.Conv2D(width, 3, strides=2, padding="same")(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
        x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(1, activation="sigmoid", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="discriminator")


def build_classic_generator(latent_dim=100, seed_channels=128, widths=(128, 128)):
    """Latent point -> 28x28x1 image in [0, 1]. 1,164,289 parameters by default."""
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


def _adam():
    """The tutorial's optimizer for both networks."""
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


# --- The tutorial's own method: a composite model -------------------------


def define_discriminator(discriminator, jit_compile="auto"):
    """Compiles the discriminator on its own, as the tutorial does."""
    discriminator.compile(
        loss="binary_crossentropy", optimizer=_adam(), metrics=["accuracy"], jit_compile=jit_compile
    )
    return discriminator


def define_gan(generator, discriminator, jit_compile="auto"):
    """The composite model: generator -> frozen discriminator, trained on "real" labels."""
    # Its weights are still updated by its own `train_on_batch`; here they
    # only pass gradients through to the generator.
    discriminator.trainable = False
    model = keras.Sequential([generator, discriminator], name="composite")
    model.compile(loss="binary_crossentropy", optimizer=_adam(), jit_compile=jit_compile)
    return model


def generate_latent_points(latent_dim, n_samples, rng):
    """`n_samples` points of the latent space, N(0, I)."""
    return rng.standard_normal((n_samples, latent_dim)).astype("float32")


def generate_real_samples(images, n_samples, rng):
    """Random training images, labelled 1 (real)."""
    chosen = images[rng.integers(0, len(images), n_samples)]
    return chosen, np.ones((n_samples, 1), "float32")


def generate_fake_samples(generator, latent_dim, n_samples, rng):
    """Generated images, labelled 0 (fake)."""
    z = generate_latent_points(latent_dim, n_samples, rng)
    return generator.predict(z, verbose=0), np.zeros((n_samples, 1), "float32")


def composite_train_step(generator, discriminator, composite, images, latent_dim, n_batch, rng):
    """One step of the tutorial's loop; returns (d_loss, g_loss).

    The discriminator learns from half a batch of real and half of fake
    images; then the composite model learns to have the (frozen)
    discriminator call a whole batch of fakes real.
    """
    half_batch = n_batch // 2
    x_real, y_real = generate_real_samples(images, half_batch, rng)
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


# --- The same networks, the train_step + fit way --------------------------


@keras.saving.register_keras_serializable(package="keras_gans")
class ClassicGAN(GAN):
    """The tutorial's GAN as a `fit`-driven model.

    The base class's `train_step` already is the tutorial's step: the
    discriminator on fakes and reals in one batch, then the generator on
    fresh latent points through the discriminator, whose weights it leaves
    alone. Only the labels differ: the tutorial's real is 1, fake 0, with no
    label noise.
    """

    def __init__(self, discriminator, generator, latent_dim=100, label_noise=0.0, seed=None, **kwargs):
        super().__init__(discriminator, generator, latent_dim, label_noise=label_noise, seed=seed, **kwargs)

    def discriminator_loss(self, real_output, fake_output):
        """Cross-entropy of reals against 1 and fakes against 0, over one batch."""
        # Optional label noise moves both labels towards the middle.
        real_labels = self.noisy_labels(real_output, 1.0, direction=-1.0)
        fake_labels = self.noisy_labels(fake_output, 0.0)
        return self.loss_fn(
            tf.concat([real_labels, fake_labels], axis=0),
            tf.concat([real_output, fake_output], axis=0),
        )

    def generator_loss(self, fake_output):
        """The generator wants its images called real (label 1)."""
        return self.loss_fn(tf.ones_like(fake_output), fake_output)


def build_classic_gan(
    latent_dim=100,
    d_widths=(64, 64),
    g_widths=(128, 128),
    seed_channels=128,
    seed=None,
    jit_compile="auto",
):
    """Builds and compiles the tutorial's networks as a `ClassicGAN` for `fit`."""
    gan = ClassicGAN(
        discriminator=build_classic_discriminator(widths=d_widths),
        generator=build_classic_generator(latent_dim, seed_channels, g_widths),
        latent_dim=latent_dim,
        seed=seed,
    )
    gan.compile(
        d_optimizer=_adam(),
        g_optimizer=_adam(),
        loss_fn=keras.losses.BinaryCrossentropy(),
        jit_compile=jit_compile,
    )
    return gan
