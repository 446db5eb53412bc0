"""The one training runner: a preset plus the user's options, trained into a run folder.

    from keras_gans.runner import train
    paths = train("dcgan_celeba", data_dir="my_faces", epochs=5)

Every tutorial trains through `train`: it resolves the options, prepares the
folder (resuming an unfinished run), seeds, reads the data, builds the GAN
under the strategy and precision asked for, adds the tutorial's monitors and
calls `fit` (or the tutorial's own loop), then saves the models and run.json,
the whole resolved config with the machine it ran on.
"""

import time

import keras

from keras_gans.presets import get_preset
from keras_gans.runtime import build_gan, describe_machine, strategy_name
from keras_gans.training import (
    KeepBest,
    RunLock,
    TrainingStopped,
    check_output_dir,
    compare_resumed_config,
    describe_os_error,
    fit_gan,
    run_clock,
    run_paths,
    save_run,
    start_run_dir,
    unfinished_config,
)


def train(preset, **options):
    """Trains the tutorial `preset` (a name or a Preset) with `options`; returns the paths written.

    Everything that can be checked is checked before the output folder is
    changed: the options, the folder, a resume against the run's own
    options, the data, and the model build.
    """
    preset = get_preset(preset)
    config = preset.config(**options)
    with RunLock(config["output_dir"]):  # one process at a time in a run folder
        return _train(preset, config)


def _train(preset, config):
    recorded = jsonable({**config, "strategy": strategy_name(config["strategy"])})
    started = time.time()
    output_dir = config["output_dir"]
    state = check_output_dir(output_dir, config["overwrite"], preset.outputs)
    changes = {}
    if state == "unfinished":
        previous = unfinished_config(output_dir)
        if previous is not None:
            changes = compare_resumed_config(previous, recorded, output_dir, preset.may_change_on_resume)
        for key, (old, new) in changes.items():
            print(f"Resuming with {key} {new} (was {old}).")
    if config["seed"] is not None:
        keras.utils.set_random_seed(config["seed"])
    data = preset.load_data(config)
    paths = run_paths(output_dir)
    monitors = preset.monitors(config, data, paths["samples"])
    resuming = state == "unfinished"
    start = lambda: start_run_dir(output_dir, state, recorded, preset.outputs)  # noqa: E731
    quality = quality_callbacks(preset, config, data, paths)
    # The tutorial's own loop, where it has one and the options ask for it.
    own_loop = preset.train(config, data, monitors, paths, resuming, start, quality) if preset.train else None
    if own_loop is not None:
        generator, gan, model = own_loop
    else:
        gan = build_gan(lambda: preset.build(config, data), config["strategy"], config["mixed_precision"])
        start()
        if "learning_rate" in changes:  # after the checkpoint restores the optimizers' old rate
            monitors = [SetLearningRate(config["learning_rate"]), *monitors]
        try:
            fit_gan(
                gan,
                data.dataset,
                output_dir,
                epochs=config["epochs"],
                steps_per_epoch=config["steps_per_epoch"],
                callbacks=monitors,
                verbose=config["verbose"],
                resuming=resuming,
                quality=quality,
                log_every=config["log_every"],
            )
        except OSError as error:  # a log or a sample grid could not be written
            raise TrainingStopped(
                f"could not write in {output_dir} ({describe_os_error(error)}); the checkpoint of the last "
                "finished epoch is kept. Re-run the same command to resume."
            ) from None
        generator, model = gan.sampler if hasattr(gan, "sampler") else gan.generator, gan
    extra = preset.finish(config, data, generator, paths) if preset.finish else {}
    keep_best = next((c for c in quality if isinstance(c, KeepBest)), None)
    best = keep_best.best if keep_best else None
    record = run_record(preset, recorded, data, model, started, resuming, best, run_clock(output_dir))
    return {**save_run(output_dir, generator, gan, record), **extra}


def quality_callbacks(preset, config, data, paths):
    """The tutorial's quality scores in `fit` (`QualityMonitor`) and the best generator kept (`KeepBest`)."""
    if preset.quality is None or not config["eval_every"]:
        return []
    from keras_gans.metrics import QualityMonitor

    score_fn = preset.quality(config, data)
    if score_fn is None:  # nothing to judge this data with
        return []
    monitor = QualityMonitor(score_fn, every=config["eval_every"], verbose=1, part=preset.scored_part)
    key, mode, *require = preset.best
    require = {f"val_{name}": minimum for name, minimum in (require[0] if require else {}).items()}
    return [monitor, KeepBest(paths["best"], f"val_{key}", mode, part=preset.scored_part, require=require)]


class SetLearningRate(keras.callbacks.Callback):
    """Sets both optimizers' learning rate when training starts (a resume with a new --learning-rate)."""

    def __init__(self, learning_rate):
        super().__init__()
        self.learning_rate = learning_rate

    def on_train_begin(self, logs=None):
        # A GAN's two optimizers, or all of a model that lists its own (CycleGAN's four).
        model = self.model
        for optimizer in getattr(model, "optimizers", None) or (model.d_optimizer, model.g_optimizer):
            optimizer.learning_rate = self.learning_rate


def run_record(preset, recorded, data, model, started, resumed, best=None, clock=None):
    """run.json: the tutorial, every option in force, what it ran on, how long it took, the best epoch.

    "clock" is the checkpoints' (`keras_gans.training.Checkpoint`): the seconds the kept epochs took
    over every session of a resumed run, where `fit` trained it.
    """
    return {
        "tutorial": preset.name,
        "config": recorded,
        "data": {"source": data.source, "class_names": data.class_names},
        "in_force": {
            "xla": bool(model.jit_compile),
            "precision": model.dtype_policy.name,
            "replicas": model.distribute_strategy.num_replicas_in_sync,
        },
        "machine": describe_machine(),
        "wall_time_s": round(time.time() - started, 1),
        "resumed": resumed,  # wall_time_s then counts this last session only
        "clock": clock,
        "best": best,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def jsonable(config):
    """`config` with tuples as lists and other objects (paths) as strings, as JSON can hold them."""

    def value(v):
        if isinstance(v, tuple):
            return list(v)
        return v if v is None or isinstance(v, (bool, int, float, str, list)) else str(v)

    return {key: value(v) for key, v in config.items()}
