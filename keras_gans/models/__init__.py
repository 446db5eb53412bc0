"""One module per tutorial (named as the tutorial) and the base GAN. Importing
this package registers every GAN class with Keras, and the readers of older
versions' files (`keras_gans.legacy`), so that
`keras.models.load_model("gan.keras")` finds them."""

from keras_gans import legacy  # noqa: F401
from keras_gans.models import (  # noqa: F401
    acgan_mnist,
    cgan_mnist,
    cgan_rps,
    cyclegan,
    dcgan_celeba,
    dcgan_mnist,
    dggan,
    gan,
    gan_mnist,
    stylegan,
)
