"""CycleGAN (Zhu et al., 2017) as the Keras example "CycleGAN" (keras.io, examples/generative/cyclegan.py).

Two ResNet generators, G: X -> Y and F: Y -> X, and two PatchGAN
discriminators, D_X and D_Y, each with its own Adam (2e-4, beta_1 0.5). The
generators are trained on a least-squares adversarial loss plus the cycle
loss (X -> Y -> X and Y -> X -> Y, weight lambda_cycle = 10) and the identity
loss (G(y) ~ y, F(x) ~ x, weight lambda_cycle * lambda_identity = 5), the
discriminators on the least-squares loss; all four in one `train_step`,
driven by `fit`, as the example.

The example's layers, sizes and initialisers are kept; where it differs:
- TensorFlow Addons' `InstanceNormalization` is gone: Keras'
  `GroupNormalization(groups=-1)` is the same layer (one group per channel,
  the same epsilon and parameters).
- Its bugs are fixed where they happen, each with a comment: the
  reflection padding had no `get_config` (a saved generator reloaded with
  1-pixel padding), the discriminator ignored `num_downsampling`, one
  initialiser object shared by every layer gives identical kernels in Keras 3,
  and the instance norms' gammas started at 0 (an input-blind generator).
- The images may be any square size and 1 or 3 channels (the generators are
  fully convolutional); 256x256x3 is the example's.
"""

import copy

import keras
import numpy as np
import tensorflow as tf

from keras_gans.callbacks import GANMonitor
from keras_gans.models.gan import apply_update

# keras.io: kernel_init and gamma_init, both N(0, 0.02) (the gammas' mean is fixed to 1 below).
INIT_STDDEV = 0.02
IMAGE_SIZE = 256  # keras.io's input_img_size (its random crops of 286x286)


class _Initializers:
    """A fresh N(0, 0.02) initialiser for each layer.

    keras.io shares one `RandomNormal` object between all its layers. In
    Keras 3 an initialiser object draws the same values at every call, so
    every kernel of one shape would start identical (bug fixed): each layer
    gets its own, seeded from `seed` when one is given.
    """

    def __init__(self, seed=None):
        self.seed = seed
        self.count = 0

    def __call__(self, kind="normal"):
        """keras.io's N(0, 0.02) for kernels, N(1, 0.02) for gammas (`kind` "gamma"), or Keras'
        default Glorot uniform (`kind` "glorot")."""
        self.count += 1
        seed = None if self.seed is None else self.seed * 1000 + self.count
        if kind == "glorot":
            return keras.initializers.GlorotUniform(seed=seed)
        # keras.io draws the instance norms' gammas from N(0, 0.02) too (bug fixed): each norm then
        # scales its output by ~0.02, a variance below its epsilon's, so the next one cannot undo it,
        # and the untrained generator draws the same blank image whatever its input (its output's
        # std is ~2e-5). The original CycleGAN's instance norms have no gamma (1 fixed), its batch
        # norms' gammas start N(1, 0.02): so here.
        mean = 1.0 if kind == "gamma" else 0.0
        return keras.initializers.RandomNormal(mean=mean, stddev=INIT_STDDEV, seed=seed)


@keras.saving.register_keras_serializable(package="keras_gans")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by mirroring the border, as keras.io's layer.

    `padding` is keras.io's `(width, height)` pair, each padded on both sides.
    """

    def __init__(self, padding=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.padding = tuple(padding)

    def call(self, inputs):
        padding_width, padding_height = self.padding
        pad = [[0, 0], [padding_height, padding_height], [padding_width, padding_width], [0, 0]]
        return keras.ops.pad(inputs, pad, mode="reflect")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        padding_width, padding_height = self.padding
        height = None if height is None else height + 2 * padding_height
        width = None if width is None else width + 2 * padding_width
        return (batch, height, width, channels)

    def get_config(self):
        # keras.io's layer has no get_config: a saved generator reloaded with the default 1-pixel
        # padding in place of its 3-pixel ones (bug fixed).
        return {**super().get_config(), "padding": list(self.padding)}


def instance_norm(gamma_initializer):
    """keras.io's `tfa.layers.InstanceNormalization(gamma_initializer=...)`."""
    # Instance normalization: GroupNormalization with one group per channel (TF Addons is gone).
    return keras.layers.GroupNormalization(groups=-1, epsilon=1e-3, gamma_initializer=gamma_initializer)


def residual_block(x, activation, init, kernel_size=(3, 3), strides=(1, 1), padding="valid", use_bias=False):
    """keras.io's residual block: (reflect pad, 3x3 conv, instance norm) twice, ReLU between, plus x."""
    dim = x.shape[-1]
    input_tensor = x
    x = ReflectionPadding2D()(input_tensor)
    x = keras.layers.Conv2D(
        dim, kernel_size, strides=strides, kernel_initializer=init(), padding=padding, use_bias=use_bias
    )(x)
    x = instance_norm(init("gamma"))(x)
    x = activation(x)
    x = ReflectionPadding2D()(x)
    x = keras.layers.Conv2D(
        dim, kernel_size, strides=strides, kernel_initializer=init(), padding=padding, use_bias=use_bias
    )(x)
    x = instance_norm(init("gamma"))(x)
    return keras.layers.add([input_tensor, x])


def downsample(
    x, filters, activation, init, kernel_size=(3, 3), strides=(2, 2), padding="same", use_bias=False
):
    """keras.io's downsampling block: a strided convolution, instance norm, then `activation` if any."""
    x = keras.layers.Conv2D(
        filters, kernel_size, strides=strides, kernel_initializer=init(), padding=padding, use_bias=use_bias
    )(x)
    x = instance_norm(init("gamma"))(x)
    return activation(x) if activation else x


def upsample(
    x, filters, activation, init, kernel_size=(3, 3), strides=(2, 2), padding="same", use_bias=False
):
    """keras.io's upsampling block: a transposed convolution, instance norm, then `activation` if any."""
    x = keras.layers.Conv2DTranspose(
        filters, kernel_size, strides=strides, padding=padding, kernel_initializer=init(), use_bias=use_bias
    )(x)
    x = instance_norm(init("gamma"))(x)
    return activation(x) if activation else x


def build_generator(
    image_size=IMAGE_SIZE,
    channels=3,
    filters=64,
    num_downsampling_blocks=2,
    num_residual_blocks=9,
    num_upsample_blocks=2,
    name="generator_G",
    seed=None,
):
    """keras.io's `get_resnet_generator`: c7s1-64, d128, d256, 9 x R256, u128, u64, c7s1-3, tanh.

    11,383,427 parameters at its defaults (256x256x3). `image_size` None
    takes images of any size (a multiple of 4).
    """
    init = _Initializers(seed)
    img_input = keras.layers.Input(shape=(image_size, image_size, channels), name=name + "_img_input")
    x = ReflectionPadding2D(padding=(3, 3))(img_input)
    x = keras.layers.Conv2D(filters, (7, 7), kernel_initializer=init(), use_bias=False)(x)
    x = instance_norm(init("gamma"))(x)
    x = keras.layers.Activation("relu")(x)

    for _ in range(num_downsampling_blocks):
        filters *= 2
        x = downsample(x, filters, keras.layers.Activation("relu"), init)
    for _ in range(num_residual_blocks):
        x = residual_block(x, keras.layers.Activation("relu"), init)
    for _ in range(num_upsample_blocks):
        filters //= 2
        x = upsample(x, filters, keras.layers.Activation("relu"), init)

    # Final block. keras.io leaves this convolution at Keras' defaults (Glorot, with a bias): kept.
    x = ReflectionPadding2D(padding=(3, 3))(x)
    x = keras.layers.Conv2D(channels, (7, 7), padding="valid", kernel_initializer=init("glorot"))(x)
    # float32 under mixed precision, so that the losses see float32.
    x = keras.layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(img_input, x, name=name)


def build_discriminator(
    image_size=IMAGE_SIZE, channels=3, filters=64, num_downsampling=3, name="discriminator_X", seed=None
):
    """keras.io's `get_discriminator`, a 70x70 PatchGAN: C64, C128, C256, C512 (stride 1), then 1 channel.

    2,765,633 parameters at its defaults (256x256x3); a 256x256 image gets a
    32x32 map of real/fake scores (no activation: least squares).
    """
    init = _Initializers(seed)
    img_input = keras.layers.Input(shape=(image_size, image_size, channels), name=name + "_img_input")
    x = keras.layers.Conv2D(filters, (4, 4), strides=(2, 2), padding="same", kernel_initializer=init())(
        img_input
    )
    x = keras.layers.LeakyReLU(0.2)(x)

    num_filters = filters
    # keras.io loops over range(3), whatever num_downsampling says (bug fixed); the last block has stride 1.
    for block in range(num_downsampling):
        num_filters *= 2
        strides = (2, 2) if block < num_downsampling - 1 else (1, 1)
        x = downsample(x, num_filters, keras.layers.LeakyReLU(0.2), init, kernel_size=(4, 4), strides=strides)

    # The patch scores, in float32 under mixed precision (the least-squares losses read them directly).
    x = keras.layers.Conv2D(
        1, (4, 4), strides=(1, 1), padding="same", kernel_initializer=init(), dtype="float32"
    )(x)
    return keras.Model(inputs=img_input, outputs=x, name=name)


# --- The losses, as keras.io passes them to compile ---------------------------------------


@keras.saving.register_keras_serializable(package="keras_gans")
def generator_loss_fn(fake):
    """Least squares: the generator wants its fakes scored 1 (real)."""
    return keras.losses.MeanSquaredError()(tf.ones_like(fake), fake)


@keras.saving.register_keras_serializable(package="keras_gans")
def discriminator_loss_fn(real, fake):
    """Least squares: reals scored 1, fakes 0, the mean of the two."""
    mse = keras.losses.MeanSquaredError()
    return (mse(tf.ones_like(real), real) + mse(tf.zeros_like(fake), fake)) * 0.5


# --- The model ---------------------------------------------------------------------------

NETWORKS = ("gen_G", "gen_F", "disc_X", "disc_Y")
OPTIMIZERS = tuple(f"{network}_optimizer" for network in NETWORKS)
LOSS_NAMES = ("G_loss", "F_loss", "D_X_loss", "D_Y_loss")


@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(keras.Model):
    """Two generators and two discriminators trained together by `fit`, as keras.io's `CycleGan`.

    Batches are pairs `(x, y)`: unpaired images of domain X (horses) and of
    domain Y (zebras). G (`gen_G`) translates X to Y, F (`gen_F`) Y to X;
    D_X and D_Y tell real from translated images of their domain.

    Args:
        generator_G, generator_F: `build_generator`'s models (G: X -> Y, F: Y -> X).
        discriminator_X, discriminator_Y: `build_discriminator`'s models.
        lambda_cycle: weight of the cycle loss (keras.io: 10).
        lambda_identity: weight of the identity loss, relative to the cycle
            loss's (keras.io: 0.5, so 5 in all).

    `generator` and `sampler` are G (what generator.keras holds: X -> Y);
    `translators` is G and F together, one model mapping `[x, y]` to
    `[G(x), F(y)]` (what the scores read and best/ keeps).
    """

    def __init__(
        self,
        generator_G,  # keras.io's names
        generator_F,
        discriminator_X,
        discriminator_Y,
        lambda_cycle=10.0,
        lambda_identity=0.5,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.gen_G = generator_G
        self.gen_F = generator_F
        self.disc_X = discriminator_X
        self.disc_Y = discriminator_Y
        self.lambda_cycle = float(lambda_cycle)
        self.lambda_identity = float(lambda_identity)
        self.loss_trackers = {name: keras.metrics.Mean(name=name) for name in LOSS_NAMES}
        # The four networks arrive built, so the model is too.
        self.built = True

    def compile(
        self,
        gen_G_optimizer=None,  # keras.io's names
        gen_F_optimizer=None,
        disc_X_optimizer=None,
        disc_Y_optimizer=None,
        gen_loss_fn=None,
        disc_loss_fn=None,
        **kwargs,
    ):
        """The four optimizers (default: keras.io's Adam(2e-4, beta_1=0.5)) and the two adversarial losses."""
        # No `optimizer` for Keras itself: the four below do all the updates.
        kwargs.pop("optimizer", None)
        super().compile(optimizer=None, **kwargs)
        given = (gen_G_optimizer, gen_F_optimizer, disc_X_optimizer, disc_Y_optimizer)
        for name, network, optimizer in zip(OPTIMIZERS, NETWORKS, given, strict=True):
            optimizer = optimizer or keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)
            if self.dtype_policy.name == "mixed_float16" and not isinstance(
                optimizer, keras.optimizers.LossScaleOptimizer
            ):
                # Scale the losses so that float16 gradients do not underflow.
                optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
            setattr(self, name, optimizer)
            # Built now, not at the first step, so that a checkpoint can restore their state first.
            optimizer.build(getattr(self, network).trainable_variables)
        self.generator_loss_fn = gen_loss_fn or generator_loss_fn
        self.discriminator_loss_fn = disc_loss_fn or discriminator_loss_fn
        self.cycle_loss_fn = keras.losses.MeanAbsoluteError()
        self.identity_loss_fn = keras.losses.MeanAbsoluteError()

    @property
    def metrics(self):
        # Listed here so that Keras resets them at the start of each epoch.
        return list(self.loss_trackers.values())

    @property
    def optimizers(self):
        """The four optimizers, in `NETWORKS` order."""
        return [getattr(self, name) for name in OPTIMIZERS]

    # --- What is drawn, scored and saved --------------------------------------------------

    @property
    def generator(self):
        """G, X -> Y (horse to zebra): the translator generator.keras holds."""
        return self.gen_G

    @property
    def sampler(self):
        """What the runner saves as generator.keras: G."""
        return self.gen_G

    @property
    def translators(self):
        """G and F as one model, `[x, y] -> [G(x), F(y)]`, sharing their weights: scored and kept in best/."""
        x = keras.Input(shape=self.gen_G.input_shape[1:], name="x")
        y = keras.Input(shape=self.gen_F.input_shape[1:], name="y")
        return keras.Model([x, y], [self.gen_G(x), self.gen_F(y)], name="translators")

    def call(self, inputs, training=None):
        """Translates images of domain X to domain Y (G)."""
        return self.gen_G(inputs, training=training)

    # --- One training step ----------------------------------------------------------------

    def compute_losses(self, real_x, real_y, training=True):
        """Every term of keras.io's losses for one batch: `{name: scalar}`.

        G_loss = adversarial(D_Y(G(x))) + cycle(y, G(F(y))) + identity(y, G(y)),
        F_loss the same the other way; cycle terms are lambda_cycle * MAE,
        identity terms lambda_cycle * lambda_identity * MAE; D_X_loss and
        D_Y_loss are the discriminators' least-squares losses.
        """
        # Horse to fake zebra, zebra to fake horse.
        fake_y = self.gen_G(real_x, training=training)
        fake_x = self.gen_F(real_y, training=training)
        # Cycles: x -> y -> x and y -> x -> y.
        cycled_x = self.gen_F(fake_y, training=training)
        cycled_y = self.gen_G(fake_x, training=training)
        # Identity mappings.
        same_x = self.gen_F(real_x, training=training)
        same_y = self.gen_G(real_y, training=training)
        # Discriminator outputs.
        disc_real_x = self.disc_X(real_x, training=training)
        disc_fake_x = self.disc_X(fake_x, training=training)
        disc_real_y = self.disc_Y(real_y, training=training)
        disc_fake_y = self.disc_Y(fake_y, training=training)

        losses = {
            "adversarial_G": self.generator_loss_fn(disc_fake_y),
            "adversarial_F": self.generator_loss_fn(disc_fake_x),
            "cycle_G": self.cycle_loss_fn(real_y, cycled_y) * self.lambda_cycle,
            "cycle_F": self.cycle_loss_fn(real_x, cycled_x) * self.lambda_cycle,
            "identity_G": self.identity_loss_fn(real_y, same_y) * self.lambda_cycle * self.lambda_identity,
            "identity_F": self.identity_loss_fn(real_x, same_x) * self.lambda_cycle * self.lambda_identity,
            "D_X_loss": self.discriminator_loss_fn(disc_real_x, disc_fake_x),
            "D_Y_loss": self.discriminator_loss_fn(disc_real_y, disc_fake_y),
        }
        for net in ("G", "F"):
            losses[f"{net}_loss"] = (
                losses[f"adversarial_{net}"] + losses[f"cycle_{net}"] + losses[f"identity_{net}"]
            )
        return losses

    def train_step(self, batch_data):
        # x is a horse, y a zebra.
        real_x, real_y, _ = keras.utils.unpack_x_y_sample_weight(batch_data)
        if real_y is None:  # train_on_batch((x, y)): the pair arrives as x
            real_x, real_y = real_x
        # One persistent tape records all four losses; each network is then updated on its own loss.
        with tf.GradientTape(persistent=True) as tape:
            losses = self.compute_losses(real_x, real_y, training=True)
        for name, network, loss in zip(OPTIMIZERS, NETWORKS, LOSS_NAMES, strict=True):
            apply_update(getattr(self, name), tape, losses[loss], getattr(self, network).trainable_variables)
        del tape
        for name, tracker in self.loss_trackers.items():
            tracker.update_state(losses[name])
        return {name: tracker.result() for name, tracker in self.loss_trackers.items()}

    # --- Saving ---------------------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        for argument, network in zip(
            ("generator_G", "generator_F", "discriminator_X", "discriminator_Y"), NETWORKS, strict=True
        ):
            config[argument] = keras.saving.serialize_keras_object(getattr(self, network))
        config.update(lambda_cycle=self.lambda_cycle, lambda_identity=self.lambda_identity)
        return config

    @classmethod
    def from_config(cls, config):
        config = copy.deepcopy(config)  # deserializing consumes the nested dicts
        for argument in ("generator_G", "generator_F", "discriminator_X", "discriminator_Y"):
            config[argument] = keras.saving.deserialize_keras_object(config[argument])
        return cls(**config)

    def get_compile_config(self):
        config = super().get_compile_config() or {}
        for name in OPTIMIZERS:
            config[name] = keras.saving.serialize_keras_object(getattr(self, name))
        config["gen_loss_fn"] = keras.saving.serialize_keras_object(self.generator_loss_fn)
        config["disc_loss_fn"] = keras.saving.serialize_keras_object(self.discriminator_loss_fn)
        return config

    def compile_from_config(self, config):
        config = copy.deepcopy(config)
        for name in (*OPTIMIZERS, "gen_loss_fn", "disc_loss_fn"):
            if config.get(name) is not None:
                config[name] = keras.saving.deserialize_keras_object(config[name])
        self.compile(**config)


def build_cyclegan(
    image_size=IMAGE_SIZE,
    channels=3,
    gen_filters=64,
    disc_filters=64,
    num_residual_blocks=9,
    lambda_cycle=10.0,
    lambda_identity=0.5,
    learning_rate=2e-4,
    beta_1=0.5,
    seed=None,
    jit_compile="auto",
):
    """keras.io's CycleGAN, built and compiled: its networks, losses and four Adam(2e-4, beta_1=0.5)."""

    def seed_of(i):
        return None if seed is None else seed * 10 + i

    model = CycleGAN(
        generator_G=build_generator(
            image_size,
            channels,
            gen_filters,
            num_residual_blocks=num_residual_blocks,
            name="generator_G",
            seed=seed_of(1),
        ),
        generator_F=build_generator(
            image_size,
            channels,
            gen_filters,
            num_residual_blocks=num_residual_blocks,
            name="generator_F",
            seed=seed_of(2),
        ),
        discriminator_X=build_discriminator(
            image_size, channels, disc_filters, name="discriminator_X", seed=seed_of(3)
        ),
        discriminator_Y=build_discriminator(
            image_size, channels, disc_filters, name="discriminator_Y", seed=seed_of(4)
        ),
        lambda_cycle=lambda_cycle,
        lambda_identity=lambda_identity,
        name="cyclegan",
    )
    model.compile(
        *[keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1) for _ in NETWORKS],
        gen_loss_fn=generator_loss_fn,
        disc_loss_fn=discriminator_loss_fn,
        jit_compile=jit_compile,
    )
    return model


# --- Translating, scoring, showing ----------------------------------------------------------


def translate(translators, x, y, batch_size=50):
    """`(G(x), F(y), F(G(x)), G(F(y)))` as numpy arrays, in inference mode.

    `translators` is `CycleGAN.translators` (or a loaded best/translators.keras):
    `[x, y] -> [G(x), F(y)]`. Fed the translations back, it gives the
    cycles. `x` and `y` must hold as many images.
    """
    outputs = [[], [], [], []]
    for start in range(0, len(x), batch_size):
        batch = [x[start : start + batch_size], y[start : start + batch_size]]
        fake_y, fake_x = translators(batch, training=False)
        cycled_y, cycled_x = translators([fake_x, fake_y], training=False)
        for out, value in zip(outputs, (fake_y, fake_x, cycled_x, cycled_y), strict=True):
            out.append(keras.ops.convert_to_numpy(value))
    return tuple(np.concatenate(out) for out in outputs)


def cycle_mae(real, cycled):
    """Mean absolute error of a cycle's reconstruction, in the images' [-1, 1] units (as the cycle loss)."""
    return float(np.mean(np.abs(np.asarray(real, np.float64) - np.asarray(cycled, np.float64))))


def translation_rows(translators, x, y):
    """The figure's images, row after row: x, G(x), F(G(x)), then y, F(y), G(F(y))."""
    fake_y, fake_x, cycled_x, cycled_y = translate(translators, x, y)
    return np.concatenate([x, fake_y, cycled_x, y, fake_x, cycled_y])


class TranslationMonitor(GANMonitor):
    """keras.io's `GANMonitor`, both ways: a figure of fixed test images every `every` epochs.

    Rows: the inputs from X, their translations G(x), their reconstructions
    F(G(x)); then the inputs from Y, F(y), G(F(y)). keras.io draws 4 horses
    and their translations. The figure is `translations_{epoch:03d}.png` in
    `save_dir`, and `final.png` when training ends; the images are saved in
    monitor_inputs.npz, and a resumed run draws the same ones.
    """

    def __init__(self, images_x, images_y, save_dir, every=1):
        if len(images_x) != len(images_y):
            raise ValueError("TranslationMonitor needs as many images of each domain")
        super().__init__(
            num_img=len(images_x),
            save_dir=save_dir,
            inputs=[np.asarray(images_x, "float32"), np.asarray(images_y, "float32")],
            grid_name="translations_{epoch:03d}.png",
            image_name=None,
            cols=len(images_x),
            every=every,
            final_name="final.png",
        )

    def generate(self):
        return translation_rows(self.model.translators, *self.inputs)
