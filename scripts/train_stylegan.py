"""Train StyleGAN as keras.io's "Face image generation with StyleGAN": progressive growth, WGAN-GP.

python scripts/train_stylegan.py                    # keras.io's run: download CelebA, grow to 64x64
python scripts/train_stylegan.py --data-dir ../shared/data/celeba/img_align_celeba
    --target-size 32 --epochs 19                                       # keras.io's schedule to 32x32
python scripts/train_stylegan.py --data-dir ../shared/data/celeba/img_align_celeba --target-size 16
    --epochs 11 --steps-per-epoch 5 --batch-size 16 --max-filters 32 --eval-every 0    # a CPU try, minutes

Each epoch is --steps-per-epoch steps (keras.io's 100); keras.io's phases (4x4, then a transition
and a stable phase per resolution) are runs of epochs, and a killed run resumes at its resolution.
At the end, style_mixing.png and truncation.png show what the styles do.
"""

import sys

from keras_gans.cli import main as train_main


def main(argv=None):
    return train_main("stylegan", argv, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
