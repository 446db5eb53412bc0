"""CycleGAN as the Keras example (horse2zebra, 256x256), or on any two folders, or on a stand-in.

The stand-in, `--dataset sneaker2boot`, translates Fashion-MNIST's sneakers
into ankle boots and back at 32x32, and has a judge: the project's
Fashion-MNIST classifier reads the translations (a translated sneaker
should read as an ankle boot, a translated boot as a sneaker). Every
dataset is scored on the cycle: how well X -> Y -> X gives X back.
"""

import os

import numpy as np

from keras_gans import options as types
from keras_gans.data.unpaired import (
    DEFAULT_DATA_DIR,
    STANDIN_CLASSES,
    STANDIN_PAD,
    STANDIN_SIZE,
    as_test_images,
    download_horse2zebra,
    fashion_mnist_dir,
    fashion_standin,
    folder_test_images,
    unpaired_arrays,
    unpaired_folders,
)
from keras_gans.models.cyclegan import (
    IMAGE_SIZE,
    TranslationMonitor,
    build_cyclegan,
    cycle_mae,
    translate,
    translation_rows,
)
from keras_gans.options import Option
from keras_gans.presets.base import OptionError, Preset, TrainingData, jit_compile, register

DATASETS = ("horse2zebra", "sneaker2boot")

# The stand-in's target: translations read as the other domain this often, each way. The best epoch
# is the one with the lowest cycle error among those that reach it.
TRANSLATED = 0.8

# keras.io's settings; those with a help text are on the command line.
OPTIONS = {
    "dataset": Option(
        "horse2zebra",
        "horse2zebra (keras.io's, downloaded into data/) or sneaker2boot (the Fashion-MNIST stand-in: "
        "sneakers <-> ankle boots, 32x32, judged by the project's classifier)",
        types.choice(*DATASETS),
    ),
    "data_dir": Option(
        None,  # download horse2zebra into data/
        "horse2zebra's folder, holding trainA/ (horses), trainB/ (zebras), testA/ and testB/ (default: "
        "download it into data/)",
        types.optional_text,
    ),
    "domain_a": Option(
        None,
        "a folder of images of domain X; with --domain-b, trains on these two folders instead of --dataset",
        types.optional_text,
    ),
    "domain_b": Option(None, "a folder of images of domain Y", types.optional_text),
    "fashion_mnist_path": Option(
        None,
        "the stand-in's Fashion-MNIST folder of four IDX files (default: $KERAS_GANS_FASHION_MNIST, else "
        "$KERAS_GANS_SHARED_DATA/fashion-mnist, else Keras' download)",
        types.optional_text,
    ),
    "epochs": 90,  # keras.io's shown weights were trained 90 epochs (its fit runs 1)
    "batch_size": 1,
    "image_size": Option(
        None,  # keras.io's 256, or 32 for the stand-in
        "side of the square images, a multiple of 4 (default: keras.io's 256; 32 for the stand-in); the same "
        "layers, with smaller feature maps",
        types.optional_positive_int,
    ),
    "learning_rate": Option(
        2e-4, "Adam learning rate of all four networks", types.positive_float, resume=True
    ),
    "beta_1": Option(0.5, type=types.fraction),
    "lambda_cycle": Option(10.0, "weight of the cycle loss"),
    "lambda_identity": Option(0.5, "weight of the identity loss, times --lambda-cycle"),
    "gen_filters": 64,
    "disc_filters": 64,
    "num_residual_blocks": Option(9, "residual blocks of each generator"),
    "max_images": Option(
        None, "train on the first N images of each domain (default: all)", types.optional_positive_int
    ),
    "num_images": Option(
        4,  # keras.io draws 4 horses
        "test images of each domain in the figure drawn every --sample-every epochs",
        resume=True,
    ),
    "sample_every": Option(
        1, "draw the figure (inputs, translations, reconstructions) every N epochs", resume=True
    ),
    "eval_samples": Option(500, "test images of each domain translated for each score"),
}


def image_size(config):
    """The image size in force: the option, else keras.io's 256 (32 for the stand-in)."""
    return config["image_size"] or (STANDIN_SIZE if is_standin(config) else IMAGE_SIZE)


def is_standin(config):
    """Whether this run reads the Fashion-MNIST stand-in."""
    return config["dataset"] == "sneaker2boot" and not config["domain_a"]


def check(config):
    if config["dataset"] not in DATASETS:
        raise OptionError(f"unknown dataset {config['dataset']!r}; choose one of {', '.join(DATASETS)}")
    if bool(config["domain_a"]) != bool(config["domain_b"]):
        raise OptionError("--domain-a and --domain-b go together: one folder of images for each domain")
    if config["domain_a"] and (config["dataset"] != "horse2zebra" or config["data_dir"]):
        raise OptionError("--domain-a and --domain-b replace --dataset and --data-dir: give one or the other")
    if image_size(config) % 4:
        raise OptionError(
            f"--image-size must be a multiple of 4 (the generators halve it twice), got {image_size(config)}"
        )
    if config["ema_decay"]:
        raise OptionError(
            "CycleGAN keeps no moving average of its generators: --ema-decay is for the image GANs"
        )


def load_data(config):
    """`(x, y)` batches, and the test images of each domain that the figure and the scores translate."""
    size, batch, seed = image_size(config), config["batch_size"], config["seed"]
    count = max(config["eval_samples"], config["num_images"])
    if is_standin(config):
        path = fashion_mnist_dir(config["fashion_mnist_path"])
        (sneakers, boots), tests = fashion_standin(path)
        if config["max_images"]:
            sneakers, boots = sneakers[: config["max_images"]], boots[: config["max_images"]]
        dataset = unpaired_arrays(sneakers, boots, size, batch, seed)
        test_x, test_y = (as_test_images(images[:count], size) for images in tests)
        source = path or "keras.datasets.fashion_mnist"
    else:
        if config["domain_a"]:
            folders = (config["domain_a"], config["domain_b"])
            tests = folders  # no test split: the first images of each folder
        else:
            root = config["data_dir"] or download_horse2zebra(DEFAULT_DATA_DIR)
            folders = (os.path.join(root, "trainA"), os.path.join(root, "trainB"))
            tests = (os.path.join(root, "testA"), os.path.join(root, "testB"))
            tests = tuple(t if os.path.isdir(t) else f for t, f in zip(tests, folders, strict=True))
        dataset = unpaired_folders(*folders, size, batch, seed, config["max_images"])
        test_x, test_y = (folder_test_images(folder, size, count) for folder in tests)
        source = " + ".join(str(folder) for folder in folders)
    count = min(len(test_x), len(test_y))  # the scores translate as many images each way
    return TrainingData(dataset, source=source, extra={"test_x": test_x[:count], "test_y": test_y[:count]})


def build(config, data):
    return build_cyclegan(
        image_size=image_size(config),
        gen_filters=config["gen_filters"],
        disc_filters=config["disc_filters"],
        num_residual_blocks=config["num_residual_blocks"],
        lambda_cycle=config["lambda_cycle"],
        lambda_identity=config["lambda_identity"],
        learning_rate=config["learning_rate"],
        beta_1=config["beta_1"],
        seed=config["seed"],
        jit_compile=jit_compile(config),
    )


def monitors(config, data, samples_dir):
    n = config["num_images"]
    return [
        TranslationMonitor(
            data.extra["test_x"][:n], data.extra["test_y"][:n], samples_dir, config["sample_every"]
        )
    ]


def finish(config, data, generator, paths):
    """translations.png: the monitor's figure drawn by the best epoch's G and F (best/translators.keras),
    where a score kept one; the last epoch's is samples/final.png."""
    best = os.path.join(paths["best"], "translators.keras")
    if not os.path.exists(best):
        return {}
    import keras

    from keras_gans.plotting import save_image_grid

    n = config["num_images"]
    rows = translation_rows(keras.models.load_model(best), data.extra["test_x"][:n], data.extra["test_y"][:n])
    path = os.path.join(paths["output_dir"], "translations.png")
    save_image_grid(rows, path, cols=n)
    return {"translations": path}


# --- Scores -------------------------------------------------------------------------------------


def judge_images(images):
    """Stand-in images (n, 32, 32, c) in [-1, 1] -> what the Fashion-MNIST classifier reads: grey
    (n, 28, 28, 1) in [0, 1], the padding cut off again."""
    import tensorflow as tf

    images = np.asarray(images, "float32")
    if images.shape[1] != STANDIN_SIZE:  # a stand-in trained at another size
        images = tf.image.resize(images, (STANDIN_SIZE, STANDIN_SIZE), antialias=True).numpy()
    grey = images.mean(axis=-1, keepdims=True)
    pad = STANDIN_PAD
    return np.clip((grey[:, pad:-pad, pad:-pad] + 1.0) / 2.0, 0.0, 1.0)


def translation_score_fn(test_x, test_y, judge=None, classes=STANDIN_CLASSES):
    """`score_fn(translators) -> {name: number}` on fixed test images of each domain.

    Always "cycle_mae_x" and "cycle_mae_y": the mean absolute error of
    X -> Y -> X and Y -> X -> Y, in [-1, 1] units (0: perfect), and
    "cycle_mae", their mean. With a
    `judge` (the Fashion-MNIST classifier): "accuracy_x2y", the share of
    translated X (sneakers) it reads as class `classes[1]` (ankle boot),
    "accuracy_y2x" the other way, and "accuracy", their mean.
    """

    def score_fn(translators):
        fake_y, fake_x, cycled_x, cycled_y = translate(translators, test_x, test_y)
        scores = {}
        if judge is not None:
            from keras_gans.metrics import classify

            scores["accuracy_x2y"] = float(np.mean(classify(judge, judge_images(fake_y)) == classes[1]))
            scores["accuracy_y2x"] = float(np.mean(classify(judge, judge_images(fake_x)) == classes[0]))
            scores["accuracy"] = (scores["accuracy_x2y"] + scores["accuracy_y2x"]) / 2
        scores["cycle_mae_x"] = cycle_mae(test_x, cycled_x)
        scores["cycle_mae_y"] = cycle_mae(test_y, cycled_y)
        scores["cycle_mae"] = (scores["cycle_mae_x"] + scores["cycle_mae_y"]) / 2
        return scores

    return score_fn


def quality(config, data):
    """The cycle's reconstruction error on every dataset; on the stand-in, the judge's accuracy too.

    The best epoch (best/translators.keras) is the one with the lowest cycle error among those
    whose translations the judge reads as the other domain `TRANSLATED` of the time each way
    (the accuracy alone saturates early, while the translations are still noisy; the cycle error
    alone is best for the identity): on other data there is no judge, and no best is kept.
    """
    judge = None
    if is_standin(config):
        from keras_gans.metrics import load_classifier

        judge = load_classifier("fashion_mnist", data_path=fashion_mnist_dir(config["fashion_mnist_path"]))
    n = config["eval_samples"]
    return translation_score_fn(data.extra["test_x"][:n], data.extra["test_y"][:n], judge)


def floor(config, data, score_fn):
    """The best the scores can be: a cycle error of 0 and, on the stand-in, the judge's accuracy on
    real test pictures of each target class (real boots read as boots, real sneakers as sneakers)."""
    scores = {"cycle_mae_x": 0.0, "cycle_mae_y": 0.0, "cycle_mae": 0.0}
    if not is_standin(config):
        return scores
    from keras_gans.metrics import classify, load_classifier

    path = fashion_mnist_dir(config["fashion_mnist_path"])
    judge = load_classifier("fashion_mnist", data_path=path)
    _, tests = fashion_standin(path)
    sneakers, boots = (as_test_images(images[: config["eval_samples"]], STANDIN_SIZE) for images in tests)
    scores["accuracy_x2y"] = float(np.mean(classify(judge, judge_images(boots)) == STANDIN_CLASSES[1]))
    scores["accuracy_y2x"] = float(np.mean(classify(judge, judge_images(sneakers)) == STANDIN_CLASSES[0]))
    scores["accuracy"] = (scores["accuracy_x2y"] + scores["accuracy_y2x"]) / 2
    return scores


PRESET = register(
    Preset(
        name="cyclegan",
        title="CycleGAN: unpaired image-to-image translation (Zhu et al., 2017), horse2zebra at 256x256",
        options=OPTIONS,
        data_option=("fashion_mnist_path", "fashion-mnist"),
        load_data=load_data,
        build=build,
        monitors=monitors,
        finish=finish,
        outputs=("translations.png",),
        quality=quality,
        floor=floor,
        best=("cycle_mae", "min", {"accuracy_x2y": TRANSLATED, "accuracy_y2x": TRANSLATED}),
        scored_part="translators",
        kind="translation",
        check=check,
        # The notebook's short run: 300 steps of the stand-in at batch 1, about 4 minutes on a 2-core CPU.
        notebook={"epochs": 3, "steps_per_epoch": 100, "eval_samples": 200},
        tiny={
            "dataset": "sneaker2boot",
            "eval_every": 0,
            "gen_filters": 4,
            "disc_filters": 4,
            "num_residual_blocks": 1,
            "num_images": 2,
            "eval_samples": 16,
        },
    )
)
