"""gan.keras files saved by keras_gans 0.1.0 (main at 7c11fed, before presets) still load and behave.

tests/data/legacy_gans/ holds one tiny saved GAN per tutorial, written by that
version's code, with a generator input, the images it generated, and the
losses its class computed on fixed discriminator outputs (label noise
included: a loaded model's seed generator starts where the saved one was).
"""

from pathlib import Path

import keras
import numpy as np
import pytest

import keras_gans.models  # noqa: F401  (registers the GAN classes)
from keras_gans.models.gan import GAN

DATA = Path(__file__).parent / "data" / "legacy_gans"
# The class each old file loads as now: ClassicGAN is the base GAN with real labels 1.
CLASSES = {
    "face_dcgan": "GAN",
    "mnist_dcgan": "MnistDCGAN",
    "classic_gan": "GAN",
    "cgan": "ConditionalGAN",
    "acgan": "ACGAN",
    "rps_cgan": "RpsConditionalGAN",
}


@pytest.mark.parametrize("name", CLASSES)
def test_an_old_gan_file_loads_generates_the_same_images_and_losses(name):
    gan = keras.models.load_model(DATA / f"{name}.keras")
    assert type(gan).__name__ == CLASSES[name] and isinstance(gan, GAN)
    with np.load(DATA / f"{name}_io.npz") as saved:
        inputs = [saved[f"arr_{i}"] for i in range(sum(key.startswith("arr_") for key in saved.files))]
        generated = keras.ops.convert_to_numpy(gan.generator(inputs[0] if len(inputs) == 1 else inputs))
        # Recorded on another CPU: oneDNN picks its kernels by CPU, so round-off differs (up to 2.6e-8 in
        # images that vary by 0.02 on a Zen 4 against a Xeon's). Allowed: 1e-4 of that variation, about 80
        # times the round-off; one kernel of the last layer scaled by 1.001 moves the images by more.
        expected = saved["expected"]
        np.testing.assert_allclose(generated, expected, rtol=0, atol=1e-4 * expected.std())
        real, fake = saved["real_output"], saved["fake_output"]
        assert float(gan.discriminator_loss(real, fake)) == pytest.approx(float(saved["d_loss"]), rel=1e-6)
        assert float(gan.generator_loss(fake)) == pytest.approx(float(saved["g_loss"]), rel=1e-6)
