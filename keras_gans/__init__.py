"""keras_gans: Keras 3 GAN tutorials that really work."""

__version__ = "0.1.0"
