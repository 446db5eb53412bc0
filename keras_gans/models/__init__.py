"""One module per GAN family. Importing this package registers every GAN
class with Keras, so that `keras.models.load_model("gan.keras")` finds them."""

from keras_gans.models import acgan, cgan, classic_gan, face_dcgan, gan, mnist_dcgan, rps_cgan  # noqa: F401
