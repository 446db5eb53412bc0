"""Shared fixtures: where the real test data lies, and tiny settings."""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KERAS_GANS_SHARED_DATA", ROOT.parent / "shared" / "data"))


def load_script(name):
    """scripts/<name>.py as a module, its `main` not run (scripts are not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def require_data(relative):
    """The path of real data under shared/data, or skip (fail when CI requires it)."""
    path = SHARED_DATA / relative
    if path.exists():
        return path
    message = f"real data not found: {path} (set KERAS_GANS_SHARED_DATA to the shared/data folder)"
    if os.environ.get("KERAS_GANS_REQUIRE_DATA") == "1":
        pytest.fail(message + "; KERAS_GANS_REQUIRE_DATA=1 requires it")
    pytest.skip(message)


@pytest.fixture
def celeba_dir():
    """The folder of 3,000 real CelebA faces."""
    return require_data("celeba/img_align_celeba")


@pytest.fixture
def mnist_dir():
    """The folder of the four genuine MNIST IDX files (and a Keras-format .npz)."""
    return require_data("mnist")


@pytest.fixture
def fashion_mnist_dir():
    """Fashion-MNIST's four IDX files, as Keras downloads them."""
    return require_data("fashion-mnist")


@pytest.fixture
def points_preset():
    """The toy GAN of tests/toy_gan.py, registered as a tutorial for one test."""
    from toy_gan import POINTS

    from keras_gans.presets import PRESETS, register

    register(POINTS)
    yield POINTS
    del PRESETS[POINTS.name]


def pytest_configure(config):
    # Two logical CPU devices, so that tf.distribute tests can run a
    # MirroredStrategy with two replicas on a machine without GPUs. This must
    # happen before TensorFlow initialises its devices, hence here.
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
