"""StyleGAN (Karras, Laine, Aila, CVPR 2019) as keras.io's "Face image generation with StyleGAN".

A port of keras.io's `examples/generative/stylegan.py` (Soon-Yau Cheong; its Keras 3 version of
2026/03/06) with its layers, sizes and training recipe:

- a **mapping network** (pixel norm, then 8 equalized dense layers of 512 with a 0.01 learning-rate
  multiplier) turns `z` into a style `w`, one copy per resolution stage;
- a **synthesis network** of one block per resolution (4x4, 8x8, ...): a constant input of ones at
  4x4, then per block (upsample and) equalized 3x3 convolutions, each followed by per-channel
  scaled **noise**, LeakyReLU, instance normalisation and **AdaIN** (a scale and a bias from `w`);
  an equalized 1x1 convolution per resolution makes RGB (`to_rgb`);
- a **discriminator** of the mirrored blocks (`from_rgb`, convolutions, average pooling), with a
  minibatch standard deviation feature before its last block;
- **progressive growth**: training starts at 4x4 and adds one resolution at a time; a new block
  first fades in (`alpha` from 0 to 1, the old output upsampled beside it: the "transition"
  phase), then trains alone ("stable");
- the loss is **WGAN-GP** with keras.io's drift term: `D(fake) - D(real) + 10 GP + 0.001 D^2`.

How `fit` drives the growth: the model always holds every block up to `target_size`, and trains
the ones of its current `resolution` (a Python attribute: `set_stage` changes it and re-traces the
train step). `keras_io_schedule` maps the epochs of one `fit` to keras.io's phases, and the
`ProgressiveGrowth` callback sets each epoch's phase before it starts: resolution, batch size,
learning rate, and the step counter from which `alpha` grows. A run resumed at epoch N therefore
trains at the right resolution with nothing but N (and the checkpoint of all the blocks).

Where this differs from keras.io, marked `keras.io:` where it happens:
- the WGAN-GP's two bugs reported in keras.io's WGAN-GP example are fixed (keras-team/keras-io
  #624): the interpolation weights are uniform in [0, 1], one per image, and the gradient norm is
  `sqrt(sum + 1e-12)`, whose gradient is finite where the input gradient is zero (a plain sqrt
  gives NaN there, #910);
- the real images come from one pipeline for every resolution (keras.io makes a loader per
  resolution): by default each file resized nearest-neighbour to each, keras.io's pixels, and
  the step takes its own; `real_resize="average"` takes 2x2 means of bilinear target-size
  images instead, which do not alias;
- the sampler (what `fit`'s monitors, the scores and generator.keras draw from) draws each image's
  noise maps from a fixed seed (`SeededNoise`), so that the same latent vectors give the same
  images at every call; keras.io draws fresh noise, as training does.

The noise carries the layout. keras.io's constant input is ones, and the instance normalisation
after the first noise turns a constant map into zeros: without noise, every image is one flat
colour (the paper learns its constant). So each image needs its own noise maps, as in training;
one map shared by a batch (this port's first sampler) gives every image the same layout.
"""

import dataclasses
import math
import types

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from keras_gans.models.gan import TwoNetworkModel, apply_update

# keras.io's filters per resolution, keyed by log2(resolution) (0 and 1: the 4x4 block's input).
FILTERS = {0: 512, 1: 512, 2: 512, 3: 512, 4: 512, 5: 512, 6: 256, 7: 128, 8: 64, 9: 32, 10: 16}
# keras.io's batch size per resolution (log2), "so larger image size could fit into GPU memory".
KERAS_IO_BATCH_SIZES = {2: 128, 3: 128, 4: 128, 5: 64, 6: 32, 7: 16, 8: 8, 9: 4, 10: 2}
# The sampler's noise: one seed per stage, this plus the stage's index.
NOISE_SEED = 1000


def log2(size):
    """log2 of a power of two; refuses anything else."""
    value = int(round(math.log2(size))) if size >= 1 else -1
    if size < 1 or 2**value != size:
        raise ValueError(f"expected a power of two, got {size}")
    return value


def filters_at(res_log2, max_filters=512):
    """keras.io's filters at resolution 2**res_log2, capped at `max_filters` (small test models)."""
    return min(FILTERS[res_log2], max_filters)


# --- Layers: keras.io's, serializable ---------------------------------------------------


@keras.saving.register_keras_serializable(package="keras_gans")
class PixelNorm(layers.Layer):
    """Each vector divided by its root mean square (keras.io's `pixel_norm`, the mapping's input)."""

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, x):
        return x / keras.ops.sqrt(keras.ops.mean(x**2, axis=-1, keepdims=True) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedDense(layers.Layer):
    """A dense layer with the equalized learning rate: N(0, 1) weights, times sqrt(gain / fan_in) in `call`.

    `learning_rate_multiplier` (the mapping network's 0.01) divides the initial weights and
    multiplies the output, so that the optimizer's steps act 100 times smaller on them.
    """

    def __init__(self, units, gain=2, learning_rate_multiplier=1, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.gain = gain
        self.learning_rate_multiplier = learning_rate_multiplier

    def build(self, input_shape):
        fan_in = input_shape[-1]
        self.w = self.add_weight(
            shape=(fan_in, self.units),
            initializer=keras.initializers.RandomNormal(0.0, 1.0 / self.learning_rate_multiplier),
            name="kernel",
        )
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        self.scale = float(np.sqrt(self.gain / fan_in))

    def call(self, inputs):
        return (keras.ops.matmul(inputs, self.scale * self.w) + self.b) * self.learning_rate_multiplier

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "gain": self.gain,
            "learning_rate_multiplier": self.learning_rate_multiplier,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedConv(layers.Layer):
    """A stride-1 convolution with the equalized learning rate, reflect-padded when `kernel` > 1."""

    def __init__(self, out_channels, kernel=3, gain=2, **kwargs):
        super().__init__(**kwargs)
        self.out_channels = out_channels
        self.kernel = kernel
        self.gain = gain

    def build(self, input_shape):
        fan_in = self.kernel * self.kernel * input_shape[-1]
        self.w = self.add_weight(
            shape=(self.kernel, self.kernel, input_shape[-1], self.out_channels),
            initializer=keras.initializers.RandomNormal(0.0, 1.0),
            name="kernel",
        )
        self.b = self.add_weight(shape=(self.out_channels,), initializer="zeros", name="bias")
        self.scale = float(np.sqrt(self.gain / fan_in))

    def call(self, inputs):
        x = inputs
        if self.kernel > 1:
            p = self.kernel // 2
            x = keras.ops.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")
        return keras.ops.conv(x, self.scale * self.w, strides=1, padding="valid") + self.b

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.out_channels)

    def get_config(self):
        return {
            **super().get_config(),
            "out_channels": self.out_channels,
            "kernel": self.kernel,
            "gain": self.gain,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class AddNoise(layers.Layer):
    """`[x, noise]` -> `x + b * noise`: one learned noise strength per channel, one noise map per image."""

    def build(self, input_shape):
        channels = input_shape[0][-1]
        self.b = self.add_weight(
            shape=(1, 1, 1, channels), initializer=keras.initializers.RandomNormal(0.0, 1.0), name="kernel"
        )

    def call(self, inputs):
        x, noise = inputs
        return x + self.b * noise

    def compute_output_shape(self, input_shape):
        return input_shape[0]


@keras.saving.register_keras_serializable(package="keras_gans")
class AdaIN(layers.Layer):
    """`[x, w]` -> `scale(w) * x + bias(w)`, the two from equalized dense layers (gain 1) of the style `w`.

    The input is already instance-normalised (the `GroupNormalization(groups=-1)` before it, as
    keras.io), so this is adaptive instance normalisation.
    """

    def build(self, input_shape):
        x_shape, w_shape = input_shape
        self.channels = x_shape[-1]
        self.dense_1 = EqualizedDense(self.channels, gain=1, name="scale")
        self.dense_2 = EqualizedDense(self.channels, gain=1, name="bias")
        self.dense_1.build(w_shape)
        self.dense_2.build(w_shape)

    def call(self, inputs):
        x, w = inputs
        scale = keras.ops.reshape(self.dense_1(w), (-1, 1, 1, self.channels))
        bias = keras.ops.reshape(self.dense_2(w), (-1, 1, 1, self.channels))
        return scale * x + bias

    def compute_output_shape(self, input_shape):
        return input_shape[0]


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStd(layers.Layer):
    """Appends one feature map: the standard deviation across groups of `group_size` images, averaged.

    keras.io's groups, of `min(group_size, batch)` images; where that does not divide the batch (a
    last, smaller batch), of the largest size below it that does (1: a spread of 0).
    """

    def __init__(self, group_size=4, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.group_size = group_size
        self.epsilon = epsilon

    def call(self, inputs):
        shape = keras.ops.shape(inputs)
        n, h, w, c = shape[0], shape[1], shape[2], shape[3]
        group = keras.ops.minimum(self.group_size, n)
        for size in range(self.group_size - 1, 0, -1):  # keras.io's reshape needs a divisor of n
            group = keras.ops.where(n % group == 0, group, keras.ops.minimum(size, n))
        x = keras.ops.reshape(inputs, (group, -1, h, w, c))
        std = keras.ops.sqrt(keras.ops.var(x, axis=0) + self.epsilon)
        mean_std = keras.ops.mean(std, axis=[1, 2, 3], keepdims=True)
        return keras.ops.concatenate([inputs, keras.ops.tile(mean_std, (group, h, w, 1))], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size, "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="keras_gans")
class BroadcastStages(layers.Layer):
    """`w` (batch, d) -> (batch, stages, d): the same style for every stage (keras.io tiles it)."""

    def __init__(self, stages, **kwargs):
        super().__init__(**kwargs)
        self.stages = stages

    def call(self, w):
        return keras.ops.tile(keras.ops.expand_dims(w, 1), (1, self.stages, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.stages, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "stages": self.stages}


@keras.saving.register_keras_serializable(package="keras_gans")
class TakeStage(layers.Layer):
    """Styles (batch, stages, d) -> the style of one stage (batch, d)."""

    def __init__(self, index, **kwargs):
        super().__init__(**kwargs)
        self.index = index

    def call(self, w):
        return w[:, self.index]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "index": self.index}


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantInput(layers.Layer):
    """The synthesis network's input: ones (batch, size, size, channels), keras.io's `const_input`.

    Takes any tensor of the batch (the styles) for its batch size. (The paper learns this
    constant; keras.io feeds ones.)
    """

    def __init__(self, size, channels, **kwargs):
        super().__init__(**kwargs)
        self.size = size
        self.channels = channels

    def call(self, reference):
        return keras.ops.ones((keras.ops.shape(reference)[0], self.size, self.size, self.channels))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "channels": self.channels}


@keras.saving.register_keras_serializable(package="keras_gans")
class SeededNoise(layers.Layer):
    """The sampler's noise maps (batch, size, size, 1), drawn from `seed` at every call.

    Each image of a batch gets its own map, as in training (here the noise carries the layout,
    see the module's docstring), and image i of a batch the same map at every call, after saving
    and loading too: the same latent vectors give the same images. Takes any tensor of the batch
    for its batch size.
    """

    def __init__(self, size, seed, **kwargs):
        super().__init__(**kwargs)
        self.size = size
        self.seed = seed

    def call(self, reference):
        # Fixed: one map tiled over the batch (this port's first sampler) gave every image one layout.
        return keras.random.normal((keras.ops.shape(reference)[0], self.size, self.size, 1), seed=self.seed)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, 1)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_gans")
class FadeIn(layers.Layer):
    """`[new, old]` -> `alpha * new + (1 - alpha) * old` (keras.io's `fade_in`).

    `alpha` is this layer's (non-trainable) weight: the train step sets it, and a saved generator
    keeps the value it had.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.alpha = self.add_weight(shape=(), initializer="ones", trainable=False, name="alpha")
        self.built = True

    def build(self, input_shape):
        pass

    def call(self, inputs):
        new, old = inputs
        alpha = keras.ops.cast(self.alpha, new.dtype)
        return alpha * new + (1.0 - alpha) * old

    def compute_output_shape(self, input_shape):
        return input_shape[0]


# --- The networks, as keras.io builds them -------------------------------------------------


def build_mapping(latent_dim=512, w_dim=512, stages=5, num_layers=8, learning_rate_multiplier=0.01):
    """`z` -> styles `w` (batch, stages, w_dim): keras.io's `Mapping` (2,101,248 parameters at 512)."""
    z = keras.Input(shape=(latent_dim,), name="z")
    w = PixelNorm(name="pixel_norm")(z)
    for i in range(num_layers):
        w = EqualizedDense(w_dim, learning_rate_multiplier=learning_rate_multiplier, name=f"dense_{i}")(w)
        w = layers.LeakyReLU(0.2, name=f"lrelu_{i}")(w)
    w = BroadcastStages(stages, name="broadcast")(w)
    return keras.Model(z, w, name="mapping")


def build_generator_block(res, in_shape, filters, w_dim=512, is_base=False):
    """keras.io's generator block `[x, w, noise]` -> features at `res`.

    (Upsampling and a 3x3 convolution unless it is the base block), then twice: noise, LeakyReLU,
    instance normalisation, AdaIN, with a 3x3 convolution between. Both noises use the block's
    one noise map, as keras.io.
    """
    x_in = keras.Input(shape=in_shape, name=f"g_{res}")
    w = keras.Input(shape=(w_dim,), name=f"w_{res}")
    noise = keras.Input(shape=(res, res, 1), name=f"noise_{res}")
    x = x_in
    if not is_base:
        x = layers.UpSampling2D((2, 2))(x)
        x = EqualizedConv(filters, 3)(x)
    for i in range(2):
        if i == 1:
            x = EqualizedConv(filters, 3)(x)
        x = AddNoise()([x, noise])
        x = layers.LeakyReLU(0.2)(x)
        x = layers.GroupNormalization(groups=-1)(x)  # instance normalisation
        x = AdaIN()([x, w])
    return keras.Model([x_in, w, noise], x, name=f"genblock_{res}x{res}")


def build_to_rgb(res, channels):
    """Features -> RGB in [-1, 1] at `res`: an equalized 1x1 convolution (gain 1) and tanh.

    The tanh is here, before the fade-in blends two resolutions' images, as keras.io. (This
    port first put one after the blend: a different step in every transition phase than
    keras.io's, docs/stylegan.md.)
    """
    return keras.Sequential(
        [keras.Input(shape=(res, res, channels)), EqualizedConv(3, 1, gain=1), layers.Activation("tanh")],
        name=f"to_rgb_{res}x{res}",
    )


def build_from_rgb(res, filters):
    """RGB -> features at `res`: an equalized 1x1 convolution and LeakyReLU."""
    return keras.Sequential(
        [keras.Input(shape=(res, res, 3)), EqualizedConv(filters, 1), layers.LeakyReLU(0.2)],
        name=f"from_rgb_{res}",
    )


def build_discriminator_base(res, filters):
    """keras.io's last discriminator block (at the start resolution): minibatch std, conv, dense, score."""
    x_in = keras.Input(shape=(res, res, filters), name=f"d_{res}")
    x = MinibatchStd()(x_in)
    x = EqualizedConv(filters, 3)(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    x = EqualizedDense(filters)(x)
    x = layers.LeakyReLU(0.2)(x)
    x = EqualizedDense(1)(x)
    return keras.Model(x_in, x, name=f"d_{res}")


def build_discriminator_block(res, filters, out_filters):
    """keras.io's discriminator block: two 3x3 convolutions (the second to `out_filters`), 2x2 pooling."""
    x_in = keras.Input(shape=(res, res, filters), name=f"d_{res}")
    x = EqualizedConv(filters, 3)(x_in)
    x = layers.LeakyReLU(0.2)(x)
    x = EqualizedConv(out_filters, 3)(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.AveragePooling2D((2, 2))(x)
    return keras.Model(x_in, x, name=f"d_{res}")


# --- The losses ------------------------------------------------------------------------------


def wasserstein_loss(labels, outputs):
    """keras.io's Wasserstein loss: `-mean(labels * outputs)`, labels 1 (real) or -1 (fake)."""
    return -keras.ops.mean(labels * outputs)


def gradient_norms(gradients):
    """The L2 norm of each image's gradient, `sqrt(sum of squares + 1e-12)`."""
    squares = tf.reduce_sum(tf.square(gradients), axis=tf.range(1, tf.rank(gradients)))
    # keras.io: tf.sqrt(squares), whose gradient is NaN where a gradient is all zeros (keras-io#910).
    return tf.sqrt(squares + 1e-12)


def gradient_penalty(discriminate, real, fake, epsilon):
    """WGAN-GP's penalty `mean((||grad D(x)|| - 1)^2)` at `x = epsilon * real + (1 - epsilon) * fake`.

    `discriminate` maps images to scores; `epsilon` (batch, 1, 1, 1) holds one interpolation
    weight per image. The gradient is the one of the summed scores (keras.io's current version;
    its first version differentiated their mean, which divides each gradient by the batch size).
    """
    real, fake, epsilon = (tf.convert_to_tensor(x, "float32") for x in (real, fake, epsilon))
    interpolates = epsilon * real + (1.0 - epsilon) * fake
    with tf.GradientTape() as tape:
        tape.watch(interpolates)
        scores = discriminate(interpolates)
    gradients = tape.gradient(scores, interpolates)
    return tf.reduce_mean(tf.square(gradient_norms(gradients) - 1.0))


# --- The model --------------------------------------------------------------------------------

_VIEWS = ("generator", "discriminator", "sampler")


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN(TwoNetworkModel):
    """keras.io's StyleGAN: all its networks up to `target_size`, trained by `fit` at `resolution`.

    Args:
        latent_dim: size of `z` (keras.io: 512).
        w_dim: size of the styles `w`, the mapping network's width (keras.io: 512).
        mapping_layers: dense layers of the mapping network (keras.io: 8).
        start_size: the first resolution (keras.io: 4).
        target_size: the last resolution (keras.io: 64).
        max_filters: caps keras.io's filters per resolution (512 up to 32x32, then halving), for
            small models; 512 is keras.io's.
        resolution: the resolution trained now (default: `target_size`, as keras.io's model).
        gp_weight, drift_weight: keras.io's loss weights (10 and 0.001).
        d_steps: discriminator updates per generator update (keras.io: 1).
        real_resize: how a batch of target-size real images reaches the current resolution:
            "nearest" (one pixel of each block, near keras.io's nearest-neighbour resizes; the
            preset's pipeline gives each resolution resized from the files instead, exactly
            keras.io's: `real_images`) or "average" (2x2 means, which do not alias but score
            worse, docs/stylegan.md).
        seed: seed of the latent vectors, noise and interpolation weights drawn in `train_step`.

    `generator` (= `sampler`) and `discriminator` are views at the current resolution, functional
    models over the shared networks: the generator maps `z` to images at `target_size` (the
    current resolution upsampled, nearest neighbour), with seeded noise maps; the discriminator
    scores images at the current resolution. Both use the current fade-in `alpha`.
    """

    CONFIG_KEYS = (
        "latent_dim",
        "w_dim",
        "mapping_layers",
        "start_size",
        "target_size",
        "max_filters",
        "resolution",
        "gp_weight",
        "drift_weight",
        "d_steps",
        "real_resize",
        "seed",
    )

    def __init__(
        self,
        latent_dim=512,
        w_dim=512,
        mapping_layers=8,
        start_size=4,
        target_size=64,
        max_filters=512,
        resolution=None,
        gp_weight=10.0,
        drift_weight=0.001,
        d_steps=1,
        real_resize="nearest",
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.start_log2, self.target_log2 = log2(start_size), log2(target_size)
        if not 2 <= self.start_log2 <= self.target_log2 <= 10:
            raise ValueError(
                f"need 4 <= start_size <= target_size <= 1024, got {start_size} and {target_size}"
            )
        self.latent_dim, self.w_dim, self.mapping_layers = latent_dim, w_dim, mapping_layers
        self.start_size, self.target_size, self.max_filters = start_size, target_size, max_filters
        self.gp_weight, self.drift_weight, self.d_steps = float(gp_weight), float(drift_weight), d_steps
        if real_resize not in ("average", "nearest"):
            raise ValueError(f"real_resize must be 'average' or 'nearest', got {real_resize!r}")
        self.real_resize = real_resize
        self.seed = seed
        self.stages = self.target_log2 - self.start_log2 + 1
        sizes = [2**i for i in range(self.start_log2, self.target_log2 + 1)]

        def filters(i):
            return filters_at(i, max_filters)

        # keras.io's Mapping, Generator and Discriminator builders: every block, built once.
        self.mapping = build_mapping(latent_dim, w_dim, self.stages, mapping_layers)
        self.g_blocks, self.to_rgb, self.d_blocks, self.from_rgb = [], [], [], []
        for i, res in zip(range(self.start_log2, self.target_log2 + 1), sizes, strict=True):
            base = i == self.start_log2
            in_shape = (res, res, filters(i - 1)) if base else (res // 2, res // 2, filters(i - 1))
            self.g_blocks.append(build_generator_block(res, in_shape, filters(i), w_dim, is_base=base))
            self.to_rgb.append(build_to_rgb(res, filters(i)))
            self.from_rgb.append(build_from_rgb(res, filters(i)))
            if base:
                self.d_blocks.append(build_discriminator_base(res, filters(i)))
            else:
                self.d_blocks.append(build_discriminator_block(res, filters(i), filters(i - 1)))
        # The weightless pieces that join them, shared by the train step and the views.
        self.constant = ConstantInput(start_size, filters(self.start_log2 - 1), name="constant_input")
        self.styles = [TakeStage(k, name=f"style_{k}") for k in range(self.stages)]
        self.seeded_noise = [
            SeededNoise(s, NOISE_SEED + k, name=f"seeded_noise_{s}") for k, s in enumerate(sizes)
        ]
        self.fade = FadeIn(name="fade_in")
        self.upsample_rgb = layers.UpSampling2D((2, 2), name="upsample_rgb")
        self.downsample_image = layers.AveragePooling2D((2, 2), name="downsample_image")

        # The fade-in's clock: steps into this phase, and the steps it fades over (0: stable).
        self.phase_step = keras.Variable(0, dtype="int32", trainable=False, name="phase_step")
        self.fade_steps = keras.Variable(0, dtype="int32", trainable=False, name="fade_steps")
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self._views = types.SimpleNamespace(models={})  # not tracked: rebuilt, never saved
        self.resolution = target_size if resolution is None else resolution
        log2(self.resolution)
        if not start_size <= self.resolution <= target_size:
            raise ValueError(f"resolution {self.resolution} is outside {start_size}..{target_size}")
        self.stage_batch_size = None  # the batch trained at this resolution; None: all of it
        self.built = True

    def __dir__(self):
        # Keras saves a model by walking dir(model). The views hold no weight of their own and
        # change with the resolution: left out, so that a checkpoint written at 16x16 loads into
        # a model built at 4x4 (every weight is reached through the networks themselves).
        return [name for name in super().__dir__() if name not in _VIEWS]

    # --- Stages --------------------------------------------------------------------------

    def stage(self, resolution=None):
        """The index of `resolution` (default: the current one) among the stages, 0 at start_size."""
        return log2(resolution or self.resolution) - self.start_log2

    def set_stage(self, resolution, batch_size=None):
        """Trains at `resolution` from now on, on the first `batch_size` images of each batch (None: all).

        The blocks already trained keep their weights: growing only starts using the next block.
        A compiled model's train step is traced again for the new resolution.
        """
        log2(resolution)
        if not self.start_size <= resolution <= self.target_size:
            raise ValueError(f"resolution {resolution} is outside {self.start_size}..{self.target_size}")
        changed = (resolution, batch_size) != (self.resolution, self.stage_batch_size)
        self.resolution, self.stage_batch_size = resolution, batch_size
        if changed and self.compiled:
            self.make_train_function(force=True)

    @property
    def alpha(self):
        """The fade-in weight of the newest block (1: the stable phase)."""
        return self.fade.alpha

    def set_phase(self, phase_step, fade_steps):
        """Sets the fade-in's clock: `phase_step` steps done in a phase fading over `fade_steps` (0: none)."""
        self.phase_step.assign(phase_step)
        self.fade_steps.assign(fade_steps)
        self.fade.alpha.assign(min(phase_step / fade_steps, 1.0) if fade_steps else 1.0)

    # --- The networks at a resolution ---------------------------------------------------

    def synthesize(self, w, noise, resolution=None):
        """Images in [-1, 1] at `resolution` (default: the current one) from styles `w` and noise maps.

        `w` (batch, stages, w_dim); `noise[k]` (batch, s, s, 1) for the stages up to `resolution`.
        keras.io's `Generator.grow`: the new block's image faded in over the previous block's,
        upsampled.
        """
        k = self.stage(resolution)
        w, noise = as_tensor(w), [as_tensor(n) for n in noise]
        x = self.g_blocks[0]([self.constant(w), self.styles[0](w), noise[0]])
        for i in range(1, k):
            x = self.g_blocks[i]([x, self.styles[i](w), noise[i]])
        if k == 0:
            return self.to_rgb[0](x)
        old = self.upsample_rgb(self.to_rgb[k - 1](x))
        x = self.g_blocks[k]([x, self.styles[k](w), noise[k]])
        return self.fade([self.to_rgb[k](x), old])

    def discriminate(self, images, resolution=None):
        """Scores (batch, 1) of images at `resolution` (default: the current one): keras.io's `grow`."""
        k = self.stage(resolution)
        x = self.d_blocks[k](self.from_rgb[k](images))
        if k > 0:
            old = self.from_rgb[k - 1](self.downsample_image(images))
            x = self.fade([x, old])
            for i in range(k - 1, -1, -1):
                x = self.d_blocks[i](x)
        return x

    def generator_variables(self, resolution=None):
        """The trainable variables the generator uses at `resolution`: what keras.io's g_optimizer updates."""
        k = self.stage(resolution)
        parts = [self.mapping, *self.g_blocks[: k + 1], *self.to_rgb[max(0, k - 1) : k + 1]]
        return [v for part in parts for v in part.trainable_variables]

    def discriminator_variables(self, resolution=None):
        """The trainable variables the discriminator uses at `resolution`."""
        k = self.stage(resolution)
        parts = [*self.from_rgb[max(0, k - 1) : k + 1], *self.d_blocks[: k + 1]]
        return [v for part in parts for v in part.trainable_variables]

    def all_generator_variables(self):
        """Every generator-side variable (mapping, all blocks), as the optimizer is built on."""
        return [v for part in (self.mapping, *self.g_blocks, *self.to_rgb) for v in part.trainable_variables]

    def all_discriminator_variables(self):
        return [v for part in (*self.from_rgb, *self.d_blocks) for v in part.trainable_variables]

    # --- Views: functional models at the current resolution ------------------------------

    def _view(self, kind):
        key = (kind, self.resolution)
        if key not in self._views.models:
            build = {"generator": self._generator_view, "discriminator": self._discriminator_view}[kind]
            self._views.models[key] = build(self.resolution)
        return self._views.models[key]

    def _generator_view(self, resolution):
        w = keras.Input(shape=(self.stages, self.w_dim), name="w")
        k = self.stage(resolution)
        noise = [self.seeded_noise[i](w) for i in range(k + 1)]
        images = self.synthesize(w, noise, resolution)
        factor = self.target_size // resolution
        if factor > 1:
            images = layers.UpSampling2D(factor, name="to_target_size")(images)
        synthesis = keras.Model(w, images, name="synthesis")
        z = keras.Input(shape=(self.latent_dim,), name="z")
        name = f"stylegan_generator_{resolution}x{resolution}"
        return keras.Model(z, synthesis(self.mapping(z)), name=name)

    def _discriminator_view(self, resolution):
        images = keras.Input(shape=(resolution, resolution, 3), name="images")
        return keras.Model(
            images,
            self.discriminate(images, resolution),
            name=f"stylegan_discriminator_{resolution}x{resolution}",
        )

    @property
    def generator(self):
        """`z` -> images at `target_size`: the current resolution (upsampled) and `alpha`, seeded noise."""
        return self._view("generator")

    @property
    def sampler(self):
        """What to draw images from: the generator view."""
        return self._view("generator")

    @property
    def discriminator(self):
        """Images at the current resolution -> scores."""
        return self._view("discriminator")

    def call(self, inputs, training=None):
        """Images at `target_size` from latent vectors (the sampler)."""
        return self.generator(inputs, training=training)

    # --- Training ---------------------------------------------------------------------------

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Sets the two optimizers (default: keras.io's Adam(1e-3, beta_1=0, beta_2=0.99, epsilon=1e-8)).

        Each is built on every variable of its networks, all resolutions, so that the checkpoint
        of a run holds the same variables at every stage.
        """
        kwargs.pop("optimizer", None)
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = d_optimizer or keras_io_adam()
        self.g_optimizer = g_optimizer or keras_io_adam()
        self.d_optimizer.build(self.all_discriminator_variables())
        self.g_optimizer.build(self.all_generator_variables())

    def reset_optimizers(self, learning_rate=None):
        """Zeroes both optimizers' state (keras.io makes new ones for every phase) and sets their rate."""
        for optimizer in (self.d_optimizer, self.g_optimizer):
            rate = optimizer_rate(optimizer) if learning_rate is None else learning_rate
            for variable in optimizer.variables:  # the step count and moments (the rate too: set again)
                variable.assign(keras.ops.zeros_like(variable))
            optimizer.learning_rate = rate

    @property
    def metrics(self):
        # Listed here so that Keras resets them at the start of each epoch.
        return [self.d_loss_tracker, self.g_loss_tracker]

    def sample_noise(self, batch_size, resolution=None):
        """Fresh noise maps (batch, s, s, 1) for each stage up to `resolution`."""
        sizes = [2 ** (self.start_log2 + k) for k in range(self.stage(resolution) + 1)]
        return [keras.random.normal((batch_size, s, s, 1), seed=self.seed_generator) for s in sizes]

    def sample_latent(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def discriminator_losses(self, real, fake, epsilon):
        """keras.io's discriminator loss terms on real and fake images at the current resolution.

        `d_loss = loss_fake + loss_real + gp_weight * gp + drift_weight * mean(scores^2)`, with
        `loss_fake = mean(D(fake))`, `loss_real = -mean(D(real))` (the Wasserstein loss, labels -1
        and 1) and `gp` the gradient penalty at interpolates of weights `epsilon` (batch, 1, 1, 1).
        """
        pred_fake = self.discriminate(fake)
        pred_real = self.discriminate(real)
        batch = keras.ops.shape(pred_fake)[0]
        loss_fake = wasserstein_loss(-keras.ops.ones((batch, 1)), pred_fake)
        loss_real = wasserstein_loss(keras.ops.ones((batch, 1)), pred_real)
        gp = gradient_penalty(self.discriminate, real, fake, epsilon)
        drift = keras.ops.mean(keras.ops.concatenate([pred_fake, pred_real], axis=0) ** 2)
        d_loss = loss_fake + loss_real + self.gp_weight * gp + self.drift_weight * drift
        return {"loss_fake": loss_fake, "loss_real": loss_real, "gp": gp, "drift": drift, "d_loss": d_loss}

    def generator_loss(self, fake):
        """The generator wants its images scored as real: `-mean(D(fake))`."""
        pred = self.discriminate(fake)
        return wasserstein_loss(keras.ops.ones_like(pred), pred)

    def real_images(self, images):
        """A batch from the data as this stage trains on it: its first `stage_batch_size` images,
        at the current resolution. A dict of the files resized to each resolution, keyed by the
        size as a string (the preset's pipeline with `real_resize` nearest, as keras.io's
        loader), gives its own; a batch at `target_size` is brought down (`real_resize`: 2x2
        means, or one pixel of each block)."""
        if isinstance(images, dict):
            images = images[str(self.resolution)]
        if self.stage_batch_size:
            images = images[: self.stage_batch_size]
        factor = images.shape[1] // self.resolution
        if factor > 1 and self.real_resize == "nearest":  # near keras.io's resizes, off by a quarter block
            images = images[:, factor // 2 :: factor, factor // 2 :: factor]
        elif factor > 1:  # 2x2 means: no aliasing (keras.io's nearest neighbour aliases)
            images = keras.ops.average_pool(images, factor, strides=factor, padding="valid")
        return images

    def train_step(self, data):
        real = self.real_images(data[0] if isinstance(data, tuple) else data)
        batch = keras.ops.shape(real)[0]
        # The fade-in advances by one step (keras.io: alpha = step / steps in a transition phase).
        self.phase_step.assign_add(1)
        fading = keras.ops.cast(self.phase_step, "float32") / keras.ops.cast(
            keras.ops.maximum(self.fade_steps, 1), "float32"
        )
        self.fade.alpha.assign(keras.ops.where(self.fade_steps > 0, keras.ops.minimum(fading, 1.0), 1.0))

        # Discriminator (first, as keras.io's current version), on fakes of the generator as it is.
        for _ in range(self.d_steps):
            fake = self.synthesize(self.mapping(self.sample_latent(batch)), self.sample_noise(batch))
            fake = keras.ops.stop_gradient(fake)
            # Uniform in [0, 1], one weight per image (keras.io's WGAN-GP draws N(0, 1): keras-io#415).
            epsilon = keras.random.uniform((batch, 1, 1, 1), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                d_loss = self.discriminator_losses(real, fake, epsilon)["d_loss"]
            apply_update(self.d_optimizer, tape, d_loss, self.discriminator_variables())

        # Generator and mapping: fresh latent vectors and noise.
        with tf.GradientTape() as tape:
            fake = self.synthesize(self.mapping(self.sample_latent(batch)), self.sample_noise(batch))
            g_loss = self.generator_loss(fake)
        apply_update(self.g_optimizer, tape, g_loss, self.generator_variables())

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}

    # --- Saving: the sizes; the networks are rebuilt from them --------------------------------

    def get_config(self):
        config = keras.Model.get_config(self)
        config.update({key: getattr(self, key) for key in self.CONFIG_KEYS})
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def as_tensor(x):
    """`x` as a tensor, symbolic ones as they are (Keras' nested calls refuse arrays beside tensors)."""
    return x if isinstance(x, keras.KerasTensor) or tf.is_tensor(x) else tf.convert_to_tensor(x, "float32")


def keras_io_adam(learning_rate=1e-3):
    """keras.io's optimizer for both networks: Adam, beta_1 0, beta_2 0.99, epsilon 1e-8."""
    return keras.optimizers.Adam(learning_rate, beta_1=0.0, beta_2=0.99, epsilon=1e-8)


def optimizer_rate(optimizer):
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


def build_stylegan(learning_rate=1e-3, jit_compile="auto", **options):
    """A StyleGAN (`options`: its arguments) compiled with keras.io's optimizers."""
    model = StyleGAN(name="stylegan", **options)
    model.compile(
        d_optimizer=keras_io_adam(learning_rate),
        g_optimizer=keras_io_adam(learning_rate),
        jit_compile=jit_compile,
    )
    return model


# --- keras.io's progressive schedule, as epochs of one `fit` -------------------------------


@dataclasses.dataclass(frozen=True)
class Phase:
    """One phase of the schedule: `epochs` epochs from `first_epoch` at `resolution`.

    `fading`: the transition phase (the new block fades in, alpha from 0 to 1 over the phase);
    else the stable phase (alpha 1).
    """

    resolution: int
    fading: bool
    first_epoch: int
    epochs: int
    batch_size: int
    learning_rate: float

    @property
    def name(self):
        return "transition" if self.fading else "stable"


def keras_io_schedule(start_size=4, target_size=64, batch_size=128, learning_rate=1e-3):
    """keras.io's `train()` loop as a list of `Phase`s, one `fit` epoch per keras.io `steps_per_epoch`.

    keras.io trains each resolution in a transition phase then a stable one (the start
    resolution: stable only), each of `max(128 / batch, stage number) * steps_per_epoch` steps:
    here that many epochs. The batch is `batch_size` (keras.io: 128) times keras.io's ratio for
    the resolution (128 up to 16x16, 64 at 32x32, 32 at 64x64...), and the learning rate
    `learning_rate` (keras.io: 1e-3) halved at each doubling beyond 8x8, at least 2e-5. With
    keras.io's values, 4 -> 64 is 29 epochs (4 -> 32: 19, 4 -> 16: 11).
    """
    start_log2, target_log2 = log2(start_size), log2(target_size)
    phases, epoch = [], 0
    for i in range(start_log2, target_log2 + 1):
        epochs = max(KERAS_IO_BATCH_SIZES[2] // KERAS_IO_BATCH_SIZES[i], i - start_log2 + 1)
        batch = max(1, batch_size * KERAS_IO_BATCH_SIZES[i] // KERAS_IO_BATCH_SIZES[2])
        rate = max(learning_rate * 0.5 ** max(0, i - 3), 2e-5)
        for fading in (True, False):
            if fading and i == start_log2:
                continue
            phases.append(Phase(2**i, fading, epoch, epochs, batch, rate))
            epoch += epochs
    return phases


def schedule_epochs(schedule):
    """The epochs the whole schedule takes."""
    return schedule[-1].first_epoch + schedule[-1].epochs


def phase_at(schedule, epoch):
    """The phase of `epoch` (from 0); epochs past the schedule extend its last (stable) phase."""
    for phase in reversed(schedule):
        if epoch >= phase.first_epoch:
            return phase
    raise ValueError(f"no phase at epoch {epoch}")


class ProgressiveGrowth(keras.callbacks.Callback):
    """Sets each epoch's phase of `schedule` on the StyleGAN before the epoch trains.

    Resolution and batch (`set_stage`), learning rate, and the fade-in's clock, all from the
    epoch number alone, so that a resumed run goes on exactly where it stopped. At the first
    epoch of a phase both optimizers start afresh, as keras.io's new Adam for every phase.
    `history` lists (epoch, phase) of each epoch begun.
    """

    def __init__(self, schedule, verbose=True):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose
        self.history = []
        self._started = None

    def on_train_begin(self, logs=None):
        self._started = None

    def on_epoch_begin(self, epoch, logs=None):
        phase = phase_at(self.schedule, epoch)
        gan = self.model
        steps = (self.params or {}).get("steps") or 1
        gan.set_stage(phase.resolution, phase.batch_size)
        new_phase = epoch == phase.first_epoch
        if new_phase:
            gan.reset_optimizers()
        for optimizer in (gan.d_optimizer, gan.g_optimizer):
            optimizer.learning_rate = phase.learning_rate
        gan.set_phase((epoch - phase.first_epoch) * steps, phase.epochs * steps if phase.fading else 0)
        self.history.append((epoch, phase))
        if self.verbose and (new_phase or self._started is None):
            end = phase.first_epoch + phase.epochs
            if phase is self.schedule[-1]:  # epochs past the schedule lengthen its last phase
                end = max(end, (self.params or {}).get("epochs") or end)
            where = "starts" if new_phase else f"resumed at epoch {epoch + 1}"
            print(
                f"{phase.resolution}x{phase.resolution} {phase.name} phase "
                f"(epochs {phase.first_epoch + 1}-{end}) "
                f"{where}: batch {phase.batch_size}, learning rate {phase.learning_rate:g}, "
                f"alpha {float(keras.ops.convert_to_numpy(gan.alpha)):.2f}"
            )
        self._started = epoch


# --- What StyleGAN is for: style mixing and the truncation trick -----------------------------


def generator_parts(generator):
    """`(mapping, synthesis)` of a StyleGAN generator (the `sampler`, or a generator.keras)."""
    return generator.get_layer("mapping"), generator.get_layer("synthesis")


def styles(generator, z):
    """The styles `w` (batch, stages, w_dim) of latent vectors `z`."""
    mapping, _ = generator_parts(generator)
    return keras.ops.convert_to_numpy(mapping(np.asarray(z, "float32")))


def images_from_styles(generator, w):
    """Images in [-1, 1] (at target size) drawn from styles `w`, with the generator's seeded noise:
    image i of the batch gets the noise maps of image i of any batch."""
    _, synthesis = generator_parts(generator)
    return keras.ops.convert_to_numpy(synthesis(np.asarray(w, "float32")))


def stages_in_use(generator):
    """How many stages (resolutions) the generator's synthesis uses."""
    return sum(1 for layer in generator.get_layer("synthesis").layers if layer.name.startswith("genblock_"))


def coarse_stages(generator):
    """The paper's coarse styles: how many stages are at most 8x8 (at least 1, and one left fine)."""
    start = generator.get_layer("synthesis").get_layer("constant_input").size
    coarse = max(1, log2(8) - log2(start) + 1)
    return max(1, min(coarse, stages_in_use(generator) - 1))


def mix_styles(w_coarse, w_fine, crossover):
    """Styles with the first `crossover` stages of `w_coarse` and the rest of `w_fine`."""
    w_coarse, w_fine = np.asarray(w_coarse), np.asarray(w_fine)
    return np.concatenate([w_coarse[:, :crossover], w_fine[:, crossover:]], axis=1)


def style_mixing(generator, z_coarse, z_fine, crossover=None):
    """Images whose coarse styles (stages < `crossover`) come from `z_coarse`, the rest from `z_fine`.

    `z_coarse` and `z_fine` pair up image by image. Default crossover: the paper's coarse styles
    (4x4 and 8x8): pose, face shape, hair style; the fine ones bring colours and micro-structure.
    """
    crossover = coarse_stages(generator) if crossover is None else crossover
    return images_from_styles(
        generator, mix_styles(styles(generator, z_coarse), styles(generator, z_fine), crossover)
    )


def style_mixing_grid(generator, z_rows, z_cols, crossover=None):
    """The paper's style-mixing figure as images (rows + 1, cols + 1, H, W, 3) in [-1, 1].

    Row 0 holds the column sources (their own images), column 0 the row sources; cell (i, j)
    takes its coarse styles from row source i and its fine styles from column source j, and the
    noise maps of row source i (the layout, here), so that a row differs by fine styles alone.
    The corner is blank (-1: black).
    """
    crossover = coarse_stages(generator) if crossover is None else crossover
    w_rows, w_cols = styles(generator, z_rows), styles(generator, z_cols)  # each mapped once
    rows, cols = len(w_rows), len(w_cols)
    row_images, col_images = images_from_styles(generator, w_rows), images_from_styles(generator, w_cols)
    grid = np.full((rows + 1, cols + 1, *row_images.shape[1:]), -1.0, "float32")
    grid[0, 1:], grid[1:, 0] = col_images, row_images
    for j in range(cols):  # a batch per column: cell (i, j) is image i, as its row source
        fine = np.repeat(w_cols[j : j + 1], rows, axis=0)
        grid[1:, j + 1] = images_from_styles(generator, mix_styles(w_rows, fine, crossover))
    return grid


def mean_style(generator, n=10000, seed=0):
    """The mean style `w` over `n` latent vectors (1, stages, w_dim): the truncation trick's centre."""
    z = np.random.default_rng(seed).standard_normal((n, generator.inputs[0].shape[-1])).astype("float32")
    w = np.concatenate([styles(generator, z[i : i + 1000]) for i in range(0, n, 1000)])
    return w.mean(axis=0, keepdims=True)


def truncate(w, w_mean, psi):
    """The truncation trick: `w_mean + psi * (w - w_mean)`. psi 1: unchanged; 0: the mean style."""
    return np.asarray(w_mean) + psi * (np.asarray(w) - np.asarray(w_mean))


def truncated_images(generator, z, psi, w_mean=None):
    """Images of `z` with their styles truncated towards `w_mean` (default: `mean_style`) by `psi`."""
    w_mean = mean_style(generator) if w_mean is None else w_mean
    return images_from_styles(generator, truncate(styles(generator, z), w_mean, psi))


def truncation_grid(generator, z, psis=(1.0, 0.7, 0.5, 0.0, -0.5, -1.0), w_mean=None):
    """Images (len(z), len(psis), H, W, 3): each row one `z` with its noise maps, each column one psi
    (the paper's figure 8)."""
    w_mean = mean_style(generator) if w_mean is None else w_mean
    return np.stack([truncated_images(generator, z, psi, w_mean) for psi in psis], axis=1)


def save_grid_figure(grid, path, value_range=(-1.0, 1.0)):
    """Saves images (rows, cols, H, W, 3) as one PNG, tiled in that layout."""
    from keras_gans.plotting import image_grid, save_image, to_uint8

    rows, cols = grid.shape[:2]
    save_image(image_grid(to_uint8(grid.reshape(rows * cols, *grid.shape[2:]), value_range), cols), path)
    return path
