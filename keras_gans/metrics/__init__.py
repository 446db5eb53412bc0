"""Quality metrics for every domain the project trains on, each beside its real-data floor.

- 28x28 digits and clothes (MNIST, Fashion-MNIST): a classifier the
  project trains itself (`classifier`), the Fréchet distance in its feature
  space and the conditional accuracy of class-conditional generators
  (`frechet`).
- Faces and other RGB images: the sliced Wasserstein distance between
  Laplacian-pyramid patches of Progressive GAN (`swd`), which needs no
  download; FID and KID on InceptionV3 features when its ImageNet weights
  are at hand (`inception`).
- While training: `QualityMonitor` (`callback`) writes any of them into
  the epoch logs, from the score functions of `scores`, which also give
  the real-vs-real floor and the noise score to read them against.

Every name is importable from `keras_gans.metrics` directly.
"""

from keras_gans.data.mnist import load_mnist
from keras_gans.metrics.callback import QualityMonitor
from keras_gans.metrics.classifier import (
    CLASSIFIER_DIR_ENV,
    CLASSIFIER_ENV,
    DATASETS,
    DEFAULT_CLASSIFIER_DIR,
    DEFAULT_CLASSIFIER_PATH,
    FASHION_MNIST_ENV,
    FEATURES_LAYER,
    build_classifier,
    build_mnist_classifier,
    classifier_path,
    classify,
    features,
    load_classifier,
    load_dataset,
    load_mnist_classifier,
    to_unit_range,
    train_classifier,
    train_mnist_classifier,
)
from keras_gans.metrics.frechet import (
    class_accuracy,
    class_spread,
    classifier_frechet_distance,
    conditional_accuracy,
    evaluate_mnist_generator,
    frechet_distance,
    mean_pairwise_distance,
    mnist_frechet_distance,
    within_class_variety,
)
from keras_gans.metrics.generating import generate, is_conditional, latent_vectors, output_range
from keras_gans.metrics.inception import (
    INCEPTION_WEIGHTS_FILE,
    INCEPTION_WEIGHTS_URL,
    WeightsUnavailable,
    inception_encoder,
    inception_features,
    inception_scores,
    kernel_inception_distance,
)
from keras_gans.metrics.scores import (
    NoiseImages,
    RealImages,
    blurred,
    fashion_score_fn,
    image_score_fn,
    load_image_folder,
    mnist_score_fn,
    noise_score,
    real_floor,
)
from keras_gans.metrics.swd import laplacian_pyramid, patch_descriptors, sliced_wasserstein_distance

__all__ = [
    "CLASSIFIER_DIR_ENV",
    "CLASSIFIER_ENV",
    "DATASETS",
    "DEFAULT_CLASSIFIER_DIR",
    "DEFAULT_CLASSIFIER_PATH",
    "FASHION_MNIST_ENV",
    "FEATURES_LAYER",
    "INCEPTION_WEIGHTS_FILE",
    "INCEPTION_WEIGHTS_URL",
    "NoiseImages",
    "QualityMonitor",
    "RealImages",
    "WeightsUnavailable",
    "blurred",
    "build_classifier",
    "build_mnist_classifier",
    "class_accuracy",
    "class_spread",
    "classifier_frechet_distance",
    "classifier_path",
    "classify",
    "conditional_accuracy",
    "evaluate_mnist_generator",
    "fashion_score_fn",
    "features",
    "frechet_distance",
    "generate",
    "image_score_fn",
    "inception_encoder",
    "inception_features",
    "inception_scores",
    "is_conditional",
    "kernel_inception_distance",
    "laplacian_pyramid",
    "latent_vectors",
    "load_classifier",
    "load_dataset",
    "load_image_folder",
    "load_mnist",
    "load_mnist_classifier",
    "mean_pairwise_distance",
    "mnist_frechet_distance",
    "mnist_score_fn",
    "noise_score",
    "output_range",
    "patch_descriptors",
    "real_floor",
    "sliced_wasserstein_distance",
    "to_unit_range",
    "train_classifier",
    "train_mnist_classifier",
    "within_class_variety",
]
