"""Train the classic Keras GAN (J. Brownlee, "How to Develop a GAN for MNIST") on MNIST.

python scripts/train_gan_mnist.py                     # the tutorial's composite model, 100 epochs
python scripts/train_gan_mnist.py --method fit        # the same networks, train_step + fit
python scripts/train_gan_mnist.py --mnist-path data/mnist.npz --epochs 10 --every 2

Every --every epochs: the discriminator's accuracy on real and fake images,
samples/generated_plot_eNNN.png (10x10) and samples/generator_model_NNN.keras.
"""

import argparse
import sys

from keras_gans.cli import add_mnist_argument, add_model_arguments, add_training_arguments, positive_int, run


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--method",
        choices=("composite", "fit"),
        default="composite",
        help="composite: the tutorial's train_on_batch loop with a frozen discriminator; "
        "fit: a subclassed train_step driven by model.fit (default: %(default)s)",
    )
    add_mnist_argument(parser)
    add_model_arguments(parser, latent_dim=100)
    add_training_arguments(parser, output_dir="runs/gan_mnist", epochs=100, batch_size=256)
    parser.add_argument(
        "--every", type=positive_int, default=10, help="evaluate every N epochs (default: %(default)s)"
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.batch_size < 2:
        print("error: --batch-size must be at least 2 (half real, half fake)", file=sys.stderr)
        return 2
    from keras_gans.recipes.classic_gan import train_gan_mnist

    return run(train_gan_mnist, **vars(args))


if __name__ == "__main__":
    sys.exit(main())
