"""DCGAN on MNIST digits: the TensorFlow tutorial "Deep Convolutional Generative Adversarial Network".

The tutorial's layers and shapes, as tensorflow.org's code builds them (its
text's code does not build as written, and gives the transposed convolutions
a bias: see `build_generator`), with the tanh as a layer of its own. The
sizes are arguments, with the tutorial's values in the preset
(`keras_gans/presets/dcgan_mnist.py`), so that tests can build small models
through the same code.
"""

import keras
import tensorflow as tf
from keras import layers

from keras_gans.models.gan import GAN, apply_update


def build_generator(latent_dim, widths):
    """Noise -> 28x28x1 image in [-1, 1]. 2,330,944 parameters at the tutorial's size."""
    seed_width, middle_width, last_width = widths
    inputs = keras.Input(shape=(latent_dim,))
    # The tutorial's text writes Dense(input_dim=7*7*256, ...) and
    # Reshape(input_shape=(7, 7, 256)): no units and no target shape, which
    # neither layer builds without; tensorflow.org's code has these sizes.
    x = layers.Dense(7 * 7 * seed_width, use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU()(x)
    x = layers.Reshape((7, 7, seed_width))(x)
    assert tuple(x.shape[1:]) == (7, 7, seed_width)  # the tutorial's shape checks

    # The text writes use_bias="False" for the three transposed convolutions,
    # a non-empty string and so true; fixed: no bias, as it intends and as
    # tensorflow.org's code has (BatchNorm's beta does the first two's job).
    x = layers.Conv2DTranspose(middle_width, 5, strides=1, padding="same", use_bias=False)(x)
    assert tuple(x.shape[1:]) == (7, 7, middle_width)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU()(x)

    x = layers.Conv2DTranspose(last_width, 5, strides=2, padding="same", use_bias=False)(x)
    assert tuple(x.shape[1:]) == (14, 14, last_width)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU()(x)

    x = layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False)(x)
    assert tuple(x.shape[1:]) == (28, 28, 1)
    # The tutorial's activation="tanh" of the last convolution, as a layer of its
    # own: float32 output even under mixed precision, for a stable loss.
    outputs = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="generator")


def build_discriminator(widths, dropout):
    """28x28x1 image -> one logit, positive for "real". 212,865 parameters at the tutorial's size."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = inputs
    for width in widths:
        x = layers.Conv2D(width, 5, strides=2, padding="same")(x)
        x = layers.LeakyReLU()(x)
        x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    # A logit, no sigmoid: the losses take `from_logits=True`.
    outputs = layers.Dense(1, dtype="float32")(x)
    return keras.Model(inputs, outputs, name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gans")
class MnistDCGAN(GAN):
    """The tutorial's GAN: both networks' updates from one forward pass.

    Its labels (real 1, fake 0, no noise) and its summed discriminator loss
    are the base class's options, set by the preset; only the step differs.
    """

    def train_step(self, data):
        # Overridden, not inherited: the tutorial generates ONE batch of fakes
        # and takes both networks' gradients from that same forward pass (two
        # tapes), so the generator's update sees the discriminator *before*
        # its own update. The base class instead updates the discriminator
        # first and then draws fresh latent vectors for the generator.
        real_images = data[0] if isinstance(data, tuple) else data
        noise = self.sample_latent(tf.shape(real_images)[0])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = self.generator(noise, training=True)
            real_output = self.discriminate(tf.cast(real_images, generated_images.dtype))
            fake_output = self.discriminate(generated_images)
            g_loss = self.generator_loss(fake_output)
            d_loss = self.discriminator_loss(real_output, fake_output) + self.r1_penalty(real_images)
        apply_update(self.g_optimizer, gen_tape, g_loss, self.generator.trainable_variables)
        self.update_ema_generator()
        apply_update(self.d_optimizer, disc_tape, d_loss, self.discriminator.trainable_variables)
        return self._track(d_loss=d_loss, g_loss=g_loss)
