"""The hand-gesture CGAN tutorial's own PyTorch training, as the reference for the Keras port.

The results issue asks why the port's hands collapsed: run the tutorial's
PyTorch code on the same data, size, steps and seeds as the port, and compare
what each learns. This is that code: the tutorial's `Generator`,
`Discriminator`, `weights_init`, BCE losses, Adam(2e-4, 0.5) and its training
loop as written (LearnOpenCV, "Conditional GAN (cGAN) in PyTorch and
TensorFlow", `cgan_pytorch.py`), with two changes that the comparison needs:
- sizes other than 128 shrink the same layers as the port does
  (`keras_gans/models/cgan_rps.py`): the generator starts from
  image_size/32 instead of 4, the discriminator's label map and last Linear
  follow the image; at 128 the networks are the tutorial's exactly
  (parameter counts checked against the port's);
- the images are the port's own pipeline's (`class_folder_dataset`, read once
  into memory) instead of torchvision's `ImageFolder` (torchvision is not
  installed here): same files, same resizing, same [-1, 1] scaling.

Every `--eval-every` epochs the generator (in eval mode, as the tutorial
draws its interpolation) is scored by the port's own judge
(`keras_gans.presets.cgan_rps.quality`: the Fashion-MNIST classifier's
conditional accuracy and Fréchet distance), and a grid of one row per class is
saved. Writes `--output`/scores.json and grid_NNN.png.

    pip install "torch==2.13.0+cpu"
    python scripts/pytorch_cgan_rps.py --data-dir data/rps_standin --image-size 32 --epochs 100 --seed 0 \
        --fashion-mnist-path ../shared/data/fashion-mnist --output runs/cgan_rps_pytorch
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the package, even without an editable install

import numpy as np  # noqa: E402

try:
    import torch
    from torch import nn
except ImportError:  # keras_gans itself does not use PyTorch
    sys.exit('pytorch_cgan_rps.py needs PyTorch: pip install "torch==2.13.0+cpu" (or any torch)')

import keras_gans  # noqa: E402, F401  (oneDNN settings before TensorFlow)

LATENT_DIM, EMBEDDING_DIM, BATCH_SIZE = 100, 100, 128  # the tutorial's
# The tutorial's networks at 128x128 (the port's docstrings and tests say the same).
PARAMETERS_AT_128 = (7_789_308, 7_729_709)


def weights_init(m):
    """The tutorial's: conv kernels ~ N(0, 0.02), BatchNorm gamma ~ N(1, 0.02), beta 0."""
    name = m.__class__.__name__
    if name.find("Conv") != -1:
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
    elif name.find("BatchNorm") != -1:
        torch.nn.init.normal_(m.weight, 1.0, 0.02)
        torch.nn.init.zeros_(m.bias)


class Generator(nn.Module):
    """The tutorial's generator; `image_size` other than 128 starts from image_size/32."""

    def __init__(self, n_classes, image_size):
        super().__init__()
        self.start = image_size // 32
        self.label_conditioned_generator = nn.Sequential(
            nn.Embedding(n_classes, EMBEDDING_DIM), nn.Linear(EMBEDDING_DIM, self.start**2)
        )
        self.latent = nn.Sequential(
            nn.Linear(LATENT_DIM, self.start**2 * 512), nn.LeakyReLU(0.2, inplace=True)
        )

        def up(c_in, c_out):
            return [
                nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False),
                nn.BatchNorm2d(c_out, momentum=0.1, eps=0.8),
                nn.ReLU(True),
            ]

        self.model = nn.Sequential(
            *up(513, 512),
            *up(512, 256),
            *up(256, 128),
            *up(128, 64),
            nn.ConvTranspose2d(64, 3, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, inputs):
        noise_vector, label = inputs
        label_output = self.label_conditioned_generator(label).view(-1, 1, self.start, self.start)
        latent_output = self.latent(noise_vector).view(-1, 512, self.start, self.start)
        return self.model(torch.cat((latent_output, label_output), dim=1))


class Discriminator(nn.Module):
    """The tutorial's discriminator; its label map and last Linear follow `image_size`."""

    def __init__(self, n_classes, image_size):
        super().__init__()
        self.image_size = image_size
        self.label_condition_disc = nn.Sequential(
            nn.Embedding(n_classes, EMBEDDING_DIM), nn.Linear(EMBEDDING_DIM, 3 * image_size * image_size)
        )
        size = image_size // 2
        for _ in range(3):
            size = (size + 2 * 2 - 4) // 3 + 1  # Conv2d(k=4, stride 3, padding 2)

        def down(c_in, c_out):
            return [
                nn.Conv2d(c_in, c_out, 4, 3, 2, bias=False),
                nn.BatchNorm2d(c_out, momentum=0.1, eps=0.8),
                nn.LeakyReLU(0.2, inplace=True),
            ]

        self.model = nn.Sequential(
            nn.Conv2d(6, 64, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            *down(64, 128),
            *down(128, 256),
            *down(256, 512),
            nn.Flatten(),
            nn.Dropout(0.4),
            nn.Linear(512 * size * size, 1),  # 4608 at 128x128, as the tutorial
            nn.Sigmoid(),
        )

    def forward(self, inputs):
        img, label = inputs
        label_output = self.label_condition_disc(label).view(-1, 3, self.image_size, self.image_size)
        return self.model(torch.cat((img, label_output), dim=1))


def build(n_classes, image_size):
    generator, discriminator = Generator(n_classes, image_size), Discriminator(n_classes, image_size)
    generator.apply(weights_init)
    discriminator.apply(weights_init)
    return generator, discriminator


def count(model):
    return sum(p.numel() for p in model.parameters())


def load_images(data_dir, image_size):
    """The port's pipeline, read once: (N, 3, s, s) float32 in [-1, 1], int64 labels, class names."""
    from keras_gans.data.class_folders import class_folder_dataset

    dataset, report = class_folder_dataset(data_dir, image_size=image_size, batch_size=100_000, shuffle=False)
    images, labels = next(iter(dataset))
    n = len(report.files)  # the pipeline repeats the files to fill its batches: each once here
    images, labels = images.numpy()[:n], labels.numpy()[:n].astype("int64")
    return np.transpose(images, (0, 3, 1, 2)).copy(), labels, report.class_names


class KerasView:
    """The PyTorch generator called as the port's judge calls a Keras one: [z, labels] -> NHWC numpy."""

    def __init__(self, generator):
        self.generator = generator

    def __call__(self, inputs, training=False):
        z, labels = inputs
        self.generator.train(training)
        with torch.no_grad():
            images = self.generator(
                (torch.from_numpy(np.asarray(z)), torch.from_numpy(np.asarray(labels)).long())
            )
        return images.permute(0, 2, 3, 1).numpy()


def save_grid(view, n_classes, path, seed, per_class=8):
    """One row per class, the same noise in every row, as the port's ClassGridMonitor."""
    from keras_gans.plotting import save_image_grid

    z = np.random.default_rng(seed).standard_normal((per_class, LATENT_DIM)).astype("float32")
    rows = [view([z, np.full(per_class, c)]) for c in range(n_classes)]
    save_image_grid(np.concatenate(rows), path, cols=per_class)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir", required=True, help="folder of class sub-folders (e.g. data/rps_standin)"
    )
    parser.add_argument("--image-size", type=int, default=128, help="a multiple of 32 (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=100, help="the tutorial's count (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval-every", type=int, default=10)
    parser.add_argument("--eval-samples", type=int, default=3000)
    parser.add_argument("--fashion-mnist-path", default=None, help="the judge's data (the stand-in's score)")
    parser.add_argument("--output", required=True, help="folder for scores.json and the grids")
    args = parser.parse_args(argv)
    if args.image_size % 32:
        parser.error(f"--image-size must be a multiple of 32, got {args.image_size}")
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)

    from keras_gans.presets import TrainingData, get_preset

    torch.manual_seed(args.seed)  # the tutorial seeds torch only (with 1)
    images, labels, class_names = load_images(args.data_dir, args.image_size)
    n_classes = len(class_names)
    generator, discriminator = build(n_classes, args.image_size)
    at_128 = tuple(count(m) for m in build(3, 128))
    if at_128 != PARAMETERS_AT_128:
        raise AssertionError(f"the tutorial's networks have {PARAMETERS_AT_128} parameters, these {at_128}")
    preset = get_preset("cgan_rps")
    config = preset.config(eval_samples=args.eval_samples, fashion_mnist_path=args.fashion_mnist_path)
    score_fn = preset.quality(config, TrainingData(class_names=class_names))
    view = KerasView(generator)

    train_loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(images), torch.from_numpy(labels)),
        batch_size=BATCH_SIZE,
        shuffle=True,
    )
    adversarial_loss = nn.BCELoss()
    g_optimizer = torch.optim.Adam(generator.parameters(), lr=0.0002, betas=(0.5, 0.999))
    d_optimizer = torch.optim.Adam(discriminator.parameters(), lr=0.0002, betas=(0.5, 0.999))
    record = {
        "data_dir": args.data_dir,
        "image_size": args.image_size,
        "seed": args.seed,
        "class_names": class_names,
        "parameters": {"generator": count(generator), "discriminator": count(discriminator)},
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "epochs": [],
    }
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        generator.train()
        d_losses, g_losses = [], []
        # The tutorial's loop, line for line.
        for real_images, batch_labels in train_loader:
            d_optimizer.zero_grad()
            batch_labels = batch_labels.unsqueeze(1).long()
            real_target = torch.ones(real_images.size(0), 1)
            fake_target = torch.zeros(real_images.size(0), 1)
            d_real_loss = adversarial_loss(discriminator((real_images, batch_labels)), real_target)
            noise_vector = torch.randn(real_images.size(0), LATENT_DIM)
            generated_image = generator((noise_vector, batch_labels))
            d_fake_loss = adversarial_loss(
                discriminator((generated_image.detach(), batch_labels)), fake_target
            )
            d_total_loss = (d_real_loss + d_fake_loss) / 2
            d_total_loss.backward()
            d_optimizer.step()
            g_optimizer.zero_grad()
            g_loss = adversarial_loss(discriminator((generated_image, batch_labels)), real_target)
            g_loss.backward()
            g_optimizer.step()
            d_losses.append(d_total_loss.item())
            g_losses.append(g_loss.item())
        row = {"epoch": epoch, "d_loss": float(np.mean(d_losses)), "g_loss": float(np.mean(g_losses))}
        if epoch % args.eval_every == 0 or epoch == args.epochs:
            row.update(score_fn(view))
            save_grid(view, n_classes, output / f"grid_{epoch:03d}.png", seed=args.seed)
        row["elapsed_s"] = round(time.time() - started, 1)
        record["epochs"].append(row)
        print(json.dumps(row), flush=True)
        (output / "scores.json").write_text(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
