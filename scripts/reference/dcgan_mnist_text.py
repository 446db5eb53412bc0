"""The TensorFlow DCGAN tutorial of the text, run as written (issue #27's reference for `dcgan_mnist`).

Source: ../shared/seeds/002_5e138573ac7cec47.txt (a Chinese write-up of the TensorFlow DCGAN
tutorial in TensorFlow 1's eager API): its `make_generator_model`, `make_discriminator_model`,
losses, optimizers, `train_step` and `train` line for line, inside `text_dcgan` below (comments
translated). Nothing here imports keras_gans.

Changed only where it must be to run here, and said where it happens:
1. Data: `--mnist-path` (a Keras-format .npz) read with NumPy, not `tf.keras.datasets.mnist`.
2. The text's data code does not run: `tf.reshape(...)` has no `.astype`, and the dataset is built
   from the raw `train_images` (uint8, no channel axis: the discriminator's first convolution
   refuses it), not the reshaped, scaled `train_images_nor`. Here the dataset is built from the
   images reshaped to (28, 28, 1), float32, scaled to [-1, 1], as the text's two lines mean to
   (and the port's data is).
3. Layers that do not build as written: `Dense(input_dim=7*7*256, use_bias=False,
   input_shape=(100,))` has no units (TypeError) -> `Dense(7*7*256, ...)`, the tutorial's;
   `Reshape(input_shape=(7, 7, 256))` has no target shape -> `Reshape((7, 7, 256))`.
   `use_bias="False"` (a string, and so true: the three transposed convolutions get biases) is
   kept: it runs, and it is what the text trains (the port fixes it).
4. TensorFlow 1 names gone from TensorFlow 2: `tf.random_normal` -> `tf.random.normal`;
   `tf.losses.sigmoid_cross_entropy` -> `tf.compat.v1.losses.sigmoid_cross_entropy` (the same
   function); `tf.train.AdamOptimizer(1e-4)` -> `keras.optimizers.Adam(1e-4, epsilon=1e-8)` (TF 1's
   epsilon; Keras 3's networks need a Keras optimizer); `tf.contrib.eager.defun` -> `tf.function`.
5. `--epochs` (text: 50), `--seed` (`keras.utils.set_random_seed`; the text seeds nothing: weights,
   the shuffle and the noise), `--batch-size` (text: 256). The text's noise is always BATCH_SIZE
   vectors, also for an epoch's last, smaller batch (60000 = 234 x 256 + 96): kept.
6. Instead of the text's display, per-epoch plots, checkpoints every 15 epochs and GIF: a hook
   after each epoch saves the generator as `<output-dir>/generator_epoch_NNNN.keras` (NNNN = epochs
   done, from 0001) and the epoch's mean losses to `<output-dir>/losses.json`; `run.json` records
   the settings, versions and CPU. A stopped run starts again from scratch.

    python scripts/reference/dcgan_mnist_text.py \\
        --mnist-path ../shared/data/mnist/mnist_content_equivalent.npz --epochs 10 --seed 0 \\
        --output-dir runs/reference/dcgan_mnist/text_seed0
"""

import time

import keras
import numpy as np
import tensorflow as tf
from run_files import RunFolder, cpu_model, keras_versions, mnist_arguments


def parse_args(argv=None):
    return mnist_arguments(__doc__, epochs=50, batch_size=256, argv=argv)


def make_generator_model():
    # Transposed convolutions, from the small image up.
    model = tf.keras.Sequential()
    # No bias: the BatchNormalization after it would cancel it.
    model.add(tf.keras.layers.Dense(7 * 7 * 256, use_bias=False, input_shape=(100,)))  # change 3
    model.add(tf.keras.layers.BatchNormalization())
    model.add(tf.keras.layers.LeakyReLU())
    model.add(tf.keras.layers.Reshape((7, 7, 256)))  # change 3
    assert model.output_shape == (None, 7, 7, 256)
    model.add(
        tf.keras.layers.Conv2DTranspose(
            filters=128, kernel_size=5, strides=1, padding="same", use_bias="False"
        )
    )
    assert model.output_shape == (None, 7, 7, 128)
    model.add(tf.keras.layers.BatchNormalization())
    model.add(tf.keras.layers.LeakyReLU())
    # An odd kernel: the image is padded alike on both sides.
    model.add(
        tf.keras.layers.Conv2DTranspose(
            filters=64, kernel_size=5, strides=2, padding="same", use_bias="False"
        )
    )
    assert model.output_shape == (None, 14, 14, 64)
    model.add(tf.keras.layers.BatchNormalization())
    model.add(tf.keras.layers.LeakyReLU())
    model.add(
        tf.keras.layers.Conv2DTranspose(
            filters=1, kernel_size=5, strides=2, padding="same", use_bias="False", activation="tanh"
        )
    )
    assert model.output_shape == (None, 28, 28, 1)
    return model


def make_discriminator_model():
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Conv2D(64, (5, 5), strides=(2, 2), padding="same"))
    model.add(tf.keras.layers.LeakyReLU())
    # Dropout helps convolutions too: it feeds the dense layer noisy inputs.
    model.add(tf.keras.layers.Dropout(0.3))
    model.add(tf.keras.layers.Conv2D(128, (5, 5), strides=(2, 2), padding="same"))
    model.add(tf.keras.layers.LeakyReLU())
    model.add(tf.keras.layers.Dropout(0.3))
    model.add(tf.keras.layers.Flatten())
    model.add(tf.keras.layers.Dense(1))
    return model


def generator_loss(generator_output):
    return tf.compat.v1.losses.sigmoid_cross_entropy(  # change 4
        multi_class_labels=tf.ones_like(generator_output), logits=generator_output
    )


def discriminator_loss(real_output, generated_output):
    # real: [1, 1, ..., 1]
    real_loss = tf.compat.v1.losses.sigmoid_cross_entropy(  # change 4
        multi_class_labels=tf.ones_like(real_output), logits=real_output
    )
    # generated: [0, 0, ..., 0]
    generated_loss = tf.compat.v1.losses.sigmoid_cross_entropy(  # change 4
        multi_class_labels=tf.zeros_like(generated_output), logits=generated_output
    )
    # The total is their sum.
    total_loss = real_loss + generated_loss
    return total_loss


def text_dcgan(train_images, epochs, batch_size, after_epoch):
    """The text's data, models and training; `after_epoch(epoch, generator, losses)` is change 6."""
    # Change 2: reshaped, float32, scaled to [-1, 1], as the text's two lines mean to.
    train_images = train_images.reshape(train_images.shape[0], 28, 28, 1).astype("float32")
    train_images = (train_images - 127.5) / 127.5
    BUFFER_SIZE = 60000
    BATCH_SIZE = batch_size  # change 5
    train_dataset = (
        tf.data.Dataset.from_tensor_slices(train_images).shuffle(buffer_size=BUFFER_SIZE).batch(BATCH_SIZE)
    )

    generator = make_generator_model()
    discriminator = make_discriminator_model()

    # Two networks trained at once, so two optimizers, learning rate 0.0001.
    generator_optimizer = keras.optimizers.Adam(1e-4, epsilon=1e-8)  # change 4
    discriminator_optimizer = keras.optimizers.Adam(1e-4, epsilon=1e-8)  # change 4

    noise_dim = 100

    def train_step(images):
        # Normal noise into the generator (always BATCH_SIZE vectors, as the text).
        noise = tf.random.normal([BATCH_SIZE, noise_dim])  # change 4
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = generator(noise, training=True)
            # The discriminator on real images and on the generator's fakes.
            real_output = discriminator(images, training=True)
            generated_output = discriminator(generated_images, training=True)
            gen_loss = generator_loss(generated_output)
            disc_loss = discriminator_loss(real_output, generated_output)
        # `variables` includes BatchNormalization's moving statistics, which get no gradient (None):
        # Keras 3's optimizer skips them with a warning, as TensorFlow 1's did.
        gradients_of_generator = gen_tape.gradient(gen_loss, generator.variables)
        gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.variables)
        generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.variables))
        discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.variables))
        return gen_loss, disc_loss  # change 6: for the epoch's mean losses

    train_step = tf.function(train_step)  # change 4

    def train(dataset, epochs):
        for epoch in range(epochs):
            start = time.time()
            sums, steps = np.zeros(2), 0  # change 6
            for images in dataset:
                sums += [float(v) for v in train_step(images)]
                steps += 1
            after_epoch(epoch, generator, sums / steps)  # change 6: for the plots and checkpoints
            print("Time taken for epoch {} is {} sec".format(epoch + 1, time.time() - start))

    train(train_dataset, epochs)


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)  # change 5
    with np.load(args.mnist_path) as mnist:  # change 1
        train_images = mnist["x_train"]
    record = {
        "source": "../shared/seeds/002_5e138573ac7cec47.txt (the TensorFlow DCGAN tutorial, TF 1 eager)",
        "args": vars(args),
        "steps_per_epoch": -(-len(train_images) // args.batch_size),
        "generator_output_range": [-1, 1],
        "versions": keras_versions(),
        "cpu": cpu_model(),
    }
    folder = RunFolder(args.output_dir, record)

    def after_epoch(epoch, generator, means):  # change 6
        folder.epoch_done(epoch, generator, g_loss=means[0], d_loss=means[1])

    text_dcgan(train_images, args.epochs, args.batch_size, after_epoch)
    folder.finish()


if __name__ == "__main__":
    main()
