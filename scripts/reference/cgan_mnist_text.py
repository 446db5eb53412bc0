"""The MLP conditional GAN of the tutorial text, run as written (issue #27's reference for `cgan_mnist`).

Source: ../shared/seeds/001_2158d86a2a6a2518.txt, section 3 ("CGAN on MNIST", sections 3.1 to
3.5): the generator, the discriminator and `train_cgan` are the text's, line for line, inside
`text_cgan` below (its Chinese comments translated). Nothing here imports keras_gans.

Changed only where it must be to run here, and said where it happens:
1. Data: `--mnist-path` (a Keras-format .npz) read with NumPy, not `keras.datasets.mnist.load_data()`
   (no internet here; the same arrays).
2. The text uses `combined` (the generator under the discriminator) but never defines it. Added, the
   usual way of the Keras examples the text follows (and of its sibling `003_*.txt`): inputs z and a
   one-hot label, the generator's image and the same label into the discriminator marked
   `trainable=False`, compiled like the discriminator, `optimizer='adam'` (Adam(1e-3)) and binary
   cross-entropy.
3. Keras 3: `trainable` is read when a model's train function is traced, not at `compile` as in the
   Keras 2 the text was written for; with the flag set once, the discriminator would never train. It
   is set to True right before the discriminator's `train_on_batch` and to False before the
   combined model's (the project's `gan_mnist` port does the same for `003_*.txt`).
4. `--epochs` (text: 10000, an "epoch" being 60000 // batch_size steps of randomly drawn batches)
   and `--batch-size` (text: 64).
5. `--seed`: `keras.utils.set_random_seed(seed)` first (the text seeds nothing): weights, NumPy's
   global draws (batches, noise, labels).
6. A hook after each epoch: the generator is saved as `<output-dir>/generator_epoch_NNNN.keras`
   (NNNN = epochs done, from 0001) and the epoch's mean losses and discriminator accuracy appended
   to `<output-dir>/losses.json`; `run.json` records the settings, versions and CPU. The text's own
   print is kept. A run that is stopped is started again from scratch (it has no resume).

The text's own defects are kept, as they are what the reference measures: pixels scaled to [0, 1]
under a `tanh` generator (its images are scored as [0, 1]); ReLU hidden layers and no dropout
(the port's docs/cgan_mnist.md says what they did to its runs).

    python scripts/reference/cgan_mnist_text.py \
        --mnist-path ../shared/data/mnist/mnist_content_equivalent.npz --epochs 10 --seed 0 \
        --output-dir runs/reference/cgan_mnist/text_seed0
"""

import keras
import numpy as np
from run_files import RunFolder, cpu_model, keras_versions, mnist_arguments
from tensorflow.keras import layers


def parse_args(argv=None):
    return mnist_arguments(__doc__, epochs=10000, batch_size=64, argv=argv)


def text_cgan(x_train, y_train, epochs, batch_size, after_epoch):
    """Sections 3.2 to 3.5 of the text; `after_epoch(epoch, losses)` is the hook of change 6."""
    # 3.2: normalise to [0, 1], add the channel axis.
    x_train = x_train / 255.0
    x_train = np.expand_dims(x_train, axis=-1)
    num_classes = 10

    # 3.3 The generator: noise and a one-hot label in, a 28x28 image out.
    def build_generator():
        noise_shape = (100,)
        label_shape = (num_classes,)

        noise_input = layers.Input(shape=noise_shape)
        label_input = layers.Input(shape=label_shape)

        # Concatenate the inputs
        model_input = layers.Concatenate()([noise_input, label_input])

        x = layers.Dense(256, activation="relu")(model_input)
        x = layers.Dense(512, activation="relu")(x)
        x = layers.Dense(1024, activation="relu")(x)
        output = layers.Dense(28 * 28 * 1, activation="tanh")(x)  # a 28x28 image

        output = layers.Reshape((28, 28, 1))(output)

        generator = keras.models.Model([noise_input, label_input], output)
        return generator

    generator = build_generator()

    # 3.4 The discriminator: an image and its label in, "real?" out.
    def build_discriminator():
        image_shape = (28, 28, 1)
        label_shape = (num_classes,)

        image_input = layers.Input(shape=image_shape)
        label_input = layers.Input(shape=label_shape)

        # Concatenate the inputs
        flat_image = layers.Flatten()(image_input)
        model_input = layers.Concatenate()([flat_image, label_input])

        x = layers.Dense(512, activation="relu")(model_input)
        x = layers.Dense(256, activation="relu")(x)
        output = layers.Dense(1, activation="sigmoid")(x)

        discriminator = keras.models.Model([image_input, label_input], output)
        discriminator.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        return discriminator

    discriminator = build_discriminator()

    # Change 2: `combined`, used by the text and never defined.
    noise_in = layers.Input(shape=(100,))
    label_in = layers.Input(shape=(num_classes,))
    discriminator.trainable = False
    combined = keras.models.Model(
        [noise_in, label_in], discriminator([generator([noise_in, label_in]), label_in])
    )
    combined.compile(optimizer="adam", loss="binary_crossentropy")

    # 3.5 Training: the discriminator on reals then fakes, then the generator through `combined`.
    def train_cgan(epochs, batch_size):
        for epoch in range(epochs):
            sums = np.zeros(3)  # change 6: the epoch's mean losses
            steps = x_train.shape[0] // batch_size
            for _ in range(steps):
                # Pick random samples
                idx = np.random.randint(0, x_train.shape[0], batch_size)
                real_images = x_train[idx]
                real_labels = y_train[idx]

                # Make fake samples
                noise = np.random.normal(0, 1, (batch_size, 100))
                random_labels = np.random.randint(0, num_classes, batch_size)
                random_labels_one_hot = keras.utils.to_categorical(random_labels, num_classes)

                generated_images = generator.predict([noise, random_labels_one_hot], verbose=0)

                # Train the discriminator
                discriminator.trainable = True  # change 3
                d_loss_real = discriminator.train_on_batch(
                    [real_images, keras.utils.to_categorical(real_labels, num_classes)],
                    np.ones((batch_size, 1)),
                )
                d_loss_fake = discriminator.train_on_batch(
                    [generated_images, random_labels_one_hot], np.zeros((batch_size, 1))
                )
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)

                # Train the generator
                noise = np.random.normal(0, 1, (batch_size, 100))
                random_labels = np.random.randint(0, num_classes, batch_size)
                random_labels_one_hot = keras.utils.to_categorical(random_labels, num_classes)

                discriminator.trainable = False  # change 3
                g_loss = combined.train_on_batch([noise, random_labels_one_hot], np.ones((batch_size, 1)))
                sums += (d_loss[0], d_loss[1], g_loss)

            # Print the losses
            print(
                f"{epoch}/{epochs} [D loss: {d_loss[0]:.4f}, acc.: {100 * d_loss[1]:.2f}] "
                f"[G loss: {g_loss:.4f}]"
            )
            after_epoch(epoch, generator, sums / steps)

    train_cgan(epochs=epochs, batch_size=batch_size)


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)  # change 5
    with np.load(args.mnist_path) as mnist:  # change 1
        x_train, y_train = mnist["x_train"], mnist["y_train"]
    record = {
        "source": "../shared/seeds/001_2158d86a2a6a2518.txt, section 3 (CGAN on MNIST)",
        "args": vars(args),
        "steps_per_epoch": len(x_train) // args.batch_size,
        "generator_output_range": [0, 1],  # the text's data range, under a tanh
        "versions": keras_versions(),
        "cpu": cpu_model(),
    }
    folder = RunFolder(args.output_dir, record)

    def after_epoch(epoch, generator, means):  # change 6
        folder.epoch_done(epoch, generator, d_loss=means[0], d_accuracy=means[1], g_loss=means[2])

    text_cgan(x_train, y_train, args.epochs, args.batch_size, after_epoch)
    folder.finish()


if __name__ == "__main__":
    main()
