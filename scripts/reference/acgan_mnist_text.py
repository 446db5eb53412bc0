"""The ACGAN of the tutorial text, in PyTorch, run here (issue #27's reference for `acgan_mnist`).

Source: ../shared/seeds/001_2158d86a2a6a2518.txt, section 4 ("ACGAN: an example in PyTorch",
4.1 to 4.6): its hyperparameters, `Generator`, `Discriminator` and `train()` are kept below line
for line (Chinese comments translated). Nothing here imports keras_gans.

As written, the text's code stops at its first batch: its discriminator's `self.model` ends in
`Linear(256, 1)` and a sigmoid, and its classifier, `Linear(256, 10)`, is applied to that 1-unit
output (a shape error). And if it ran, its generator would not learn: the generator's step scores
the fakes of the discriminator's step, made with `.detach()`, so `g_loss.backward()` reaches no
weight of the generator. `--variant` chooses:

- `as_written`: only the fault that stops it is fixed (change 1 below); the generator is never
  updated, which the run shows (its weights are those it was initialised with, checked each epoch);
- `trains`: change 1, and the generator's step makes its fakes again, with the gradient, from the
  same z and labels (change 2): the fewest changes that make it train.

Changed to run here, each said where it happens:
1. The discriminator's sigmoid head and its classifier both read the 256 hidden features (the
   text stacks the classifier on the 1-unit output). Its label input is kept.
2. (`trains` only) `fake_images = G(z, labels)` again before the generator's step, without
   `.detach()`.
3. Data: MNIST from a Keras-format .npz (`--mnist-path`), the text's `ToTensor` and
   `Normalize((0.5,), (0.5,))` written out ([-1, 1]), in a `TensorDataset`, shuffled by the same
   `DataLoader` (batch 64): torchvision's download needs the internet.
4. `.cuda()` -> the CPU; `--epochs` (text: 100); `--seed` (`torch.manual_seed`, the text seeds
   nothing).
5. A hook after each epoch: the generator copied into an equivalent Keras model (the same three
   Dense layers, each weight transposed: the judge scores Keras generators) and saved as
   `<output-dir>/generator_epoch_NNNN.keras`; the epoch's mean losses appended to `losses.json`;
   `run.json`. The text's print is kept.

    python scripts/reference/acgan_mnist_text.py --variant trains --epochs 10 --seed 0 \\
        --mnist-path ../shared/data/mnist/mnist_content_equivalent.npz \\
        --output-dir runs/reference/acgan_mnist/text_seed0
"""

import argparse
import sys

import numpy as np
from run_files import RunFolder, cpu_model

try:
    import torch
    import torch.nn as nn
    import torch.optim as optim
except ImportError:
    sys.exit("acgan_mnist_text.py needs PyTorch: pip install 'torch==2.13.0+cpu'")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variant", choices=("as_written", "trains"), required=True)
    parser.add_argument("--mnist-path", required=True, help="a Keras-format mnist.npz")
    parser.add_argument("--epochs", type=int, default=100, help="the text's 100 (default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output-dir", required=True)
    return parser.parse_args(argv)


# 4.2 Hyperparameters
batch_size = 64
lr = 0.0002
num_epochs = 100
num_classes = 10
latent_size = 100


# 4.4 The generator
class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(latent_size + num_classes, 256),
            nn.ReLU(),
            nn.Linear(256, 512),
            nn.ReLU(),
            nn.Linear(512, 784),
            nn.Tanh(),
        )

    def forward(self, z, labels):
        inputs = torch.cat((z, labels), dim=1)
        return self.model(inputs).view(-1, 1, 28, 28)


# 4.5 The discriminator
class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(784 + num_classes, 512),
            nn.LeakyReLU(0.2),
            nn.Linear(512, 256),
            nn.LeakyReLU(0.2),
        )
        # Change 1: the text's `self.model` goes on with these two layers, and its classifier
        # reads their 1-unit output; here both heads read the 256 features.
        self.source = nn.Sequential(
            nn.Linear(256, 1),  # real or fake
            nn.Sigmoid(),
        )
        self.classifier = nn.Linear(256, num_classes)  # the class

    def forward(self, x, labels):
        inputs = torch.cat((x.view(-1, 784), labels), dim=1)
        features = self.model(inputs)
        class_output = self.classifier(features)
        return self.source(features), class_output


# 4.6 Training
def train(train_loader, epochs, variant, after_epoch, device="cpu"):
    G = Generator().to(device)  # change 4: .cuda() -> the CPU, throughout
    D = Discriminator().to(device)
    criterion = nn.BCELoss()
    criterion_label = nn.CrossEntropyLoss()
    optimizer_G = optim.Adam(G.parameters(), lr=lr)
    optimizer_D = optim.Adam(D.parameters(), lr=lr)

    for epoch in range(epochs):
        sums, steps = np.zeros(2), 0  # change 5: the epoch's mean losses
        for _, (images, labels) in enumerate(train_loader):
            batch_size = images.size(0)
            images = images.to(device)
            labels = torch.eye(num_classes)[labels].to(device)  # one-hot

            # Train the discriminator
            optimizer_D.zero_grad()
            # Real and fake targets
            real_labels = torch.ones(batch_size, 1).to(device)
            fake_labels = torch.zeros(batch_size, 1).to(device)

            outputs, class_outputs = D(images, labels)
            d_loss_real = criterion(outputs, real_labels)
            d_loss_class_real = criterion_label(class_outputs, labels.argmax(dim=1))

            z = torch.randn(batch_size, latent_size).to(device)
            fake_images = G(z, labels).detach()
            outputs, class_outputs = D(fake_images, labels)
            d_loss_fake = criterion(outputs, fake_labels)
            d_loss_class_fake = criterion_label(class_outputs, labels.argmax(dim=1))

            d_loss = d_loss_real + d_loss_fake + d_loss_class_real + d_loss_class_fake
            d_loss.backward()
            optimizer_D.step()

            # Train the generator
            optimizer_G.zero_grad()
            if variant == "trains":
                fake_images = G(z, labels)  # change 2: with the gradient, the same z and labels
            outputs, class_outputs = D(fake_images, labels)
            g_loss = criterion(outputs, real_labels) + criterion_label(class_outputs, labels.argmax(dim=1))
            g_loss.backward()
            optimizer_G.step()
            sums += (d_loss.item(), g_loss.item())
            steps += 1

        print(f"Epoch [{epoch}/{num_epochs}], D Loss: {d_loss.item():.4f}, G Loss: {g_loss.item():.4f}")
        after_epoch(epoch, G, sums / steps)


def keras_generator(G):
    """The same function as `G` as a Keras model ([z, one-hot] -> (28, 28, 1)): the judge's input."""
    import keras

    z, label = keras.Input((latent_size,)), keras.Input((num_classes,))
    x = keras.layers.Concatenate()([z, label])
    linears = [m for m in G.model if isinstance(m, nn.Linear)]
    for i, (linear, activation) in enumerate(zip(linears, ("relu", "relu", "tanh"), strict=True)):
        dense = keras.layers.Dense(linear.out_features, activation=activation, name=f"dense_{i}")
        x = dense(x)
        dense.set_weights([linear.weight.detach().numpy().T, linear.bias.detach().numpy()])
    # PyTorch's view(-1, 1, 28, 28) and this reshape read the 784 values in the same order.
    return keras.Model([z, label], keras.layers.Reshape((28, 28, 1))(x), name="generator")


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)  # change 4
    with np.load(args.mnist_path) as mnist:  # change 3
        x_train, y_train = mnist["x_train"], mnist["y_train"]
    images = (torch.from_numpy(x_train).float().unsqueeze(1) / 255.0 - 0.5) / 0.5
    dataset = torch.utils.data.TensorDataset(images, torch.from_numpy(y_train).long())
    train_loader = torch.utils.data.DataLoader(dataset=dataset, batch_size=batch_size, shuffle=True)
    record = {
        "source": f"../shared/seeds/001_2158d86a2a6a2518.txt, section 4 (ACGAN, PyTorch), {args.variant}",
        "args": {**vars(args), "batch_size": batch_size},
        "steps_per_epoch": len(train_loader),
        "generator_output_range": [-1, 1],
        "versions": {"python": sys.version.split()[0], "torch": torch.__version__},
        "threads": torch.get_num_threads(),
        "cpu": cpu_model(),
    }
    folder = RunFolder(args.output_dir, record)
    initial = None

    def after_epoch(epoch, G, means):  # change 5
        nonlocal initial
        weights = torch.cat([p.detach().flatten() for p in G.parameters()])
        if initial is None:
            initial = weights.clone()
        # After the first epoch: how far the generator moved since then (0: it never trains).
        change = (weights - initial).abs().max()
        folder.epoch_done(
            epoch, keras_generator(G), d_loss=means[0], g_loss=means[1], generator_change_since_epoch_1=change
        )

    train(train_loader, args.epochs, args.variant, after_epoch)
    folder.finish()


if __name__ == "__main__":
    main()
