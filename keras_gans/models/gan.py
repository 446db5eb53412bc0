"""The GAN base model: the Keras "overriding `train_step`" pattern, written once.

Every GAN in the project is this class or a subclass whose `train_step`
differs. What tutorials disagree on without changing the step (which side is
labelled 1, label noise, one-sided label smoothing, whether the
discriminator's two losses are summed or averaged) are named options here,
set by each tutorial's preset, the way keras.io's `wgan_gp.py` passes its
loss functions in. `fit` drives it.
"""

import copy

import keras
import tensorflow as tf

from keras_gans.augment import diff_augment, parse_policy


def apply_update(optimizer, tape, loss, variables):
    """One optimizer update of `variables` from `loss` recorded on `tape`: every model's step ends so."""
    # Loss scaling (mixed precision): backpropagate `scale` instead of 1,
    # which is the gradient of `scale * loss` (scale_loss is the identity
    # for an optimizer that is not loss-scaled). The optimizer unscales.
    scale = optimizer.scale_loss(tf.ones_like(loss))
    grads = tape.gradient(loss, variables, output_gradients=scale)
    optimizer.apply_gradients(zip(grads, variables, strict=True))


class TwoNetworkModel(keras.Model):
    """A discriminator and a generator with an optimizer each, saved with them: base of GAN, DGGAN, StyleGAN.

    A subclass gives `self.discriminator` and `self.generator` (Keras
    models): set in its constructor (GAN, DGGAN) or properties (StyleGAN's
    views at the current resolution); it sets `self.d_optimizer`,
    `self.g_optimizer` in `compile`, and names the other constructor
    arguments that its config holds (`CONFIG_KEYS`) and the other objects
    that `compile` takes (`COMPILE_KEYS`). The config holds the two
    networks; a subclass that rebuilds them from its sizes (StyleGAN)
    overrides `get_config` and `from_config`.
    """

    CONFIG_KEYS = ()
    COMPILE_KEYS = ("d_optimizer", "g_optimizer")

    def get_config(self):
        config = super().get_config()
        for key in ("discriminator", "generator"):
            config[key] = keras.saving.serialize_keras_object(getattr(self, key))
        for key in self.CONFIG_KEYS:
            value = getattr(self, key)
            config[key] = list(value) if isinstance(value, tuple) else value
        return config

    def get_compile_config(self):
        config = super().get_compile_config() or {}
        for key in self.COMPILE_KEYS:
            config[key] = keras.saving.serialize_keras_object(getattr(self, key))
        return config

    def compile_from_config(self, config):
        config = copy.deepcopy(config)
        for key in self.COMPILE_KEYS:
            if config.get(key) is not None:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        self.compile(**config)

    @classmethod
    def from_config(cls, config):
        config = copy.deepcopy(config)  # deserializing consumes the nested dicts
        for key in ("discriminator", "generator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(TwoNetworkModel):
    """A generator and a discriminator trained against each other by `fit`.

    The defaults are the conventions of the Keras example "DCGAN to generate
    face images", whose `GAN` class this step follows: the discriminator
    outputs the probability that an image is *fake* (label 1 for fake, 0 for
    real), its labels get `label_noise * uniform` added (a trick the example
    uses to soften the discriminator), and its loss is one cross-entropy over
    fakes and reals together. The generator then gets fresh latent vectors
    and "misleading" labels (all real). Two things differ from the example's
    class: both networks run with `training=True`, so the discriminator's
    Dropout drops (the example's calls leave it in inference mode), and the
    label noise, like the latent vectors, comes from the model's seeded
    generator (`seed`), so a seeded run repeats.

    Args:
        discriminator: model mapping images to one output each.
        generator: model mapping latent vectors to images.
        latent_dim: size of the latent vectors.
        real_label: the label of real images, 0.0 (keras.io's face example)
            or 1.0 (most tutorials); fakes get the other one.
        label_noise: amplitude of the uniform noise that keras.io's example
            adds to every discriminator label; 0 turns it off.
        label_smoothing: one-sided label smoothing (Salimans et al. 2016, a
            tip of the conditional-GAN tutorial): the discriminator's real
            labels move this far towards the fake label (0.1 makes a real
            label of 1 into 0.9); fake labels and the generator's stay hard.
        d_loss_reduction: "mean" (the two cross-entropies averaged, as one
            cross-entropy over the whole batch of fakes and reals) or "sum"
            (added, as the TensorFlow DCGAN tutorial writes it).
        ema_decay: 0 (off), or the decay of an exponential moving average of
            the generator's weights (`ema_generator`, as keras.io's GAN-ADA
            keeps one), updated after each of its steps with a decay that
            warms up (`update_ema_generator`): the average
            draws smoother images than the last step's weights. `sampler`
            is what to draw from: the average when it is on.
        augment: "" (off), or DiffAugment's policies to apply to every image
            the discriminator sees, real and fake, in both networks' steps:
            names from `keras_gans.augment.POLICIES`, comma-separated (e.g.
            "color,translation,cutout"). Not in any tutorial: an option of
            issue #29's improved training.
        r1_gamma: 0 (off), or the weight of the R1 penalty (Mescheder et al.
            2018) added to the discriminator's loss: `r1_gamma / 2` times
            the mean squared norm of its logit's gradient at real images.
        seed: seed of the latent vectors and label noise drawn in
            `train_step`.
    """

    CONFIG_KEYS = (
        "latent_dim",
        "real_label",
        "label_noise",
        "label_smoothing",
        "d_loss_reduction",
        "ema_decay",
        "augment",
        "r1_gamma",
        "seed",
    )
    COMPILE_KEYS = ("d_optimizer", "g_optimizer", "loss_fn")

    def __init__(
        self,
        discriminator,
        generator,
        latent_dim,
        real_label=0.0,
        label_noise=0.05,
        label_smoothing=0.0,
        d_loss_reduction="mean",
        ema_decay=0.0,
        augment="",
        r1_gamma=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not 0.0 <= ema_decay < 1.0:
            raise ValueError(f"ema_decay must be at least 0 and below 1, got {ema_decay!r}")
        if not r1_gamma >= 0.0:
            raise ValueError(f"r1_gamma must be at least 0, got {r1_gamma!r}")
        self.augment_policy = parse_policy(augment)  # ValueError names an unknown one
        if real_label not in (0.0, 1.0):
            raise ValueError(f"real_label must be 0 or 1, got {real_label!r}")
        if d_loss_reduction not in ("mean", "sum"):
            raise ValueError(f'd_loss_reduction must be "mean" or "sum", got {d_loss_reduction!r}')
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.real_label = float(real_label)
        self.label_noise = label_noise
        self.label_smoothing = label_smoothing
        self.d_loss_reduction = d_loss_reduction
        self.ema_decay = float(ema_decay)
        self.ema_generator = None
        if self.ema_decay:
            # The average starts as the generator itself.
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        self.augment = ",".join(self.augment_policy)
        self.r1_gamma = float(r1_gamma)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        # The augmentations' draws come from a stream of their own, made only when they are on:
        # a model without them has the variables (and the latent vectors) it always had.
        self.augment_seed_generator = None
        if self.augment_policy:
            self.augment_seed_generator = keras.random.SeedGenerator(None if seed is None else seed + 1)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        # The two networks arrive built, so the GAN is too.
        self.built = True

    def compile(self, d_optimizer=None, g_optimizer=None, loss_fn=None, **kwargs):
        """Sets the two optimizers and the loss; defaults are the tutorial's."""
        # No `optimizer` for Keras itself: the two below do all the updates.
        kwargs.pop("optimizer", None)
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(1e-4)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(1e-4)
        # The tutorial's text writes BinaryCrossentropy(from_logits=True)
        # under a sigmoid output; the sigmoid is the model's, so no logits.
        self.loss_fn = loss_fn or keras.losses.BinaryCrossentropy()
        if self.dtype_policy.name == "mixed_float16":
            # Scale the losses so that float16 gradients do not underflow.
            # (bfloat16 has float32's exponent range: it needs no scaling.)
            self.d_optimizer = _loss_scaled(self.d_optimizer)
            self.g_optimizer = _loss_scaled(self.g_optimizer)
        # Built now, not at the first step, so that a checkpoint holding
        # their state can be restored before training starts.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        # Listed here so that Keras resets them at the start of each epoch.
        return [self.d_loss_tracker, self.g_loss_tracker]

    @property
    def sampler(self):
        """The generator to draw images from: the moving average of its weights, when there is one."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def call(self, inputs, training=None):
        """Generates images from latent vectors."""
        return self.generator(inputs, training=training)

    @staticmethod
    def unpack_batch(data):
        """(images, labels) from what `fit` or `train_on_batch` passes to a conditional `train_step`."""
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if labels is None:  # train_on_batch((images, labels)): the pair arrives as x
            images, labels = images
        return images, labels

    # --- Randomness -----------------------------------------------------

    def _draw(self, batch_size, features, distribution="normal", seed_generator=None):
        """Draws this replica's share of one global random tensor.

        Under a `tf.distribute` strategy each replica sees `1/n` of the
        global batch. Every replica draws the same global tensor (the seed
        state is shared) and keeps its own slice, so replicas get
        independent values and a distributed step sees exactly the values a
        single-device step on the whole global batch would.
        """
        context = tf.distribute.get_replica_context()
        replicas = context.num_replicas_in_sync if context else 1
        replica = context.replica_id_in_sync_group if context else 0
        draw = keras.random.normal if distribution == "normal" else keras.random.uniform
        values = draw((batch_size * replicas, features), seed=seed_generator or self.seed_generator)
        return values[replica * batch_size : (replica + 1) * batch_size]

    def sample_latent(self, batch_size):
        """Latent vectors `z ~ N(0, I)` for a batch."""
        return self._draw(batch_size, self.latent_dim)

    # --- What the discriminator sees: augmented when on; R1 -----------------

    def discriminate(self, images, *conditions, training=True):
        """The discriminator on `images` (and its other inputs, e.g. labels), through DiffAugment when on.

        Every step calls the discriminator through here, on reals and fakes alike, so both
        networks see the same augmentations; off (the tutorials' default), it is the plain call.
        `training=True` matters: without it Keras 3 runs the discriminator's Dropout in inference
        mode (it never drops).
        """
        if self.augment_policy:

            def uniform(n):  # U(0, 1) draws, n per image, from the augmentations' own stream
                return self._draw(tf.shape(images)[0], n, "uniform", self.augment_seed_generator)

            images = diff_augment(images, self.augment_policy, uniform)
        return self.discriminator([images, *conditions] if conditions else images, training=training)

    def source_logit(self, output):
        """The discriminator's real-or-fake output as a logit (a sigmoid's output is turned back)."""
        if isinstance(output, (list, tuple)):  # ACGAN's (source, class): the first
            output = output[0]
        if getattr(self.loss_fn, "from_logits", False):
            return output
        probability = tf.clip_by_value(output, 1e-7, 1.0 - 1e-7)
        return tf.math.log(probability) - tf.math.log1p(-probability)

    def r1_penalty(self, real_images, *conditions):
        """`r1_gamma / 2 * E[|grad_x D(x)|^2]` at real images `x` (0 when off); call it in the
        discriminator's tape, so that its own gradient reaches the discriminator's weights."""
        if not self.r1_gamma:
            return 0.0
        real_images = tf.cast(real_images, self.compute_dtype)
        with tf.GradientTape() as tape:
            tape.watch(real_images)
            logits = self.source_logit(self.discriminate(real_images, *conditions))
        # The gradient of the logits' sum: each image's own gradient (under batch normalisation, plus
        # its share in the others' logits, as in the usual implementations).
        gradients = tape.gradient(logits, real_images)
        squared_norms = tf.reduce_sum(tf.square(tf.cast(gradients, "float32")), axis=[1, 2, 3])
        # Divided by the replicas, as Keras' losses are (see `_track`).
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        return self.r1_gamma / 2.0 * tf.reduce_mean(squared_norms) / replicas

    # --- Losses: the label conventions above, in one place ------------------

    def noisy_labels(self, outputs, value):
        """Labels `value` for `outputs`, plus `label_noise * U(0, 1)` (keras.io's trick)."""
        labels = tf.fill(tf.shape(outputs), tf.cast(value, outputs.dtype))
        if self.label_noise:
            noise = self._draw(tf.shape(outputs)[0], 1, "uniform")
            labels += self.label_noise * tf.cast(noise, outputs.dtype)
        return labels

    def discriminator_loss(self, real_output, fake_output):
        """Reals against the real label (smoothed), fakes against the other one."""
        fake_label = 1.0 - self.real_label
        real_label = self.real_label + self.label_smoothing * (fake_label - self.real_label)
        # Fakes first: the order in which keras.io's example draws its label noise.
        fake_labels = self.noisy_labels(fake_output, fake_label)
        real_labels = self.noisy_labels(real_output, real_label)
        loss = self.loss_fn(fake_labels, fake_output) + self.loss_fn(real_labels, real_output)
        return loss / 2 if self.d_loss_reduction == "mean" else loss

    def generator_loss(self, fake_output):
        """The generator wants its images called real."""
        labels = tf.fill(tf.shape(fake_output), tf.cast(self.real_label, fake_output.dtype))
        return self.loss_fn(labels, fake_output)

    # --- One training step ---------------------------------------------

    def train_step(self, data):
        real_images = data[0] if isinstance(data, tuple) else data
        batch_size = tf.shape(real_images)[0]

        # Discriminator: one pass over fakes and reals together, as the
        # tutorial does. `discriminate` is `self.discriminator(images,
        # training=True)` (through DiffAugment with --augment), and
        # `r1_penalty` is 0 without --r1-gamma: the tutorial's step.
        fake_images = self.generator(self.sample_latent(batch_size), training=True)
        images = tf.concat([fake_images, tf.cast(real_images, fake_images.dtype)], 0)
        with tf.GradientTape() as tape:
            outputs = self.discriminate(images)
            fake_output, real_output = tf.split(outputs, 2, axis=0)
            d_loss = self.discriminator_loss(real_output, fake_output) + self.r1_penalty(real_images)
        apply_update(self.d_optimizer, tape, d_loss, self.discriminator.trainable_variables)

        # Generator: fresh latent vectors, discriminator weights left alone.
        with tf.GradientTape() as tape:
            fake_images = self.generator(self.sample_latent(batch_size), training=True)
            fake_output = self.discriminate(fake_images)
            g_loss = self.generator_loss(fake_output)
        apply_update(self.g_optimizer, tape, g_loss, self.generator.trainable_variables)
        self.update_ema_generator()

        return self._track(d_loss=d_loss, g_loss=g_loss)

    def update_ema_generator(self):
        """After each generator update: average <- decay * average + (1 - decay) * weights, if on.

        Every weight is averaged, BatchNorm's moving statistics too. The decay warms up as
        `tf.train.ExponentialMovingAverage` does with `num_updates`: after the n-th update it is
        min(ema_decay, (1 + n) / (10 + n)), so the average forgets the initial weights within
        the run (0.18 at the first update, 0.99 at the 890th, 0.999 from the 8,990th). Without
        it, 0.999 still holds 31% of the initial weights after 1,175 updates (five epochs of
        the MNIST DCGAN) and draws blurs.
        """
        if self.ema_generator is None:
            return
        context = tf.distribute.get_replica_context()
        if context is not None and context.num_replicas_in_sync > 1:
            # Mirrored weights are the same on every replica after the update: the average is
            # updated once, from outside the replicas, and mirrored to each.
            context.merge_call(lambda strategy: self._average_generator())
        else:
            self._average_generator()

    def _average_generator(self):
        updates = tf.cast(self.g_optimizer.iterations, "float32")
        decay = tf.minimum(self.ema_decay, (1.0 + updates) / (10.0 + updates))
        for average, weight in zip(self.ema_generator.weights, self.generator.weights, strict=True):
            kept = tf.cast(decay, average.dtype)
            average.assign(kept * average + (1.0 - kept) * tf.cast(weight, average.dtype))

    def _track(self, **losses):
        """Updates the loss trackers and returns their current values.

        Keras' losses divide by the number of replicas (so that the summed
        gradients average over the global batch); the trackers report the
        loss itself, so that multiplication is undone here.
        """
        strategy = tf.distribute.get_strategy()
        trackers = {m.name: m for m in self.metrics}
        for name, value in losses.items():
            trackers[name].update_state(tf.cast(value, "float32") * strategy.num_replicas_in_sync)
        results = {m.name: m.result() for m in self.metrics}
        if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
            # Keras 3 averages step outputs across workers along axis 0,
            # which fails on scalars (tensorflow/tensorflow#72388): give it 1-vectors.
            results = {name: tf.reshape(value, [1]) for name, value in results.items()}
        return results

    # --- Saving: the two networks and optimizers as every model here (TwoNetworkModel)

    @classmethod
    def from_config(cls, config):
        if "real_label" not in config:  # saved before the label conventions were options
            from keras_gans.legacy import LEGACY_CONVENTIONS  # here: keras_gans.legacy imports this module

            config = {**config, **LEGACY_CONVENTIONS.get(cls.__name__, {})}
        return super().from_config(config)


def _loss_scaled(optimizer):
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)
