"""Train CycleGAN (Zhu et al., 2017) as the Keras example "CycleGAN": horse2zebra, 256x256.

python scripts/train_cyclegan.py                                # keras.io's horse2zebra, into data/
python scripts/train_cyclegan.py --data-dir data/horse2zebra    # the same, unzipped by hand
python scripts/train_cyclegan.py --domain-a photos/ --domain-b paintings/ --image-size 128
python scripts/train_cyclegan.py --dataset sneaker2boot --epochs 2 --steps-per-epoch 1500 --batch-size 4

Batches pair an image of each domain; every epoch the monitor draws test images of both domains,
their translations and their reconstructions (samples/translations_NNN.png). The stand-in,
sneaker2boot (Fashion-MNIST sneakers <-> ankle boots, 32x32), is scored by the project's
Fashion-MNIST classifier: val_accuracy is the share of translations it reads as the other class.
"""

import sys

from keras_gans.cli import main as train_main


def main(argv=None):
    return train_main("cyclegan", argv, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
