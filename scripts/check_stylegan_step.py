"""Training steps of keras.io's StyleGAN code and of the port from the same weights and inputs (issue #27).

keras.io's `examples/generative/stylegan.py` (a copy: `--source`, as scripts/reference/stylegan_keras_io.py
reads it, with the same changes) is run up to its networks and `StyleGAN` class, never its training
call. Both sides are built at the same size, the port's weights are copied into keras.io's networks,
and every random draw of a step (latent vectors, noise maps, the penalty's interpolation weights) is
the same on both sides: `keras.random.normal` and `keras.random.uniform` are replaced, for this
check only, by functions that read fixed draws from variables, in the order both steps draw them.
The real images are the same too: the port's at the target size, keras.io's the same images at the
stage's resolution (what the port's step makes of them: each block is one colour, so its 2x2 means
and its nearest pixels are both keras.io's images).

Then `--steps` steps of keras.io's `train_step` (eager, as keras.io runs it) and of the port's
(eager; compiled by `tf.function`, as `fit` runs it on a CPU; with XLA, as on a GPU) at four phases
(4x4 stable, 8x8 fading in, 16x16 stable, 32x32 fading in), and it prints, per phase and mode, the largest
relative difference of the losses the two report and the distance between the two sides' weights
after the steps, as a fraction of how far keras.io's steps moved them. Equal up to float32 rounding
means the port's step is keras.io's step: a difference in results then comes from elsewhere.
(Rounding is not small here after a step: Adam with beta_1 = 0 moves a weight by about its learning
rate whatever its gradient's size, so a gradient that is rounding noise moves a weight as far as a
real one; compiled steps reorder the sums, and land some 1e-2 of the change apart.)

    python scripts/check_stylegan_step.py --source data/keras_io/stylegan.py
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from run_files import keras_io_source  # noqa: E402
from stylegan_keras_io import changed_source  # noqa: E402

from keras_gans.models.stylegan import StyleGAN, keras_io_adam, keras_io_schedule  # noqa: E402

# keras.io's source up to here defines the layers, networks and StyleGAN; what follows trains.
TRAINING_STARTS = "\nstyle_gan = StyleGAN(start_res=START_RES, target_res=TARGET_RES)\n"
# (resolution, transition phase?, the phase's length in steps, steps done before the check).
PHASES = [(4, False, 100, 0), (8, True, 200, 100), (16, False, 300, 0), (32, True, 400, 200)]


class FixedDraws:
    """Stands in for keras.random.normal/uniform: the i-th draw of a shape comes from a variable.

    Both steps draw, in order: latent vectors, a noise map per resolution, the interpolation
    weights (the discriminator's step), then latent vectors and noise maps again (the
    generator's). keras.io draws a noise map for every resolution up to the target, the port for
    those in use; counting the draws of each shape apart keeps both sides on the same values.
    """

    def __init__(self, seed, batch, latent_dim, target):
        self.rng = np.random.default_rng(seed)
        shapes = [("normal", (batch, latent_dim), 2), ("uniform", (batch, 1, 1, 1), 1)]
        shapes += [("normal", (batch, 2**r, 2**r, 1), 2) for r in range(2, int(np.log2(target)) + 1)]
        self.variables = {  # made here: a compiled step cannot make variables
            (kind, shape, i): tf.Variable(tf.zeros(shape), trainable=False)
            for kind, shape, times in shapes
            for i in range(times)
        }
        self.counts = {}

    def draw(self, kind, shape):
        shape = tuple(int(s) for s in shape)
        index = self.counts.get((kind, shape), 0)
        self.counts[(kind, shape)] = index + 1
        return self.variables[(kind, shape, index)].value()

    def new_step(self):
        """Fresh values for the next step (the same for both sides until the next call)."""
        self.counts = {}
        for (kind, shape, _), variable in self.variables.items():
            values = self.rng.standard_normal(shape) if kind == "normal" else self.rng.uniform(size=shape)
            variable.assign(values.astype("float32"))

    def start_call(self):
        self.counts = {}

    def normal(self, shape, *args, **kwargs):
        return self.draw("normal", shape)

    def uniform(self, shape, *args, **kwargs):
        return self.draw("uniform", shape)


def keras_io_namespace(source, target, max_filters, batch):
    """keras.io's definitions (changed as the reference runner changes them), not its training."""
    code = changed_source(keras_io_source(source, "stylegan"))
    code = code[: code.index(TRAINING_STARTS)]
    namespace = {
        "__name__": "keras_io_stylegan",
        "DATA_DIR": ".",
        "TARGET": target,
        "STEPS_PER_EPOCH": 100,
        "BATCH": batch,
        "SEED": 0,
        "capped": lambda table: {k: min(v, max_filters) for k, v in table.items()},
        "HOOK": None,
    }
    exec(compile(code, source, "exec"), namespace)
    return namespace


def copy_weights(port, mapping, g_builder, d_builder):
    """The port's weights into keras.io's networks, part by part (shapes checked)."""
    pairs = [(port.mapping, mapping)]
    pairs += list(zip(port.g_blocks, g_builder.g_blocks, strict=True))
    pairs += list(zip(port.to_rgb, g_builder.to_rgb, strict=True))
    pairs += list(zip(port.d_blocks, d_builder.d_blocks, strict=True))
    pairs += list(zip(port.from_rgb, d_builder.from_rgb, strict=True))
    for ours, theirs in pairs:
        if len(ours.weights) != len(theirs.weights):
            raise SystemExit(f"{ours.name}: {len(ours.weights)} weights, keras.io's {len(theirs.weights)}")
        for a, b in zip(ours.weights, theirs.weights, strict=True):
            if tuple(a.shape) != tuple(b.shape):
                raise SystemExit(f"{ours.name}: shapes {a.shape} and keras.io's {b.shape}")
            b.assign(a)
    return pairs


def weights_of(pairs):
    """keras.io's and the port's weights, as arrays."""
    return [
        (keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
        for ours, theirs in pairs
        for a, b in zip(ours.weights, theirs.weights, strict=True)
    ]


def weight_difference(pairs, start):
    """|port - keras.io| / |keras.io's change| over all the weights (L2 norms), after training from `start`.

    Measured against what the steps changed, not the weights' size: Adam with beta_1 = 0 moves
    each weight by about its learning rate whatever its gradient's size, so a gradient that is
    rounding noise on one side moves a weight as far as a real one.
    """
    now = weights_of(pairs)
    gap = sum(float(np.sum((a - b) ** 2)) for a, b in now)
    change = sum(float(np.sum((b - b0) ** 2)) for (_, b), (_, b0) in zip(now, start, strict=True))
    return (gap / change) ** 0.5


def check_phase(ns, args, draws, resolution, fading, phase_steps, done):
    """`args.steps` steps of both sides at one phase; returns {mode: (loss difference, weight difference)}."""
    batch = args.batch
    results = {}
    rng = np.random.default_rng(resolution)
    small = rng.uniform(-1, 1, size=(args.steps, batch, resolution, resolution, 3)).astype("float32")
    factor = args.target // resolution
    large = small.repeat(factor, axis=2).repeat(factor, axis=3)  # blocks of one colour: `small` either way
    for mode in ("eager", "tf.function", "xla"):
        keras.utils.set_random_seed(args.seed)
        port = StyleGAN(target_size=args.target, max_filters=args.max_filters, resolution=resolution, seed=0)
        port.compile(d_optimizer=keras_io_adam(), g_optimizer=keras_io_adam())
        rate = next(p.learning_rate for p in keras_io_schedule(4, args.target) if p.resolution == resolution)
        port.reset_optimizers(rate)
        port.set_phase(done, phase_steps if fading else 0)

        mapping = ns["Mapping"](num_stages=port.stages)
        g_builder = ns["Generator"](2, int(np.log2(args.target)))
        d_builder = ns["Discriminator"](2, int(np.log2(args.target)))
        theirs = ns["StyleGAN"](
            start_res=4,
            target_res=args.target,
            d_builder=d_builder,
            g_builder=g_builder,
            mapping=mapping,
            current_res=resolution,
        )
        pairs = copy_weights(port, mapping, g_builder, d_builder)
        start = weights_of(pairs)
        theirs.compile(
            d_optimizer=keras_io_adam(rate),  # keras.io's train(): a new Adam(rate, 0, 0.99, 1e-8) each phase
            g_optimizer=keras_io_adam(rate),
            loss_weights={"gradient_penalty": 10, "drift": 0.001},
            steps_per_epoch=phase_steps,
            res=resolution,
            phase="TRANSITION" if fading else "STABLE",
            run_eagerly=True,
        )
        theirs.train_step_counter.assign(done)

        step = {
            "eager": port.train_step,
            "tf.function": tf.function(port.train_step),
            "xla": tf.function(port.train_step, jit_compile=True),
        }[mode]
        loss_gap = 0.0
        for s in range(args.steps):
            draws.new_step()
            draws.start_call()
            ours = {k: float(v) for k, v in step(tf.constant(large[s])).items()}
            draws.start_call()
            theirs_logs = {k: float(v) for k, v in theirs.train_step(tf.constant(small[s])).items()}
            for key in ("d_loss", "g_loss"):
                loss_gap = max(loss_gap, abs(ours[key] - theirs_logs[key]) / (abs(theirs_logs[key]) + 1e-6))
            alpha = (float(port.alpha), float(theirs.alpha))
        results[mode] = (loss_gap, weight_difference(pairs, start), alpha)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", required=True, help="keras.io's examples/generative/stylegan.py")
    parser.add_argument("--target", type=int, default=32, help="the target size of both (32)")
    parser.add_argument("--max-filters", type=int, default=64, help="filters cap of both (64)")
    parser.add_argument("--batch", type=int, default=8, help="images per step (8)")
    parser.add_argument("--steps", type=int, default=3, help="steps per phase (3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    ns = keras_io_namespace(args.source, args.target, args.max_filters, args.batch)
    draws = FixedDraws(args.seed, args.batch, 512, args.target)
    normal, uniform = keras.random.normal, keras.random.uniform
    keras.random.normal, keras.random.uniform = draws.normal, draws.uniform
    try:
        print("resolution phase      mode         losses (rel.)  weights (/change)  alpha (port, keras.io)")
        for resolution, fading, phase_steps, done in PHASES:
            if resolution > args.target:
                continue
            name = "transition" if fading else "stable"
            for mode, (loss_gap, weight_gap, alpha) in check_phase(
                ns, args, draws, resolution, fading, phase_steps, done
            ).items():
                print(
                    f"{resolution:>10} {name:<10} {mode:<12} {loss_gap:>13.2e}  {weight_gap:>17.2e}  "
                    f"{alpha[0]:.4f}, {alpha[1]:.4f}"
                )
    finally:
        keras.random.normal, keras.random.uniform = normal, uniform


if __name__ == "__main__":
    main()
