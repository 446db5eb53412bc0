"""The face and MNIST DCGANs' training steps in PyTorch eager: the reference speed.

The speed issue measures keras_gans against PyTorch eager running the same
networks. This is that port, for `scripts/benchmark.py --configs ...
pytorch_eager` (or alone: `python scripts/pytorch_reference.py dcgan_celeba`).
It needs PyTorch (`pip install torch`), which keras_gans itself does not use.

Same layers, parameter counts (checked below), batch sizes, optimizers and
step as the Keras models; synthetic data as in the benchmark. Prints one JSON
line in the benchmark's format. `--precision bfloat16` runs the forward
passes under PyTorch's own mixed precision (`torch.autocast`), the match of
Keras' `mixed_bfloat16`, with the networks' outputs in float32 as in Keras.
"""

import argparse
import functools
import json
import resource
import statistics
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:  # keras_gans itself does not use PyTorch: --help still works, a run says so
    torch = nn = None

NEEDS_TORCH = "pytorch_reference.py needs PyTorch, which keras_gans does not use: pip install torch"

# Trainable parameters of the Keras models (BatchNorm's moving statistics,
# which Keras counts, are buffers in PyTorch).
PARAMETERS = {"dcgan_celeba": (404_801, 3_979_651), "dcgan_mnist": (212_865, 2_305_472)}


def face_models():
    """The Keras example's discriminator and generator, channels first."""
    # padding=1 with kernel 4, stride 2 is Keras' "same" here.
    discriminator = nn.Sequential(
        nn.Conv2d(3, 64, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(128, 128, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(8 * 8 * 128, 1),
        nn.Sigmoid(),
    )
    generator = nn.Sequential(
        nn.Linear(128, 8 * 8 * 128),
        nn.Unflatten(1, (128, 8, 8)),
        nn.ConvTranspose2d(128, 128, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(128, 256, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(256, 512, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(512, 3, 5, 1, 2),
        nn.Tanh(),
    )
    return discriminator, generator


def mnist_models():
    """The TensorFlow tutorial's discriminator and generator (Keras' defaults for BN and LeakyReLU)."""

    def batch_norm(cls, features):
        return cls(features, eps=1e-3, momentum=0.01)

    generator = nn.Sequential(
        nn.Linear(100, 7 * 7 * 256, bias=False),
        batch_norm(nn.BatchNorm1d, 7 * 7 * 256),
        nn.LeakyReLU(0.3),
        nn.Unflatten(1, (256, 7, 7)),
        nn.ConvTranspose2d(256, 128, 5, 1, 2, bias=False),
        batch_norm(nn.BatchNorm2d, 128),
        nn.LeakyReLU(0.3),
        nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False),
        batch_norm(nn.BatchNorm2d, 64),
        nn.LeakyReLU(0.3),
        nn.ConvTranspose2d(64, 1, 5, 2, 2, output_padding=1, bias=False),
        nn.Tanh(),
    )
    discriminator = nn.Sequential(
        nn.Conv2d(1, 64, 5, 2, 2),
        nn.LeakyReLU(0.3),
        nn.Dropout(0.3),
        nn.Conv2d(64, 128, 5, 2, 2),
        nn.LeakyReLU(0.3),
        nn.Dropout(0.3),
        nn.Flatten(),
        nn.Linear(7 * 7 * 128, 1),
    )
    return discriminator, generator


def binary_crossentropy(probabilities, targets):
    """Keras' BinaryCrossentropy on probabilities; unlike nn.BCELoss it accepts the noisy labels above 1."""
    p = probabilities.clamp(1e-7, 1 - 1e-7)
    return -(targets * p.log() + (1 - targets) * (1 - p).log()).mean()


def precision_scope(precision):
    """A new context for each forward pass: autocast to bfloat16, or none (float32)."""
    return functools.partial(torch.autocast, "cpu", dtype=torch.bfloat16, enabled=precision == "bfloat16")


def face_step(discriminator, generator, batch_size, precision):
    """The Keras example's step: D on real and fake images with noisy labels, then G."""
    scope = precision_scope(precision)
    d_optimizer = torch.optim.Adam(discriminator.parameters(), 1e-4)
    g_optimizer = torch.optim.Adam(generator.parameters(), 1e-4)
    real = torch.rand(batch_size, 3, 64, 64) * 2 - 1

    def step():
        with torch.no_grad(), scope():
            fake = generator(torch.randn(batch_size, 128)).float()
        labels = torch.cat([torch.ones(batch_size, 1), torch.zeros(batch_size, 1)])
        labels += 0.05 * torch.rand(labels.shape)
        d_optimizer.zero_grad()
        with scope():
            predictions = discriminator(torch.cat([fake, real])).float()
        d_loss = binary_crossentropy(predictions, labels)
        d_loss.backward()
        d_optimizer.step()
        g_optimizer.zero_grad()
        with scope():
            predictions = discriminator(generator(torch.randn(batch_size, 128)).float()).float()
        g_loss = binary_crossentropy(predictions, torch.zeros(batch_size, 1))
        g_loss.backward()
        g_optimizer.step()
        return d_loss.item(), g_loss.item()

    return step


def mnist_step(discriminator, generator, batch_size, precision):
    """The TensorFlow tutorial's step: one forward pass, each loss differentiated for its own network."""
    scope = precision_scope(precision)
    d_optimizer = torch.optim.Adam(discriminator.parameters(), 1e-4)
    g_optimizer = torch.optim.Adam(generator.parameters(), 1e-4)
    loss = nn.BCEWithLogitsLoss()
    real = torch.rand(batch_size, 1, 28, 28) * 2 - 1

    def step():
        with scope():
            real_output = discriminator(real).float()
            fake_output = discriminator(generator(torch.randn(batch_size, 100)).float()).float()
        g_loss = loss(fake_output, torch.ones_like(fake_output))
        d_loss = loss(real_output, torch.ones_like(real_output)) + loss(
            fake_output, torch.zeros_like(fake_output)
        )
        g_params, d_params = list(generator.parameters()), list(discriminator.parameters())
        g_grads = torch.autograd.grad(g_loss, g_params, retain_graph=True)
        d_grads = torch.autograd.grad(d_loss, d_params)
        for param, grad in zip(g_params + d_params, g_grads + d_grads, strict=True):
            param.grad = grad
        g_optimizer.step()
        d_optimizer.step()
        return d_loss.item(), g_loss.item()

    return step


def measure(model, warmup, steps, precision="float32"):
    """Times `steps` training steps after `warmup`; the benchmark's result dict."""
    torch.manual_seed(0)
    builders = {"dcgan_celeba": (face_models, face_step, 32), "dcgan_mnist": (mnist_models, mnist_step, 256)}
    build_models, build_step, batch_size = builders[model]
    discriminator, generator = build_models()
    counts = tuple(sum(p.numel() for p in net.parameters()) for net in (discriminator, generator))
    if counts != PARAMETERS[model]:
        raise AssertionError(f"{model}: parameters {counts}, the Keras model has {PARAMETERS[model]}")
    step = build_step(discriminator, generator, batch_size, precision)
    for _ in range(warmup):
        step()
    # As the Keras benchmark: the time between the ends of consecutive steps.
    ends = [time.perf_counter()]
    for _ in range(steps):
        step()
        ends.append(time.perf_counter())
    step_seconds = [end - start for start, end in zip(ends[:-1], ends[1:], strict=True)]
    return {
        "model": model,
        "batch_size": batch_size,
        "step_seconds": step_seconds,
        "images_per_s": batch_size / statistics.median(step_seconds),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "xla": False,
        "precision": "mixed_bfloat16" if precision == "bfloat16" else "float32",  # Keras' names
        "onednn": torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }


def whole_number(least):
    """argparse type: a whole number at least `least` (the benchmark's own types, without keras_gans)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be a whole number at least {least}, got {value}")
        return value

    return parse


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model", choices=list(PARAMETERS))
    parser.add_argument("--warmup", type=whole_number(0), default=5, help="steps not timed (default: 5)")
    parser.add_argument("--steps", type=whole_number(1), default=10, help="steps timed (default: 10)")
    parser.add_argument("--precision", choices=["float32", "bfloat16"], default="float32")
    args = parser.parse_args(argv)
    if torch is None:
        print(f"error: {NEEDS_TORCH}", file=sys.stderr)
        return 2
    print(json.dumps(measure(args.model, args.warmup, args.steps, args.precision)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
