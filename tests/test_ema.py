"""The moving average of the generator's weights (--ema-decay): kept, drawn from, saved."""

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.callbacks import GANMonitor
from keras_gans.presets import get_preset
from keras_gans.runner import train

FACE = get_preset("dcgan_celeba")
TINY = dict(FACE.tiny, latent_dim=8)


def images(n=8):
    return np.random.default_rng(0).uniform(-1, 1, (n, 16, 16, 3)).astype("float32")


def test_the_average_follows_each_generator_step():
    gan = FACE.build_gan(**TINY, ema_decay=0.9, seed=0)
    assert gan.sampler is gan.ema_generator
    start = [w.numpy().copy() for w in gan.generator.weights]
    np.testing.assert_array_equal(
        start[0], gan.ema_generator.weights[0].numpy()
    )  # it starts as the generator
    # The decay warms up: after the first update min(0.9, 2 / 11); after the 1,000th, 0.9 itself.
    for updates, decay in [(0, 2 / 11), (999, 0.9)]:
        gan.g_optimizer.iterations.assign(updates)
        before = [w.numpy().copy() for w in gan.ema_generator.weights]
        gan.train_on_batch(images())
        for average, old, new in zip(gan.ema_generator.weights, before, gan.generator.weights, strict=True):
            expected = decay * old + (1 - decay) * new.numpy()
            np.testing.assert_allclose(average.numpy(), expected, rtol=1e-5, atol=1e-7)
        assert not np.allclose(gan.ema_generator.weights[0].numpy(), gan.generator.weights[0].numpy())


def test_off_by_default_and_refused_out_of_range():
    plain = FACE.build_gan(**TINY)
    assert plain.ema_generator is None and plain.sampler is plain.generator
    refused = "--ema-decay: must be a finite number at least 0 and below 1, got 1.0"
    with pytest.raises(ValueError, match=refused):
        FACE.build_gan(**TINY, ema_decay=1.0)
    # On several replicas it is kept too: tests/test_scaling.py (a mirrored step equals one device's).


def test_the_average_is_saved_reloaded_drawn_and_kept_as_the_run_s_generator(tmp_path):
    gan = FACE.build_gan(**TINY, ema_decay=0.5, seed=0)
    gan.train_on_batch(images())
    gan.save(tmp_path / "gan.keras")
    reloaded = keras.models.load_model(tmp_path / "gan.keras")
    assert reloaded.ema_decay == 0.5
    for a, b in zip(reloaded.ema_generator.weights, gan.ema_generator.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # The monitor draws from the average.
    monitor = GANMonitor(num_img=2, latent_dim=8, save_dir=str(tmp_path / "samples"), seed=0)
    monitor.set_model(gan)
    expected = np.asarray(gan.ema_generator(monitor.inputs, training=False))
    np.testing.assert_array_equal(monitor.generate(), expected)

    faces = tmp_path / "faces"
    faces.mkdir()
    for i in range(8):
        Image.fromarray(np.random.default_rng(i).integers(0, 256, (16, 16, 3), dtype=np.uint8)).save(
            faces / f"{i}.png"
        )
    out = tmp_path / "run"
    paths = train(
        "dcgan_celeba",
        **TINY,
        ema_decay=0.9,
        data_dir=str(faces),
        output_dir=str(out),
        epochs=2,
        batch_size=4,
        num_images=2,
        seed=0,
        verbose=0,
    )
    whole = keras.models.load_model(paths["gan"])
    saved = keras.models.load_model(paths["generator"])
    z = np.ones((2, 8), "float32")
    np.testing.assert_array_equal(np.asarray(saved(z)), np.asarray(whole.ema_generator(z)))
