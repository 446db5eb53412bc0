"""Callbacks that do a GAN's side work while `fit` trains it."""

import os

import keras
import numpy as np

from keras_gans.plotting import plot_losses, read_loss_csv, save_image, save_image_grid, to_uint8


class GANMonitor(keras.callbacks.Callback):
    """Saves images from the same fixed inputs at the end of every epoch.

    As the Keras example, `num_img` images `generated_img_{epoch:03d}_{i}.png`,
    plus one grid of them per epoch. The inputs are drawn once, from `seed`,
    so that the epochs' images are comparable; they are saved beside the
    images, and a resumed run reuses them.

    Args:
        num_img: how many images to generate each epoch.
        latent_dim: size of the generator's latent input.
        save_dir: folder to write into.
        seed: seed of the fixed latent vectors.
        inputs: the generator's inputs, instead of latent vectors drawn
            here (for conditional generators: `[z, labels]`).
        value_range: range of the generator's outputs.
        grid_name: file name of the grid, formatted with `epoch`.
        image_name: file name of each image, formatted with `epoch` and `i`;
            None saves the grid only.
        cols: columns of the grid.
        every: save every `every` epochs (and always after the first).
        final_name: file name of a grid saved when training ends, whatever
            `every` is; None saves none.
    """

    def __init__(
        self,
        num_img=3,
        latent_dim=128,
        save_dir=".",
        seed=None,
        inputs=None,
        value_range=(-1.0, 1.0),
        grid_name="grid_{epoch:03d}.png",
        image_name="generated_img_{epoch:03d}_{i}.png",
        cols=None,
        every=1,
        final_name=None,
    ):
        super().__init__()
        if inputs is None:
            rng = np.random.default_rng(seed)
            inputs = rng.standard_normal((num_img, latent_dim)).astype("float32")
        self.inputs = inputs
        self.save_dir = save_dir
        self.value_range = value_range
        self.grid_name = grid_name
        self.image_name = image_name
        self.cols = cols
        self.every = every
        self.final_name = final_name

    def on_train_begin(self, logs=None):
        os.makedirs(self.save_dir, exist_ok=True)
        path = os.path.join(self.save_dir, "monitor_inputs.npz")
        if os.path.exists(path):  # a resumed run: same inputs as before
            with np.load(path) as saved:
                inputs = [saved[f"arr_{i}"] for i in range(len(saved.files))]
            self.inputs = inputs[0] if len(inputs) == 1 else inputs
        else:
            arrays = self.inputs if isinstance(self.inputs, (list, tuple)) else [self.inputs]
            np.savez(path, *[np.asarray(a) for a in arrays])

    def generate(self):
        """Images from the fixed inputs, in inference mode."""
        return keras.ops.convert_to_numpy(self.model.generator(self.inputs, training=False))

    def on_epoch_end(self, epoch, logs=None):
        if epoch % self.every and epoch != 0:
            return
        images = self.generate()
        self.save_grid(images, self.grid_name.format(epoch=epoch))
        if self.image_name:
            for i, image in enumerate(to_uint8(images, self.value_range)):
                name = self.image_name.format(epoch=epoch, i=i)
                save_image(image, os.path.join(self.save_dir, name))

    def on_train_end(self, logs=None):
        if self.final_name:
            self.save_grid(self.generate(), self.final_name)

    def save_grid(self, images, name):
        save_image_grid(
            images, os.path.join(self.save_dir, name), cols=self.cols, value_range=self.value_range
        )


class LossPlot(keras.callbacks.Callback):
    """Redraws a loss-curve PNG from a CSVLogger's file after every epoch.

    Reading the CSV (not the in-memory history) keeps the curve whole when a
    run is resumed. Place it after the CSVLogger in the callback list.
    """

    def __init__(self, csv_path, png_path):
        super().__init__()
        self.csv_path = csv_path
        self.png_path = png_path

    def on_epoch_end(self, epoch, logs=None):
        if os.path.exists(self.csv_path):
            plot_losses(read_loss_csv(self.csv_path), self.png_path)


class SummarizePerformance(keras.callbacks.Callback):
    """Every `every` epochs: the discriminator's accuracy, a sample plot, the generator saved.

    The classic Keras GAN tutorial's `summarize_performance`. As a callback
    it serves `fit` (the model's `generator` and `discriminator`); a
    hand-written loop calls `summarize(epoch, generator, discriminator)`.

    Args:
        real_images: training images, in the generator's `value_range`.
        latent_dim: size of the generator's latent input.
        save_dir: folder for `generated_plot_e{epoch:03d}.png` and
            `generator_model_{epoch:03d}.keras`.
        n_samples: real and fake images the accuracy is measured on; the
            first 100 fakes (10x10) are plotted.
        every: evaluate after every `every`-th epoch (counting from 1).
        seed: seed of the real-image choice and the latent points.
        value_range: range of the images.
    """

    def __init__(
        self,
        real_images,
        latent_dim=100,
        save_dir=".",
        n_samples=100,
        every=10,
        seed=None,
        value_range=(0.0, 1.0),
    ):
        super().__init__()
        self.real_images = real_images
        self.latent_dim = latent_dim
        self.save_dir = save_dir
        self.n_samples = n_samples
        self.every = every
        self.rng = np.random.default_rng(seed)
        self.value_range = value_range

    def summarize(self, epoch, generator, discriminator):
        """Prints and saves the evaluation after `epoch` (counting from 1); returns the accuracies."""
        real = self.real_images[self.rng.integers(0, len(self.real_images), self.n_samples)]
        z = self.rng.standard_normal((self.n_samples, self.latent_dim)).astype("float32")
        fake = generator.predict(z, verbose=0)
        # Accuracy as the tutorial's `evaluate`: real called real (> 0.5), fake called fake.
        acc_real = float(np.mean(discriminator.predict(real, verbose=0) > 0.5))
        acc_fake = float(np.mean(discriminator.predict(fake, verbose=0) <= 0.5))
        print(f">Accuracy real: {acc_real:.0%}, fake: {acc_fake:.0%}")
        os.makedirs(self.save_dir, exist_ok=True)
        plot = os.path.join(self.save_dir, f"generated_plot_e{epoch:03d}.png")
        save_image_grid(fake[:100], plot, cols=10, value_range=self.value_range)
        generator.save(os.path.join(self.save_dir, f"generator_model_{epoch:03d}.keras"))
        return {"acc_real": acc_real, "acc_fake": acc_fake}

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.summarize(epoch + 1, self.model.generator, self.model.discriminator)


class ClassGridMonitor(GANMonitor):
    """GANMonitor for a conditional generator: one row per class, every epoch.

    Row c holds `per_class` digits of class c, each column one fixed latent
    vector (the same z for every class, so a column shows one "style"
    across the digits). Saves `classes_{epoch:03d}.png`.

    Args:
        num_classes: classes, one grid row each.
        per_class: images per class (the grid's columns).
        latent_dim: size of the generator's latent input.
        save_dir, seed, value_range, grid_name, every, final_name: as `GANMonitor`.
        one_hot: labels as one-hot vectors (True) or class indices (False),
            as the generator takes them.
    """

    def __init__(
        self,
        num_classes=10,
        per_class=10,
        latent_dim=100,
        save_dir=".",
        seed=None,
        value_range=(-1.0, 1.0),
        grid_name="classes_{epoch:03d}.png",
        every=1,
        one_hot=True,
        final_name=None,
    ):
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((per_class, latent_dim)).astype("float32")
        labels = np.repeat(np.arange(num_classes, dtype="int32"), per_class)
        if one_hot:
            labels = np.eye(num_classes, dtype="float32")[labels]
        super().__init__(
            save_dir=save_dir,
            inputs=[np.tile(z, (num_classes, 1)), labels],
            value_range=value_range,
            grid_name=grid_name,
            image_name=None,
            cols=per_class,
            every=every,
            final_name=final_name,
        )
