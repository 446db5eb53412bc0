"""Conditional DCGAN on rock-paper-scissors hands: the PyTorch tutorial
"CGAN: generating hand-gesture images", ported to Keras 3 (channels-last).

Both networks take a class label besides their usual input. The label goes
through an `Embedding` and a `Dense` layer and is reshaped into one extra
feature map (generator: 4x4x1 beside the 4x4x512 noise map) or into three
extra image channels (discriminator: 128x128x3 beside the RGB image).

Same layers, parameter counts and initialisation as the tutorial. The
PyTorch-only details are reproduced explicitly:
- convolution kernels ~ N(0, 0.02), BatchNorm gamma ~ N(1, 0.02), beta 0
  (the tutorial's `weights_init`); Embedding ~ N(0, 1) and Linear layers
  ~ U(+-1/sqrt(fan_in)), PyTorch's defaults for the layers it leaves alone;
- BatchNorm(momentum=0.1, eps=0.8) in PyTorch's sense is Keras'
  `momentum=0.9` (the weight of the old moving average), `epsilon=0.8`
  (`batchnorm_epsilon`: 1e-5, PyTorch's default, is an option of issue #29);
- the discriminator's `Conv2d(k=4, s=3, padding=2)` is not Keras' "same":
  `ZeroPadding2D(2)` + a "valid" convolution gives PyTorch's sizes exactly,
  128 -> 64 -> 22 -> 8 -> 3.
- the generator's `ConvTranspose2d(k=4, s=2, padding=1)` crops one pixel on
  each side of the full 2n+2 output; Keras' "same" transposed convolution
  with k=4, s=2 crops exactly that (1 before, 1 after), so sizes double,
  4 -> 8 -> 16 -> 32 -> 64 -> 128, with the same values.

`image_size` (default 128) builds the same layers for smaller images: the
generator then starts from image_size/32 instead of 4 (its two input Dense
layers shrink), and the discriminator's label map and final Flatten shrink
with the image (e.g. 32: 32 -> 16 -> 6 -> 3 -> 2, Flatten 2048).
"""

import math

import keras
import tensorflow as tf
from keras import layers

from keras_gans.models.gan import GAN, apply_update
from keras_gans.models.stylegan import MinibatchStd


# A new initializer for each layer, made when the model is built: one made at import draws its seed
# before `--seed` is set (a run's first weights then differ from process to process) and gives every
# layer of the same shape the same weights. Both were so until 0.1.x (bug fixed).
def conv_init():
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def gamma_init():
    return keras.initializers.RandomNormal(mean=1.0, stddev=0.02)


def embedding_init():
    return keras.initializers.RandomNormal(mean=0.0, stddev=1.0)  # torch.nn.Embedding


def _torch_dense(units, fan_in, **kwargs):
    """`Dense` initialised as PyTorch's `nn.Linear`: kernel and bias ~ U(+-1/sqrt(fan_in))."""
    bound = 1.0 / math.sqrt(fan_in)
    return layers.Dense(
        units,
        # VarianceScaling(1/3, fan_in, uniform) has limit sqrt(3 * 1/3 / fan_in).
        kernel_initializer=keras.initializers.VarianceScaling(1.0 / 3.0, "fan_in", "uniform"),
        bias_initializer=keras.initializers.RandomUniform(-bound, bound),
        **kwargs,
    )


def _batch_norm(epsilon=0.8):
    # PyTorch's momentum 0.1 weighs the new batch; Keras' weighs the old average. The tutorial's eps
    # of 0.8 (PyTorch's default: 1e-5) barely normalises small activations (--batchnorm-epsilon).
    return layers.BatchNormalization(
        momentum=0.9, epsilon=epsilon, gamma_initializer=gamma_init(), beta_initializer="zeros"
    )


def _label_map(labels, num_classes, embedding_dim, size, channels):
    """Label -> Embedding -> Dense -> (size, size, channels) feature map."""
    x = layers.Embedding(num_classes, embedding_dim, embeddings_initializer=embedding_init())(labels)
    x = _torch_dense(size * size * channels, embedding_dim)(x)
    # PyTorch views this as (channels, size, size); any fixed order of a freely
    # learned Dense output is equivalent, so channels-last it is.
    return layers.Reshape((size, size, channels))(x)


def build_generator(latent_dim, num_classes, embedding_dim, image_size, widths, batchnorm_epsilon=0.8):
    """[noise, label] -> RGB image in [-1, 1]. 7,789,308 trainable parameters at the tutorial's size."""
    # Each of the len(widths) + 1 transposed convolutions doubles the size.
    start = image_size // 2 ** (len(widths) + 1)
    if start < 1 or start * 2 ** (len(widths) + 1) != image_size:
        raise ValueError(f"image_size must be a multiple of {2 ** (len(widths) + 1)}, got {image_size}")
    noise = keras.Input(shape=(latent_dim,), name="noise")
    labels = keras.Input(shape=(), dtype="int32", name="label")
    label_map = _label_map(labels, num_classes, embedding_dim, start, 1)
    x = _torch_dense(start * start * widths[0], latent_dim)(noise)
    x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Reshape((start, start, widths[0]))(x)
    x = layers.Concatenate()([x, label_map])  # the tutorial's order: noise, then label
    for width in widths:
        x = layers.Conv2DTranspose(
            width, 4, strides=2, padding="same", use_bias=False, kernel_initializer=conv_init()
        )(x)
        x = _batch_norm(batchnorm_epsilon)(x)
        x = layers.ReLU()(x)
    x = layers.Conv2DTranspose(
        3, 4, strides=2, padding="same", use_bias=False, kernel_initializer=conv_init()
    )(x)
    # float32 output even under mixed precision, for a stable loss.
    outputs = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model([noise, labels], outputs, name="generator")


def build_discriminator(
    num_classes, embedding_dim, image_size, widths, dropout, minibatch_std=False, batchnorm_epsilon=0.8
):
    """[image, label] -> probability that the image is real.

    7,729,709 trainable parameters at the tutorial's size. `minibatch_std` (not in the tutorial,
    issue #29) appends ProGAN's minibatch standard deviation as one more feature map before the
    last layer: the discriminator then sees how much the images of its batch differ.
    """
    images = keras.Input(shape=(image_size, image_size, 3), name="image")
    labels = keras.Input(shape=(), dtype="int32", name="label")
    label_map = _label_map(labels, num_classes, embedding_dim, image_size, 3)
    x = layers.Concatenate()([images, label_map])  # the tutorial's order: image, then label
    # Conv2d(6, 64, 4, stride 2, padding 1, bias=False): 128 -> 64.
    x = layers.ZeroPadding2D(1)(x)
    x = layers.Conv2D(widths[0], 4, strides=2, use_bias=False, kernel_initializer=conv_init())(x)
    x = layers.LeakyReLU(negative_slope=0.2)(x)
    # Conv2d(k=4, stride 3, padding 2, bias=False) + BN: 64 -> 22 -> 8 -> 3.
    for width in widths[1:]:
        x = layers.ZeroPadding2D(2)(x)
        x = layers.Conv2D(width, 4, strides=3, use_bias=False, kernel_initializer=conv_init())(x)
        x = _batch_norm(batchnorm_epsilon)(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    if minibatch_std:
        x = MinibatchStd(group_size=4)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(dropout)(x)
    outputs = _torch_dense(1, x.shape[-1], activation="sigmoid", dtype="float32")(x)
    return keras.Model([images, labels], outputs, name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gans")
class RpsConditionalGAN(GAN):
    """The tutorial's training loop as a `train_step`; `fit` drives it.

    Per batch of real images and their labels, as the tutorial:
    1. the generator makes one fake per real image, *with the real image's
       label* (so fakes follow the data's class balance);
    2. the discriminator learns real -> 1 and fake -> 0, its loss the mean
       of the two BCEs, from two separate passes (so BatchNorm sees real
       and fake batches apart);
    3. the generator learns from the *updated* discriminator calling the
       same fakes real (the tutorial reuses `generated_image`).

    Its labels (real 1, fake 0, no noise, the mean of the two losses) are
    the base class's options, set by the preset.

    Args:
        class_names: the class of each label index, in order; saved with
            the model so that label i means the same class after loading.
        mode_seeking: 0 (off, the tutorial), or the weight of MSGAN's
            mode-seeking term in the generator's loss (`mode_seeking_loss`).
            Not in the tutorial: an option of issue #29, against pictures
            of a class that do not change with their noise.
        **kwargs: as `GAN`.
    """

    CONFIG_KEYS = GAN.CONFIG_KEYS + ("mode_seeking",)

    def __init__(self, discriminator, generator, latent_dim, class_names=None, mode_seeking=0.0, **kwargs):
        super().__init__(discriminator, generator, latent_dim, **kwargs)
        if not mode_seeking >= 0.0:
            raise ValueError(f"mode_seeking must be at least 0, got {mode_seeking!r}")
        self.class_names = list(class_names) if class_names is not None else None
        self.mode_seeking = float(mode_seeking)

    def call(self, inputs, training=None):
        """Generates images from `[noise, labels]`."""
        return self.generator(inputs, training=training)

    def train_step(self, data):
        real_images, labels = self.unpack_batch(data)
        batch_size = tf.shape(real_images)[0]
        noise = self.sample_latent(batch_size)

        # The generator's forward pass is recorded once, on a tape that is
        # resumed for its own update below (PyTorch's `generated_image`).
        with tf.GradientTape() as g_tape:
            fake_images = self.generator([noise, labels], training=True)

        # `discriminate`: the discriminator with `training=True` (Dropout runs), through DiffAugment
        # with --augment; `r1_penalty` is 0 without --r1-gamma.
        with tf.GradientTape() as d_tape:
            real_output = self.discriminate(real_images, labels)
            # `.detach()` in the tutorial: no gradient into the generator here.
            fake_output = self.discriminate(tf.stop_gradient(fake_images), labels)
            d_loss = self.discriminator_loss(real_output, fake_output) + self.r1_penalty(real_images, labels)
        apply_update(self.d_optimizer, d_tape, d_loss, self.discriminator.trainable_variables)

        # `mode_seeking_loss` is 0 without --mode-seeking: the tutorial's generator loss.
        with g_tape:  # resume recording: same fakes, updated discriminator
            fake_output = self.discriminate(fake_images, labels)
            g_loss = self.generator_loss(fake_output) + self.mode_seeking_loss(noise, fake_images, labels)
        apply_update(self.g_optimizer, g_tape, g_loss, self.generator.trainable_variables)
        self.update_ema_generator()

        return self._track(d_loss=d_loss, g_loss=g_loss)

    def mode_seeking_loss(self, noise, fake_images, labels):
        """MSGAN's mode-seeking term (Mao et al., "Mode Seeking Generative Adversarial Networks for
        Diverse Image Synthesis", CVPR 2019); 0 when off, the tutorial's step.

        A second batch of fakes from fresh noise and the same labels: the term is `mode_seeking /
        (ratio + 1e-5)`, with `ratio` the mean absolute difference of the two batches' images over
        that of their noise (`mode_seeking_term`). A generator that ignores its noise (every picture
        of a class the same) has a ratio near 0 and a large term; minimising it pulls the pictures
        of a class apart. Call it in the generator's tape. The second batch also passes through the
        generator's batch normalisation in training mode (its moving statistics see both batches).
        """
        if not self.mode_seeking:
            return 0.0
        other_noise = self.sample_latent(tf.shape(noise)[0])
        other_images = self.generator([other_noise, labels], training=True)
        # Divided by the replicas, as Keras' losses are (see `GAN._track`).
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        return self.mode_seeking * mode_seeking_term(fake_images, other_images, noise, other_noise) / replicas

    def get_config(self):
        config = super().get_config()
        # A plain list: Keras wraps list attributes in a tracking list that cannot be copied.
        config["class_names"] = list(self.class_names) if self.class_names is not None else None
        return config


def mode_seeking_term(images, other_images, noise, other_noise, epsilon=1e-5):
    """`1 / (ratio + epsilon)`, where `ratio = mean|images - other_images| / mean|noise - other_noise|`:
    MSGAN's term, as its authors' code computes it (means over the whole batch)."""
    image_distance = tf.reduce_mean(tf.abs(tf.cast(images, "float32") - tf.cast(other_images, "float32")))
    noise_distance = tf.reduce_mean(tf.abs(tf.cast(noise, "float32") - tf.cast(other_noise, "float32")))
    return 1.0 / (image_distance / noise_distance + epsilon)
