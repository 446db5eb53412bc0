"""Conditional GAN on MNIST with dense networks: the "CGAN on MNIST" tutorial.

Both networks get the digit's class as a one-hot vector beside their usual
input, so the generator learns to draw the digit it is asked for and the
discriminator judges "is this a real 7?" rather than "is this real?".
Same layers and parameter counts as the tutorial; the widths are arguments so
that tests can build small models through the same code.
"""

import keras
import tensorflow as tf
from keras import layers

from keras_gans.models.gan import GAN


def _activation(name):
    """A hidden layer's activation as a layer: "relu" or "leaky_relu" (slope 0.2)."""
    if name == "leaky_relu":
        return layers.LeakyReLU(negative_slope=0.2)
    return layers.Activation(name)


# The tutorial's hidden layers use ReLU; trained so, the generator collapsed
# here to one speckled image for every z and label (dead ReLUs, it seems) within 800
# steps. Fixed: LeakyReLU(0.2), as usual in GANs; no parameter changes.
def build_cgan_generator(latent_dim=100, num_classes=10, widths=(256, 512, 1024), activation="leaky_relu"):
    """[z, one-hot label] -> image (28, 28, 1) in [-1, 1]. 1,488,912 parameters by default."""
    z = keras.Input(shape=(latent_dim,), name="z")
    label = keras.Input(shape=(num_classes,), name="label")
    x = layers.Concatenate()([z, label])
    for width in widths:
        x = _activation(activation)(layers.Dense(width)(x))
    x = layers.Dense(28 * 28)(x)
    # float32 output even under mixed precision, for a stable loss.
    x = layers.Activation("tanh", dtype="float32")(x)
    outputs = layers.Reshape((28, 28, 1), dtype="float32")(x)
    return keras.Model([z, label], outputs, name="generator")


def build_cgan_discriminator(num_classes=10, widths=(512, 256), activation="leaky_relu", dropout=0.3):
    """[image, one-hot label] -> probability that the image is a real digit of that class.

    538,625 parameters by default.
    """
    image = keras.Input(shape=(28, 28, 1), name="image")
    label = keras.Input(shape=(num_classes,), name="label")
    x = layers.Concatenate()([layers.Flatten()(image), label])
    for width in widths:
        x = _activation(activation)(layers.Dense(width)(x))
        # Not in the tutorial (fixed: no parameters added): without Dropout
        # the discriminator won on looks alone and the generator still
        # ignored the label after 5 epochs here; with it, it uses the label.
        x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(1, activation="sigmoid", dtype="float32")(x)
    return keras.Model([image, label], outputs, name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalGAN(GAN):
    """A GAN whose two networks also take the class label (one-hot).

    `fit` passes `(images, labels)` batches (integer labels). As the
    tutorial, the discriminator outputs the probability that an image is
    *real* (label 1), and each step trains it on real images with their own
    labels and fakes drawn for random labels; the generator then gets fresh
    random labels and wants its fakes called real.

    Args:
        discriminator: model mapping [image, one-hot] to one probability.
        generator: model mapping [z, one-hot] to an image.
        latent_dim: size of z.
        num_classes: number of classes.
        label_noise: as `GAN`; the tutorial uses none.
        seed: seed of the latent vectors and labels drawn in `train_step`.
    """

    def __init__(self, discriminator, generator, latent_dim, num_classes=10, label_noise=0.0, **kwargs):
        super().__init__(discriminator, generator, latent_dim, label_noise=label_noise, **kwargs)
        self.num_classes = num_classes

    def sample_labels(self, batch_size):
        """Uniformly random classes as one-hot vectors, drawn like all randomness here by `_draw`."""
        uniform = self._draw(batch_size, 1, "uniform")[:, 0]
        classes = tf.cast(tf.floor(uniform * self.num_classes), "int32")
        # uniform is in [0, 1), so classes is in [0, num_classes); the
        # minimum only guards against float rounding up to 1.
        return tf.one_hot(tf.minimum(classes, self.num_classes - 1), self.num_classes)

    def one_hot(self, labels):
        """Integer labels from the dataset as one-hot vectors."""
        return tf.one_hot(tf.cast(tf.reshape(labels, [-1]), "int32"), self.num_classes)

    # The tutorial's convention: real is 1, fake is 0.
    def discriminator_loss(self, real_output, fake_output):
        """BCE(real called real) + BCE(fake called fake), with optional label noise."""
        # Optional label noise moves both labels towards the middle.
        real_labels = self.noisy_labels(real_output, 1.0, direction=-1.0)
        fake_labels = self.noisy_labels(fake_output, 0.0)
        return self.loss_fn(real_labels, real_output) + self.loss_fn(fake_labels, fake_output)

    def generator_loss(self, fake_output):
        """The generator wants its images called real (label 1)."""
        return self.loss_fn(tf.ones_like(fake_output), fake_output)

    def train_step(self, data):
        real_images, labels = self.unpack_batch(data)
        batch_size = tf.shape(real_images)[0]
        real_labels = self.one_hot(labels)

        # Discriminator: reals with their labels and fakes with the random
        # labels they were drawn for, in one pass.
        fake_labels = self.sample_labels(batch_size)
        fake_images = self.generator([self.sample_latent(batch_size), fake_labels], training=True)
        images = tf.concat([fake_images, tf.cast(real_images, fake_images.dtype)], 0)
        with tf.GradientTape() as tape:
            outputs = self.discriminator([images, tf.concat([fake_labels, real_labels], 0)], training=True)
            fake_output, real_output = tf.split(outputs, 2, axis=0)
            d_loss = self.discriminator_loss(real_output, fake_output)
        self._apply(self.d_optimizer, tape, d_loss, self.discriminator)

        # Generator: fresh z and labels; the tutorial's never-defined
        # "combined model" is this tape (fixed: the discriminator is not updated here).
        fake_labels = self.sample_labels(batch_size)
        with tf.GradientTape() as tape:
            fake_images = self.generator([self.sample_latent(batch_size), fake_labels], training=True)
            fake_output = self.discriminator([fake_images, fake_labels], training=True)
            g_loss = self.generator_loss(fake_output)
        self._apply(self.g_optimizer, tape, g_loss, self.generator)

        return self._track(d_loss=d_loss, g_loss=g_loss)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


def build_cgan(
    latent_dim=100,
    num_classes=10,
    learning_rate=2e-4,
    beta_1=0.5,
    g_widths=(256, 512, 1024),
    d_widths=(512, 256),
    d_dropout=0.3,
    seed=None,
    jit_compile="auto",
):
    """Builds and compiles the MLP conditional GAN.

    The tutorial names no optimizer settings: Adam(2e-4, beta_1=0.5), the
    DCGAN paper's, which most GAN tutorials use.
    """
    gan = ConditionalGAN(
        discriminator=build_cgan_discriminator(num_classes, d_widths, dropout=d_dropout),
        generator=build_cgan_generator(latent_dim, num_classes, g_widths),
        latent_dim=latent_dim,
        num_classes=num_classes,
        seed=seed,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
        loss_fn=keras.losses.BinaryCrossentropy(),
        jit_compile=jit_compile,
    )
    return gan
