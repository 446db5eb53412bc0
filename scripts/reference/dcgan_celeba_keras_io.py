"""The face DCGAN's original code, run here as the yardstick for the `dcgan_celeba` port (issue #27).

Two variants, chosen with `--variant`:

`keras_io`: keras.io's example as published, "DCGAN to generate face images" by fchollet
    (keras-team/keras-io, `examples/generative/dcgan_overriding_train_step.py`, the Keras 3
    version, "Last modified: 2023/12/21";
    https://keras.io/examples/generative/dcgan_overriding_train_step/): sigmoid generator on
    [0, 1] data, `BinaryCrossentropy()` on the discriminator's sigmoid, `Adam(1e-4)` for both
    networks, latents from `keras.random.SeedGenerator(1337)`.
`text`: the tutorial text the project ports (`../shared/seeds/000_22ad9e9bb2774d2f.txt`,
    "DCGAN to generate face images", an adaptation of that example): the same layers except a
    `tanh` generator output, still on the same [0, 1] data (its sections 2.2.2 and 2.4);
    `BinaryCrossentropy(from_logits=True)` on the same sigmoid discriminator and
    `Adam(learning_rate=0.0002, beta_1=0.5)` for both (section 2.7); latents from the global
    `tf.random.normal` (section 2.5); its own `GANMonitor`, which saves `(x + 1) * 127.5` as if
    the outputs were in [-1, 1] (section 2.6).

Everything else is each source's code, kept verbatim (layers, training step, labels: fakes 1,
reals 0, `U(0, 0.05)` noise on every label, data loading and scaling, batch 32, 64x64 images,
10 sample images per epoch). The changes, all of them needed to run here:

1. Data: `--data-dir`, a folder of images, replaces the Google Drive download into `celeba_gan/`
   (no internet here). It is passed unchanged to the source's `image_dataset_from_directory`
   (which accepts a folder of images or a folder of folders); the runs use the 3,000 CelebA faces
   of `../shared/data/celeba/img_align_celeba`, the project's. The sample-image display
   (matplotlib `plt.imshow`, section 2.2.3) is left out: nothing is shown here.
2. `--epochs` (keras.io: `epochs = 1  # In practice, use ~100 epochs`; the text: `epochs = 1`).
3. `--seed`: `keras.utils.set_random_seed(seed)` first (Python, NumPy and TensorFlow's global
   seed; the sources are unseeded). It seeds the weights, the data order (the loader's shuffle
   seed is drawn from NumPy), the label noise and the text's latents. keras.io's latents come
   from its own `SeedGenerator(1337)`, kept: both of its seeds share that latent stream.
4. `--output-dir`: keras.io's `GANMonitor` saved its PNGs into the working directory; here they
   go to `<output-dir>/samples/` (the text's `GANMonitor` takes a `save_dir`, given that folder).
5. A hook, the `SaveAndResume` callback (added): after each epoch it saves the generator as
   `<output-dir>/generator_epoch_NNNN.keras` (NNNN = epochs done, from 0001), appends the
   epoch's mean `d_loss`/`g_loss` and its seconds to `<output-dir>/losses.json`, and writes a
   `tf.train.Checkpoint` of both networks, both optimizers (Adam's moments and step count) and
   keras.io's seed generator, then `state.json` last, naming the epoch and the checkpoint.
   A rerun of the same command reads `state.json`, builds the optimizers' slots
   (`optimizer.build(network.trainable_variables)`, what their first `apply_gradients` does),
   restores the checkpoint and continues with `fit(..., initial_epoch=<epochs done>)`. A run
   killed mid-epoch loses only that epoch. The data order and TensorFlow's global random stream
   restart from the seed on resume (they are not checkpointed), so a resumed run is a different
   draw than an uninterrupted one, not a replay.
6. The text's section 2.7 (the training cell) loads MNIST (28x28x1) into `dataset` and redefines
   `GAN` as a placeholder whose `compile` and `fit` do nothing; run as written it trains nothing
   (and MNIST could not feed its 64x64x3 discriminator). Here the text's variant trains its
   CelebA `dataset` (section 2.2.2) with its real `GAN` class (section 2.5) and takes only the
   compile settings and the `GANMonitor(num_img=10, ...)` call from 2.7.
7. `<output-dir>/run.json` records the variant, seed, versions, CPU and data (added).
8. `--mixed-precision bfloat16` (added; off by default): `keras.config.set_dtype_policy(
   "mixed_bfloat16")` before anything is built, as the port's `--mixed-precision bfloat16`: the
   layers compute in bfloat16 and keep float32 weights, the losses stay float32. It makes an
   epoch several times shorter on a CPU with AVX512_BF16 or AMX (scripts/reference/README.md),
   which the 12-epoch comparison of the port's bfloat16 runs needs. The text's
   `tf.concat` of bfloat16 fakes and float32 reals then fails on the dtypes, so its fakes are
   cast to the reals' float32 there (the discriminator casts both back to bfloat16 at its first
   layer, as keras.io's `ops.concatenate`, which promotes them itself, does).

Imports only Keras, TensorFlow and NumPy (never keras_gans). Both generators are trained to
match images in [0, 1]: score them with `value_range=(0, 1)` (the text's tanh can also go
below 0; its own monitor's `(x + 1) * 127.5` is its display error, not the data's range).

    python scripts/reference/dcgan_celeba_keras_io.py --variant keras_io \\
        --data-dir ../shared/data/celeba/img_align_celeba --epochs 12 --mixed-precision bfloat16 --seed 0 \\
        --output-dir runs/reference/dcgan_celeba/keras_io_seed0
"""

# The sources' code is kept as published, so this file is exempt from the rules it trips:
# ruff: noqa: I001, B905, UP008, UP031, NPY002, E501

import argparse
import json
import os
import sys
import time

import keras
import numpy as np
import tensorflow as tf
from run_files import cpu_model, keras_versions, write_json

BATCH_SIZE = 32  # both sources' (and the project preset's)
IMAGE_SIZE = 64  # both sources' (and the project preset's)


# --------------------------------------------------------------------------------------------
# keras.io, examples/generative/dcgan_overriding_train_step.py (Keras 3, 2023/12/21), verbatim
# but for the marked lines.
# --------------------------------------------------------------------------------------------
def keras_io(data_dir, samples_dir):
    from keras import layers
    from keras import ops

    # CHANGED (1): `data_dir` instead of the downloaded "celeba_gan".
    dataset = keras.utils.image_dataset_from_directory(
        data_dir, label_mode=None, image_size=(64, 64), batch_size=32
    )
    dataset = dataset.map(lambda x: x / 255.0)

    discriminator = keras.Sequential(
        [
            keras.Input(shape=(64, 64, 3)),
            layers.Conv2D(64, kernel_size=4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(128, kernel_size=4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(128, kernel_size=4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Flatten(),
            layers.Dropout(0.2),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="discriminator",
    )
    discriminator.summary()

    latent_dim = 128

    generator = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense(8 * 8 * 128),
            layers.Reshape((8, 8, 128)),
            layers.Conv2DTranspose(128, kernel_size=4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(256, kernel_size=4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(512, kernel_size=4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(3, kernel_size=5, padding="same", activation="sigmoid"),
        ],
        name="generator",
    )
    generator.summary()

    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.seed_generator = keras.random.SeedGenerator(1337)

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn
            self.d_loss_metric = keras.metrics.Mean(name="d_loss")
            self.g_loss_metric = keras.metrics.Mean(name="g_loss")

        @property
        def metrics(self):
            return [self.d_loss_metric, self.g_loss_metric]

        def train_step(self, real_images):
            # Sample random points in the latent space
            batch_size = ops.shape(real_images)[0]
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )

            # Decode them to fake images
            generated_images = self.generator(random_latent_vectors)

            # Combine them with real images
            combined_images = ops.concatenate([generated_images, real_images], axis=0)

            # Assemble labels discriminating real from fake images
            labels = ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
            # Add random noise to the labels - important trick!
            labels += 0.05 * tf.random.uniform(tf.shape(labels))

            # Train the discriminator
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined_images)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

            # Sample random points in the latent space
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )

            # Assemble labels that say "all real images"
            misleading_labels = ops.zeros((batch_size, 1))

            # Train the generator (note that we should *not* update the weights
            # of the discriminator)!
            with tf.GradientTape() as tape:
                predictions = self.discriminator(self.generator(random_latent_vectors))
                g_loss = self.loss_fn(misleading_labels, predictions)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

            # Update metrics
            self.d_loss_metric.update_state(d_loss)
            self.g_loss_metric.update_state(g_loss)
            return {
                "d_loss": self.d_loss_metric.result(),
                "g_loss": self.g_loss_metric.result(),
            }

    class GANMonitor(keras.callbacks.Callback):
        def __init__(self, num_img=3, latent_dim=128):
            self.num_img = num_img
            self.latent_dim = latent_dim
            self.seed_generator = keras.random.SeedGenerator(42)

        def on_epoch_end(self, epoch, logs=None):
            random_latent_vectors = keras.random.normal(
                shape=(self.num_img, self.latent_dim), seed=self.seed_generator
            )
            generated_images = self.model.generator(random_latent_vectors)
            generated_images *= 255
            generated_images.numpy()
            for i in range(self.num_img):
                img = keras.utils.array_to_img(generated_images[i])
                # CHANGED (4): into `samples_dir`, not the working directory.
                img.save(os.path.join(samples_dir, "generated_img_%03d_%d.png" % (epoch, i)))

    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=0.0001),
        g_optimizer=keras.optimizers.Adam(learning_rate=0.0001),
        loss_fn=keras.losses.BinaryCrossentropy(),
    )
    callbacks = [GANMonitor(num_img=10, latent_dim=latent_dim)]
    return gan, dataset, callbacks


# --------------------------------------------------------------------------------------------
# The text, ../shared/seeds/000_22ad9e9bb2774d2f.txt, sections 2.2.2 to 2.7, verbatim (its
# comments translated) but for the marked lines.
# --------------------------------------------------------------------------------------------
def text(data_dir, samples_dir):
    # 2.2.2
    from tensorflow.keras.preprocessing import image_dataset_from_directory

    # Load the dataset
    dataset = image_dataset_from_directory(
        data_dir,  # CHANGED (1): `data_dir` instead of the downloaded "celeba_gan".
        label_mode=None,
        image_size=(64, 64),
        batch_size=32,
        # If needed, shuffle=True and a seed can be added to shuffle the data
    )

    # Scale the images to [0, 1] with map
    dataset = dataset.map(lambda x: x / 255.0, num_parallel_calls=tf.data.AUTOTUNE)

    # 2.3
    from tensorflow.keras.models import Sequential
    from tensorflow.keras.layers import Input, Conv2D, LeakyReLU, Flatten, Dropout, Dense

    # Create the discriminator
    discriminator = Sequential(
        [
            Input(shape=(64, 64, 3)),
            Conv2D(64, kernel_size=4, strides=2, padding="same"),
            LeakyReLU(negative_slope=0.2),
            Conv2D(128, kernel_size=4, strides=2, padding="same"),
            LeakyReLU(negative_slope=0.2),
            Conv2D(128, kernel_size=4, strides=2, padding="same"),
            LeakyReLU(negative_slope=0.2),
            Flatten(),
            Dropout(0.2),
            Dense(1, activation="sigmoid"),
        ],
        name="discriminator",
    )

    # Show the model's structure
    discriminator.summary()

    # 2.4
    from tensorflow.keras.layers import Reshape, Conv2DTranspose

    # Size of the latent space
    latent_dim = 128

    # Create the generator
    generator = Sequential(
        [
            # Input: a vector of shape (latent_dim,)
            Input(shape=(latent_dim,)),
            # Dense: maps the latent vector to a large feature space
            Dense(8 * 8 * 128),
            # Reshape it into an 8x8 map of 128 channels
            Reshape((8, 8, 128)),
            # Upsample with Conv2DTranspose
            Conv2DTranspose(128, kernel_size=4, strides=2, padding="same"),
            LeakyReLU(alpha=0.2),
            # Upsample again, more channels
            Conv2DTranspose(256, kernel_size=4, strides=2, padding="same"),
            LeakyReLU(alpha=0.2),
            # Upsample again, more channels still
            Conv2DTranspose(512, kernel_size=4, strides=2, padding="same"),
            LeakyReLU(alpha=0.2),
            # Last layer: a Conv2D, the target size is reached
            # 'tanh' rather than 'sigmoid': its range -1 to 1 is more usual in image generation
            Conv2D(3, kernel_size=5, padding="same", activation="tanh"),
        ],
        name="generator",
    )

    # Show the model's structure
    generator.summary()

    # 2.5
    from tensorflow.keras import metrics, Model

    class GAN(Model):
        def __init__(self, discriminator, generator, latent_dim):
            super(GAN, self).__init__()
            # The discriminator, the generator
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim  # size of the latent space

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super(GAN, self).compile()
            # The optimizers of the discriminator and generator, and the loss
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn
            # Loss metrics of the discriminator and generator
            self.d_loss_metric = metrics.Mean(name="d_loss")
            self.g_loss_metric = metrics.Mean(name="g_loss")

        @property
        def metrics(self):
            # The model's metrics
            return [self.d_loss_metric, self.g_loss_metric]

        def train_step(self, real_images):
            # One training step
            batch_size = tf.shape(real_images)[0]  # batch size
            random_latent_vectors = tf.random.normal(
                shape=(batch_size, self.latent_dim)
            )  # sample the latent space

            # Generate fake images
            generated_images = self.generator(random_latent_vectors)

            # Combine the fake images with the real ones
            # CHANGED (8): the fakes (bfloat16 under --mixed-precision) cast to the reals' float32.
            combined_images = tf.concat([tf.cast(generated_images, real_images.dtype), real_images], axis=0)
            # Labels of the real and fake images
            labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
            # Add noise to the labels, for the model's robustness
            labels += 0.05 * tf.random.uniform(tf.shape(labels))

            # Train the discriminator
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined_images)  # discriminator's predictions
                d_loss = self.loss_fn(labels, predictions)  # discriminator's loss
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)  # gradients
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))  # update D

            # Train the generator
            random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))  # sample again
            misleading_labels = tf.zeros((batch_size, 1))  # G wants D to take its fakes for real
            with tf.GradientTape() as tape:
                predictions = self.discriminator(self.generator(random_latent_vectors))  # D on G's images
                g_loss = self.loss_fn(misleading_labels, predictions)  # generator's loss
            grads = tape.gradient(g_loss, self.generator.trainable_variables)  # gradients
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))  # update G

            # Update the loss metrics
            self.d_loss_metric.update_state(d_loss)
            self.g_loss_metric.update_state(g_loss)
            # Return this step's losses
            return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}

    # 2.6
    from tensorflow.keras.callbacks import Callback
    from tensorflow.keras.utils import array_to_img

    class GANMonitor(Callback):
        def __init__(self, num_img=3, latent_dim=128, save_dir="generated_images/"):
            self.num_img = num_img
            self.latent_dim = latent_dim
            self.save_dir = save_dir

            # Make sure the folder exists
            if not os.path.exists(self.save_dir):
                os.makedirs(self.save_dir)

        def on_epoch_end(self, epoch, logs=None):
            # Random latent vectors
            random_latent_vectors = np.random.normal(size=(self.num_img, self.latent_dim))

            # Generate images
            generated_images = self.model.generator.predict(random_latent_vectors)

            # If the generator's outputs are in [-1, 1], scale them to [0, 255]
            generated_images = ((generated_images + 1) * 127.5).astype(np.uint8)

            # Save the images
            for i in range(self.num_img):
                img = array_to_img(generated_images[i])
                img_path = os.path.join(self.save_dir, f"generated_img_{epoch:03d}_{i}.png")
                img.save(img_path)

    # 2.7 (CHANGED (6): its MNIST `dataset` and placeholder `GAN` class are not used)
    from tensorflow.keras.optimizers import Adam
    from tensorflow.keras.losses import BinaryCrossentropy

    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)

    gan.compile(
        d_optimizer=Adam(learning_rate=0.0002, beta_1=0.5),  # Adam's settings usually tuned for GANs
        g_optimizer=Adam(learning_rate=0.0002, beta_1=0.5),
        loss_fn=BinaryCrossentropy(from_logits=True),  # "the discriminator usually works on logits"
    )

    # CHANGED (4): save_dir is `samples_dir`.
    gan_monitor = GANMonitor(num_img=10, latent_dim=latent_dim, save_dir=samples_dir)
    return gan, dataset, [gan_monitor]


VARIANTS = {"keras_io": keras_io, "text": text}


# --------------------------------------------------------------------------------------------
# ADDED: the hook that saves generators, losses and the resume checkpoint (change 5).
# --------------------------------------------------------------------------------------------
def _read_json(path, default):
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


def checkpoint_of(gan):
    """Both networks, both optimizers and (keras.io's) the GAN's seed generator."""
    parts = dict(
        generator=gan.generator,
        discriminator=gan.discriminator,
        g_optimizer=gan.g_optimizer,
        d_optimizer=gan.d_optimizer,
    )
    if hasattr(gan, "seed_generator"):
        parts["seed_generator_state"] = gan.seed_generator.state
    return tf.train.Checkpoint(**parts)


class SaveAndResume(keras.callbacks.Callback):
    def __init__(self, output_dir, checkpoint):
        super().__init__()
        self.output_dir = output_dir
        self.checkpoint = checkpoint
        self.losses_path = os.path.join(output_dir, "losses.json")
        self.state_path = os.path.join(output_dir, "state.json")

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.time()

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        seconds = time.time() - self.start
        self.model.generator.save(os.path.join(self.output_dir, f"generator_epoch_{done:04d}.keras"))
        losses = [row for row in _read_json(self.losses_path, []) if row["epoch"] < done]
        losses.append(
            {
                "epoch": done,
                "d_loss": float(logs["d_loss"]),
                "g_loss": float(logs["g_loss"]),
                "seconds": seconds,
            }
        )
        write_json(self.losses_path, losses)
        # A new checkpoint per epoch; state.json names it once it is whole, then the old one goes.
        # (Paths relative to the output folder, which may be moved.)
        previous = _read_json(self.state_path, {}).get("checkpoint")
        prefix = os.path.join("checkpoint", f"epoch_{done:04d}")
        self.checkpoint.write(os.path.join(self.output_dir, prefix))
        write_json(self.state_path, {"epoch": done, "checkpoint": prefix})
        if previous and previous != prefix:
            folder = os.path.join(self.output_dir, os.path.dirname(previous))
            for name in os.listdir(folder):
                if name.startswith(os.path.basename(previous) + "."):
                    os.remove(os.path.join(folder, name))
        print(
            f"epoch {done}: d_loss {logs['d_loss']:.4f} g_loss {logs['g_loss']:.4f} ({seconds:.0f} s); saved",
            flush=True,
        )


def resume(gan, checkpoint, output_dir):
    """Restores the last saved epoch, if any; returns the number of epochs done."""
    state = _read_json(os.path.join(output_dir, "state.json"), None)
    if state is None:
        return 0
    # The optimizers' slots, as their first apply_gradients would make them, to restore into.
    gan.d_optimizer.build(gan.discriminator.trainable_variables)
    gan.g_optimizer.build(gan.generator.trainable_variables)
    checkpoint.read(os.path.join(output_dir, state["checkpoint"])).assert_consumed()
    print(f"resuming after epoch {state['epoch']} from {state['checkpoint']}", flush=True)
    return state["epoch"]


SOURCES = {
    "keras_io": "keras.io examples/generative/dcgan_overriding_train_step.py (Keras 3, 2023/12/21)",
    "text": "../shared/seeds/000_22ad9e9bb2774d2f.txt, sections 2.2.2 to 2.7",
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    parser.add_argument("--data-dir", required=True, help="folder of images (or of folders of images)")
    parser.add_argument(
        "--epochs", type=int, default=1, help="epochs in all, resumed ones included (default 1, the sources')"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output-dir", required=True)
    parser.add_argument(
        "--mixed-precision", choices=["bfloat16"], help="compute in bfloat16 (default: float32, the sources')"
    )
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)  # CHANGED (3)
    if args.mixed_precision:  # CHANGED (8)
        keras.config.set_dtype_policy("mixed_bfloat16")
    samples_dir = os.path.join(args.output_dir, "samples")
    os.makedirs(samples_dir, exist_ok=True)

    gan, dataset, callbacks = VARIANTS[args.variant](args.data_dir, samples_dir)
    checkpoint = checkpoint_of(gan)
    initial_epoch = resume(gan, checkpoint, args.output_dir)

    run_path = os.path.join(args.output_dir, "run.json")
    previous = _read_json(run_path, {})
    # The keys scripts/compare_reference.py reads (as every reference run's run.json), then this run's.
    record = {
        "source": SOURCES[args.variant],
        "args": {**vars(args), "data_dir": os.path.abspath(args.data_dir), "batch_size": BATCH_SIZE},
        "steps_per_epoch": int(dataset.cardinality()),
        "generator_output_range": [0.0, 1.0],  # both sources' data range (the text's tanh included)
        "cpu": cpu_model(),
        "image_size": IMAGE_SIZE,
        "resumed_after_epochs": previous.get("resumed_after_epochs", [])
        + ([initial_epoch] if initial_epoch else []),
        "command": [sys.executable] + sys.argv,
        "versions": {**keras_versions(), "numpy": np.__version__},
    }
    write_json(run_path, record)
    if initial_epoch < args.epochs:
        gan.fit(
            dataset,
            epochs=args.epochs,
            initial_epoch=initial_epoch,  # CHANGED (5)
            callbacks=callbacks + [SaveAndResume(args.output_dir, checkpoint)],  # CHANGED (5)
        )
    seconds = sum(row["seconds"] for row in _read_json(os.path.join(args.output_dir, "losses.json"), []))
    write_json(run_path, {**record, "finished": True, "wall_time_s": round(seconds, 1)})
    print(f"{args.output_dir}: trained {args.epochs} epochs")


if __name__ == "__main__":
    main()
