"""The classic Keras GAN of the tutorial text, run as written (issue #27's reference for `gan_mnist`).

Source: ../shared/seeds/003_9007b93638fa9740.txt (a Chinese adaptation of J. Brownlee's "How to
Develop a GAN for an MNIST Handwritten Digits From Scratch in Keras"): its `define_discriminator`,
`define_generator`, `define_gan`, `generate_real_samples`, `generate_latent_points` and
`generate_fake_samples` line for line, inside `text_gan` below (comments translated). Its training
loop is described in its 4.3.8 (half a batch of reals and half of fakes for the discriminator, then
a whole batch of "real"-labelled latent points through the composite; 100 epochs of batch 256) but
not printed; `train` below is Brownlee's loop that the text describes. Nothing here imports
keras_gans.

Changed only where it must be to run here, and said where it happens:
1. Data: `--mnist-path` (a Keras-format .npz) read with NumPy, as the text's 4.3.1 does; its
   `load_real_samples` (Brownlee's: add the channel axis, float32, divided by 255) written out.
2. Keras 3 names: `Adam(learning_rate=...)` for the text's `Adam(lr=...)` (Keras 3 refuses `lr`),
   and an `Input` layer first in each `Sequential` for `input_shape=` / `input_dim=` (the same
   networks: 40,705 and 1,164,289 parameters, as the text's).
3. Keras 3: `trainable` is read when a model's train function is traced, not at `compile` as in the
   Keras 2 the text was written for; with the flag set once by `define_gan`, the discriminator
   would never train. It is set to True right before the discriminator's `train_on_batch` and to
   False before the composite's (the port does the same).
4. `g_model.predict(..., verbose=0)`: Keras 3 prints a progress bar on every call otherwise (twice
   a step); the text's own per-step print is kept.
5. `--epochs` (text: 100) and `--batch-size` (text: 256).
6. `--seed`: `keras.utils.set_random_seed(seed)` first (the text seeds nothing): weights, NumPy's
   global draws (batches, latent points).
7. A hook after each epoch: the generator is saved as `<output-dir>/generator_epoch_NNNN.keras`
   (NNNN = epochs done, from 0001) and the epoch's mean losses appended to
   `<output-dir>/losses.json`; `run.json` records the settings, versions and CPU. The text's
   `summarize_performance` every 10 epochs (a plot and the discriminator's accuracy) is left out:
   the judge scores every epoch's generator instead. A stopped run starts again from scratch.

    python scripts/reference/gan_mnist_text.py \
        --mnist-path ../shared/data/mnist/mnist_content_equivalent.npz --epochs 10 --seed 0 \
        --output-dir runs/reference/gan_mnist/text_seed0
"""

import keras
import numpy as np
from numpy import expand_dims, ones, vstack, zeros
from numpy.random import randint, randn
from run_files import RunFolder, cpu_model, keras_versions, mnist_arguments
from tensorflow.keras.layers import (
    Conv2D,
    Conv2DTranspose,
    Dense,
    Dropout,
    Flatten,
    Input,
    LeakyReLU,
    Reshape,
)
from tensorflow.keras.models import Sequential
from tensorflow.keras.optimizers import Adam


def parse_args(argv=None):
    return mnist_arguments(__doc__, epochs=100, batch_size=256, argv=argv)


# 4.3.4 The discriminator: a 28x28x1 image in, "real?" out.
def define_discriminator(in_shape=(28, 28, 1)):
    model = Sequential()
    model.add(Input(shape=in_shape))  # change 2: the text's input_shape= on the first Conv2D
    model.add(Conv2D(64, (3, 3), strides=(2, 2), padding="same"))
    model.add(LeakyReLU(negative_slope=0.2))
    model.add(Dropout(0.4))
    model.add(Conv2D(64, (3, 3), strides=(2, 2), padding="same"))
    model.add(LeakyReLU(negative_slope=0.2))
    model.add(Dropout(0.4))
    model.add(Flatten())
    model.add(Dense(1, activation="sigmoid"))
    opt = Adam(learning_rate=0.0002, beta_1=0.5)  # change 2: the text's lr=
    model.compile(loss="binary_crossentropy", optimizer=opt, metrics=["accuracy"])
    return model


# 4.3.5 The generator: a point of the latent space in, a 28x28 image in [0, 1] out.
def define_generator(latent_dim):
    model = Sequential()
    n_nodes = 128 * 7 * 7  # 128 feature maps of a 7x7 low-resolution image
    model.add(Input(shape=(latent_dim,)))  # change 2: the text's input_dim= on the first Dense
    model.add(Dense(n_nodes))
    model.add(LeakyReLU(negative_slope=0.2))
    model.add(Reshape((7, 7, 128)))
    model.add(Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"))  # 14x14
    model.add(LeakyReLU(negative_slope=0.2))
    model.add(Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"))  # 28x28
    model.add(LeakyReLU(negative_slope=0.2))
    model.add(Conv2D(1, (7, 7), activation="sigmoid", padding="same"))
    return model


# 4.3.6 The composite: the generator under the frozen discriminator.
def define_gan(g_model, d_model):
    d_model.trainable = False
    model = Sequential()
    model.add(g_model)
    model.add(d_model)
    opt = Adam(learning_rate=0.0002, beta_1=0.5)  # change 2
    model.compile(loss="binary_crossentropy", optimizer=opt)
    return model


def load_real_samples(x_train):  # change 1: Brownlee's, on the arrays of the text's 4.3.1
    X = expand_dims(x_train, axis=-1)
    X = X.astype("float32")
    X = X / 255.0
    return X


# 4.3.7 Real samples, latent points, fake samples.
def generate_real_samples(dataset, n_samples):
    ix = randint(0, dataset.shape[0], n_samples)
    X = dataset[ix]
    y = ones((n_samples, 1))
    return X, y


def generate_latent_points(latent_dim, n_samples):
    x_input = randn(latent_dim * n_samples)
    x_input = x_input.reshape(n_samples, latent_dim)
    return x_input


def generate_fake_samples(g_model, latent_dim, n_samples):
    x_input = generate_latent_points(latent_dim, n_samples)
    X = g_model.predict(x_input, verbose=0)  # change 4
    y = zeros((n_samples, 1))
    return X, y


# 4.3.8 Training, as the text describes it (Brownlee's loop); `after_epoch` is change 7.
def train(g_model, d_model, gan_model, dataset, latent_dim, n_epochs, n_batch, after_epoch):
    bat_per_epo = int(dataset.shape[0] / n_batch)
    half_batch = int(n_batch / 2)
    for i in range(n_epochs):
        sums = np.zeros(2)  # change 7: the epoch's mean losses
        for j in range(bat_per_epo):
            X_real, y_real = generate_real_samples(dataset, half_batch)
            X_fake, y_fake = generate_fake_samples(g_model, latent_dim, half_batch)
            X, y = vstack((X_real, X_fake)), vstack((y_real, y_fake))
            d_model.trainable = True  # change 3
            d_loss, _ = d_model.train_on_batch(X, y)
            X_gan = generate_latent_points(latent_dim, n_batch)
            y_gan = ones((n_batch, 1))
            d_model.trainable = False  # change 3
            g_loss = gan_model.train_on_batch(X_gan, y_gan)
            print(">%d, %d/%d, d=%.3f, g=%.3f" % (i + 1, j + 1, bat_per_epo, d_loss, g_loss))
            sums += (d_loss, g_loss)
        after_epoch(i, g_model, sums / bat_per_epo)


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)  # change 6
    with np.load(args.mnist_path) as mnist:  # change 1
        x_train = mnist["x_train"]
    latent_dim = 100
    d_model = define_discriminator()
    g_model = define_generator(latent_dim)
    gan_model = define_gan(g_model, d_model)
    dataset = load_real_samples(x_train)
    record = {
        "source": "../shared/seeds/003_9007b93638fa9740.txt (Brownlee's MNIST GAN, composite model)",
        "args": vars(args),
        "steps_per_epoch": len(x_train) // args.batch_size,
        "parameters": {"discriminator": d_model.count_params(), "generator": g_model.count_params()},
        "generator_output_range": [0, 1],  # the data's range, under a sigmoid
        "versions": keras_versions(),
        "cpu": cpu_model(),
    }
    folder = RunFolder(args.output_dir, record)

    def after_epoch(epoch, generator, means):  # change 7
        folder.epoch_done(epoch, generator, d_loss=means[0], g_loss=means[1])

    train(g_model, d_model, gan_model, dataset, latent_dim, args.epochs, args.batch_size, after_epoch)
    folder.finish()


if __name__ == "__main__":
    main()
