"""Auxiliary classifier GAN (ACGAN, Odena et al. 2017) on MNIST.

The generator gets the class, as in a conditional GAN; the discriminator
does not. It sees only the image and answers two questions: real or fake
(a sigmoid head), and which digit (a 10-way softmax head). Both networks are
trained to get the class right, so the generator learns to draw digits the
discriminator recognises as the class asked for.

The tutorial this follows describes the method but its PyTorch code gives
the discriminator the labels as an input and puts the classifier on a
1-unit output (fixed: image-only discriminator, two heads, the losses of
its formulas):

    L_D = BCE(real) + BCE(fake) + CE(class | real) + CE(class | fake)
    L_G = BCE(fake called real) + CE(class | fake)
"""

import keras
import tensorflow as tf
from keras import layers

from keras_gans.models import cgan_mnist
from keras_gans.models.cgan_mnist import ConditionalGAN
from keras_gans.models.gan import apply_update


def build_generator(latent_dim, num_classes, widths):
    """[z, one-hot label] -> image (28, 28, 1) in [-1, 1]. 562,192 parameters at the tutorial's size.

    The tutorial's: Dense(256) ReLU, Dense(512) ReLU, Dense(784) tanh; the
    conditional GAN's generator with one hidden layer fewer, and with the
    tutorial's ReLU kept: the class loss gives this generator a gradient that
    the plain conditional GAN's lacked (it trains well so, see docs/acgan_mnist.md).
    """
    return cgan_mnist.build_generator(latent_dim, num_classes, widths, activation="relu")


def build_discriminator(num_classes, widths):
    """Image -> [probability that it is real, class probabilities]. 536,075 parameters at the tutorial's size.

    The tutorial's code gives no usable discriminator, so this is the dense
    discriminator of the same tutorial family (Flatten, Dense(512),
    Dense(256), LeakyReLU(0.2)) without the label input: the same size as
    the generator it plays against, and fast on a CPU. Its two heads share
    every hidden layer, which is the point of ACGAN: the features that tell
    real from fake are also the ones that tell a 3 from an 8.
    """
    image = keras.Input(shape=(28, 28, 1), name="image")
    x = layers.Flatten()(image)
    for width in widths:
        x = layers.Dense(width)(x)
        # LeakyReLU, as GAN discriminators usually have, so that fakes
        # always get a gradient.
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    source = layers.Dense(1, activation="sigmoid", name="source", dtype="float32")(x)
    label = layers.Dense(num_classes, activation="softmax", name="class", dtype="float32")(x)
    return keras.Model(image, [source, label], name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gans")
class ACGAN(ConditionalGAN):
    """The auxiliary classifier GAN: conditional generator, image-only two-headed discriminator.

    Shares with `ConditionalGAN` the label sampling and the source
    (real/fake) losses, with their label options; adds the class losses.
    """

    def __init__(self, discriminator, generator, latent_dim, num_classes, **kwargs):
        super().__init__(discriminator, generator, latent_dim, num_classes=num_classes, **kwargs)
        # Softmax outputs, so probabilities, not logits. Default reduction:
        # divides by the global batch under tf.distribute, as `loss_fn`.
        self.class_loss_fn = keras.losses.CategoricalCrossentropy()

    def train_step(self, data):
        real_images, labels = self.unpack_batch(data)
        batch_size = tf.shape(real_images)[0]
        real_labels = self.one_hot(labels)

        # Discriminator: real/fake and class of both reals and fakes. The fakes' labels are drawn at
        # random (the text gives them the real batch's labels: the same distribution on MNIST).
        fake_labels = self.sample_labels(batch_size)
        fake_images = self.generator([self.sample_latent(batch_size), fake_labels], training=True)
        images = tf.concat([fake_images, tf.cast(real_images, fake_images.dtype)], 0)
        with tf.GradientTape() as tape:
            source, predicted = self.discriminate(images)
            fake_source, real_source = tf.split(source, 2, axis=0)
            fake_predicted, real_predicted = tf.split(predicted, 2, axis=0)
            d_loss = (
                self.discriminator_loss(real_source, fake_source)
                + self.class_loss_fn(real_labels, real_predicted)
                + self.class_loss_fn(fake_labels, fake_predicted)
                + self.r1_penalty(real_images)
            )
        apply_update(self.d_optimizer, tape, d_loss, self.discriminator.trainable_variables)

        # Generator: fakes called real, and of the class they were drawn for. Fresh ones, drawn inside
        # the tape: the text reuses the discriminator step's `.detach()`ed fakes, so no gradient
        # reaches its generator and it never trains (fixed).
        fake_labels = self.sample_labels(batch_size)
        with tf.GradientTape() as tape:
            fake_images = self.generator([self.sample_latent(batch_size), fake_labels], training=True)
            fake_source, fake_predicted = self.discriminate(fake_images)
            g_loss = self.generator_loss(fake_source) + self.class_loss_fn(fake_labels, fake_predicted)
        apply_update(self.g_optimizer, tape, g_loss, self.generator.trainable_variables)
        self.update_ema_generator()

        return self._track(d_loss=d_loss, g_loss=g_loss)
