"""Conditional GAN on MNIST with dense networks: the "CGAN on MNIST" tutorial.

Both networks get the digit's class as a one-hot vector beside their usual
input, so the generator learns to draw the digit it is asked for and the
discriminator judges "is this a real 7?" rather than "is this real?".
Same layers and parameter counts as the tutorial. The sizes are arguments,
with the tutorial's values in the preset (`keras_gans/presets/cgan_mnist.py`),
so that tests can build small models through the same code.
"""

import keras
import tensorflow as tf
from keras import layers

from keras_gans.models.gan import GAN, apply_update


def _activation(name):
    """A hidden layer's activation as a layer: "relu" or "leaky_relu" (slope 0.2)."""
    if name == "leaky_relu":
        return layers.LeakyReLU(negative_slope=0.2)
    return layers.Activation(name)


# The tutorial's hidden layers use ReLU; trained so, the generator collapsed
# here to one speckled image for every z and label (dead ReLUs, it seems) within 800
# steps. Fixed: LeakyReLU(0.2), as usual in GANs; no parameter changes.
def build_generator(latent_dim, num_classes, widths, activation="leaky_relu"):
    """[z, one-hot label] -> image (28, 28, 1) in [-1, 1]. 1,488,912 parameters at the tutorial's size."""
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


def build_discriminator(num_classes, widths, dropout, activation="leaky_relu"):
    """[image, one-hot label] -> probability that the image is a real digit of that class.

    538,625 parameters at the tutorial's size.
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

    `fit` passes `(images, labels)` batches (integer labels). Each step
    trains the discriminator on real images with their own labels and fakes
    drawn for random labels; the generator then gets fresh random labels and
    wants its fakes called real. The labels' convention (the tutorial's:
    real 1, fake 0, no noise, the two losses summed) is the base class's
    options, set by the preset.

    Args:
        discriminator: model mapping [image, one-hot] to one probability.
        generator: model mapping [z, one-hot] to an image.
        latent_dim: size of z.
        num_classes: number of classes.
        **kwargs: the base class's label options and seed (the seed also
            draws the labels in `train_step`).
    """

    CONFIG_KEYS = (*GAN.CONFIG_KEYS, "num_classes")

    def __init__(self, discriminator, generator, latent_dim, num_classes, **kwargs):
        super().__init__(discriminator, generator, latent_dim, **kwargs)
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
            outputs = self.discriminate(images, tf.concat([fake_labels, real_labels], 0))
            fake_output, real_output = tf.split(outputs, 2, axis=0)
            d_loss = self.discriminator_loss(real_output, fake_output) + self.r1_penalty(
                real_images, real_labels
            )
        apply_update(self.d_optimizer, tape, d_loss, self.discriminator.trainable_variables)

        # Generator: fresh z and labels; the tutorial's never-defined
        # "combined model" is this tape (fixed: the discriminator is not updated here).
        fake_labels = self.sample_labels(batch_size)
        with tf.GradientTape() as tape:
            fake_images = self.generator([self.sample_latent(batch_size), fake_labels], training=True)
            fake_output = self.discriminate(fake_images, fake_labels)
            g_loss = self.generator_loss(fake_output)
        apply_update(self.g_optimizer, tape, g_loss, self.generator.trainable_variables)
        self.update_ema_generator()

        return self._track(d_loss=d_loss, g_loss=g_loss)
