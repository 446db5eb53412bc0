"""keras.io's StyleGAN example, run from a copy of its source as the yardstick for the `stylegan`
port (issue #27).

keras.io's code is not in this repository: `--source` names a copy of
`examples/generative/stylegan.py` from keras-team/keras-io (Soon-Yau Cheong, 2021, "Last modified:
2026/03/06", the Keras 3 version the port follows; https://keras.io/examples/generative/stylegan/),
e.g.

    curl -Lo data/keras_io/stylegan.py \\
        https://raw.githubusercontent.com/keras-team/keras-io/master/examples/generative/stylegan.py

This script reads that file, makes the changes below and runs it: keras.io's layers, networks,
`train_step` (eager, as keras.io compiles it on TensorFlow), losses, optimizers, data loader (PIL,
nearest-neighbour resizes, batches of the resolution's size) and its `train()` loop of one `fit`
per phase, as published. Each text change replaces one exact passage and stops with an error if
the passage is not in the file as many times as expected, so a different version of the example is
refused rather than run half-changed. The changes, all of them needed to run here or to run the
port's budget:

1. The faces: keras.io downloads CelebA with gdown into `celeba_gan/` (no internet here); its
   loader reads `--data-dir` instead (every image under it, as keras.io's `rglob`).
2. The budget: keras.io's `train(target_res=64, steps_per_epoch=100)` call and `TARGET_RES` take
   `--target-size` and `--steps-per-epoch` (keras.io's unit of the schedule: 19 units to 32x32,
   29 to 64x64).
3. The batch table: keras.io's `batch_sizes` (128 up to 16x16, then halved) scaled by
   `--batch-size` / 128 (32: 32 up to 16x16, 16 at 32x32), as the port's `--batch-size`.
4. The filters: both of keras.io's `filter_nums` tables capped at `--max-filters`, as the port's
   `--max-filters`; the mapping network and the styles keep keras.io's 512. Capped at 64 and
   grown to 32x32, keras.io's networks have the port's parameter counts at every resolution
   (generator without the mapping 168,835 / 374,598 / 580,166 / 785,734 at 4 / 8 / 16 / 32,
   discriminator 103,425 / 177,537 / 251,393 / 325,249; mapping 2,101,248).
5. `layers.Input(shape=512)` in keras.io's generator block is written `shape=(512,)`: Keras 3
   refuses an integer shape ("Cannot convert '512' to a shape"), so the example as published
   stops at its first block (a bug of the source; the port's parameter counts were checked with
   the same shim).
6. `--seed`: `keras.utils.set_random_seed(seed)` before the source runs (it seeds the latents,
   noise and weights keras.io draws from Keras' global generator), and its loader's
   `np.random.default_rng()` (unseeded: a different data order at every run) takes the seed.
7. A hook (added, `SaveSamples`, passed to each phase's `fit`): every `--steps-per-epoch` steps
   (the port's epoch: a scoring point of the port's run) it draws `--eval-samples` faces with
   keras.io's own sampler (`StyleGAN.call`: fixed latents and noise maps, from `--seed`; the
   fade-in at the training step's alpha), upsamples them to the target size (nearest neighbour, as
   the port's sampler shows a lower resolution) and saves them (`samples_epoch_NNNN.npy`, uint8,
   what keras.io's sampler returns) with the step's losses (`losses.json`) and `run.json`, as every
   reference run of scripts/reference/. keras.io's generator cannot be saved whole and reloaded
   (its layers have no `get_config`, its models are rebuilt per resolution), so the judge scores
   the images.
8. The source runs with the working directory `<output-dir>/work`, where keras.io's `train()`
   writes its `checkpoints/` (weights only); matplotlib draws off screen (keras.io's
   `plt.show()`).

Changes 2 to 4 default to keras.io's values; `run_comparison.sh stylegan` gives the size of the
port's result (32x32, batch 32, 64 filters). It imports Keras, TensorFlow and NumPy, never
keras_gans. A stopped run starts again from scratch (keras.io's loop has no resume).

    python scripts/reference/stylegan_keras_io.py --source data/keras_io/stylegan.py \\
        --data-dir ../shared/data/celeba/img_align_celeba --target-size 32 --steps-per-epoch 100 \\
        --batch-size 32 --max-filters 64 --seed 0 --output-dir runs/reference/stylegan/keras_io_seed0

scripts/compare_reference.py stylegan scores the saved faces with the port's judge.
"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # change 8: keras.io's plt.show() draws nothing

import keras  # noqa: E402
import numpy as np  # noqa: E402
from run_files import RunFolder, apply_changes, keras_io_record, keras_io_source  # noqa: E402

FILTER_TABLE = "        self.filter_nums = {\n"
FILTER_TABLE_END = "            10: 16,\n        }  # 1024x1024\n"
# (what keras.io has, what runs here, which change, how many times the source has it).
CHANGES = [
    (
        'os.makedirs("celeba_gan")\n\n'
        'url = "https://drive.google.com/uc?id=1O7m1010EJjLE5QxLZiM9Fpjs7Oj6e684"\n'
        'output = "celeba_gan/data.zip"\n'
        "gdown.download(url, output, quiet=True)\n\n"
        'with ZipFile("celeba_gan/data.zip", "r") as zipobj:\n'
        '    zipobj.extractall("celeba_gan")\n',
        "# change 1: the faces are DATA_DIR's, not downloaded\n",
        1,
        1,
    ),
    (
        '    image_dir = pathlib.Path("celeba_gan")',
        "    image_dir = pathlib.Path(DATA_DIR)  # change 1",
        1,
        1,
    ),
    ("TARGET_RES = 64\n", "TARGET_RES = TARGET  # change 2\n", 2, 1),
    (
        "    target_res=64,\n    steps_per_epoch=100,\n",
        "    target_res=TARGET_RES,\n    steps_per_epoch=STEPS_PER_EPOCH,  # change 2\n",
        2,
        1,
    ),
    (
        "batch_sizes = {2: 128, 3: 128, 4: 128, 5: 64, 6: 32, 7: 16, 8: 8, 9: 4, 10: 2}\n",
        "batch_sizes = {2: 128, 3: 128, 4: 128, 5: 64, 6: 32, 7: 16, 8: 8, 9: 4, 10: 2}\n"
        "batch_sizes = {k: max(1, v * BATCH // 128) for k, v in batch_sizes.items()}  # change 3\n",
        3,
        1,
    ),
    (FILTER_TABLE, "        self.filter_nums = capped({  # change 4\n", 4, 2),
    (FILTER_TABLE_END, "            10: 16,\n        })  # 1024x1024\n", 4, 2),
    ("        w = layers.Input(shape=512)\n", "        w = layers.Input(shape=(512,))  # change 5\n", 5, 1),
    ("    rng = np.random.default_rng()\n", "    rng = np.random.default_rng(SEED)  # change 6\n", 6, 1),
    (
        "                train_dl, epochs=1, steps_per_epoch=steps, verbose=1\n",
        "                train_dl, epochs=1, steps_per_epoch=steps, verbose=1,\n"
        "                callbacks=[HOOK],  # change 7\n",
        7,
        1,
    ),
]


def changed_source(text):
    """keras.io's source with the changes of CHANGES made."""
    return apply_changes(text, CHANGES, "stylegan")


class SaveSamples(keras.callbacks.Callback):
    """Change 7: every `every` steps, keras.io's sampler's faces and the losses, into the run folder.

    One object is passed to every phase's `fit`, so it counts the steps of the whole schedule.
    """

    def __init__(self, folder, every, count, target, seed, batch=100):
        super().__init__()
        self.folder, self.every, self.target, self.batch = folder, every, target, batch
        self.steps = 0
        rng = np.random.default_rng(seed)
        self.z = rng.standard_normal((count, 512)).astype("float32")  # keras.io's z_dim
        noise = np.random.default_rng(seed + 1)  # keras.io's generate_noise: a map per resolution, 4x4 up
        self.noise = [
            noise.standard_normal((count, 2**r, 2**r, 1)).astype("float32")
            for r in range(2, int(np.log2(target)) + 1)
        ]

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.steps % self.every:
            return
        gan = self.model
        alpha = float(keras.ops.convert_to_numpy(gan.alpha))
        batches = [  # as keras.io calls its sampler after each phase: every input a tensor
            {
                "z": self.z[s : s + self.batch],
                "noise": [n[s : s + self.batch] for n in self.noise],
                "alpha": keras.ops.convert_to_tensor(alpha),
            }
            for s in range(0, len(self.z), self.batch)
        ]
        images = np.concatenate([gan(inputs) for inputs in batches])
        scale = self.target // images.shape[1]  # a lower resolution shown at the target size
        images = images.repeat(scale, axis=1).repeat(scale, axis=2)
        logs = {k: v for k, v in (logs or {}).items() if k in ("d_loss", "g_loss")}
        self.folder.epoch_done(
            self.steps // self.every - 1, images, resolution=2**gan.current_res_log2, alpha=alpha, **logs
        )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", required=True, help="keras.io's examples/generative/stylegan.py")
    parser.add_argument("--data-dir", required=True, help="a folder of face images (keras.io: CelebA)")
    parser.add_argument("--target-size", type=int, default=64, help="keras.io's 64 (default)")
    parser.add_argument(
        "--steps-per-epoch", type=int, default=100, help="the schedule's unit: keras.io's 100"
    )
    parser.add_argument("--batch-size", type=int, default=128, help="the batch at 4x4: keras.io's 128")
    parser.add_argument("--max-filters", type=int, default=512, help="keras.io's 512 (no cap)")
    parser.add_argument(
        "--eval-samples", type=int, default=1000, help="faces saved for the judge (its 1,000)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output-dir", required=True)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    original = keras_io_source(args.source, "stylegan")
    if not os.path.isdir(args.data_dir):
        raise SystemExit(f"error: --data-dir {args.data_dir} is not a folder of face images")
    code = changed_source(original)
    keras.utils.set_random_seed(args.seed)  # change 6

    output_dir = os.path.abspath(args.output_dir)
    record = keras_io_record(
        "stylegan",
        original,
        args=vars(args),
        steps_per_epoch=args.steps_per_epoch,
        generator_output_range=[0, 255],  # keras.io's sampler returns uint8 images
    )
    folder = RunFolder(output_dir, record)
    work = os.path.join(output_dir, "work")
    os.makedirs(work, exist_ok=True)
    data_dir = os.path.abspath(args.data_dir)
    os.chdir(work)  # change 8
    namespace = {
        "__name__": "keras_io_stylegan",
        "DATA_DIR": data_dir,
        "TARGET": args.target_size,
        "STEPS_PER_EPOCH": args.steps_per_epoch,
        "BATCH": args.batch_size,
        "SEED": args.seed,
        "capped": lambda table: {k: min(v, args.max_filters) for k, v in table.items()},
        "HOOK": SaveSamples(folder, args.steps_per_epoch, args.eval_samples, args.target_size, args.seed),
    }
    exec(compile(code, args.source, "exec"), namespace)
    folder.finish()


if __name__ == "__main__":
    main()
