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

from keras_gans.callbacks import KeepBest
from keras_gans.presets import get_preset
from keras_gans.runtime import describe_machine, strategy_name
from keras_gans.training import (
    Run,
    RunLock,
    check_output_dir,
    compare_resumed_config,
    fit_run,
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
    # 1. The folder: new, to replace, or an unfinished run to resume with the same options.
    state = check_output_dir(output_dir, config["overwrite"], preset.outputs)
    changes = {}
    if state == "unfinished":
        previous = unfinished_config(output_dir)
        if previous is not None:
            changes = compare_resumed_config(previous, recorded, output_dir, preset.may_change_on_resume)
        for key, (old, new) in changes.items():
            print(f"Resuming with {key} {new} (was {old}).")
    # 2. The seed, the data, and what the run shows and scores.
    if config["seed"] is not None:
        keras.utils.set_random_seed(config["seed"])
    data = preset.load_data(config)
    paths = run_paths(output_dir)
    run = Run(
        config=config,
        data=data,
        paths=paths,
        monitors=preset.monitors(config, data, paths["samples"]),
        quality=quality_callbacks(preset, config, data, paths),
        resuming=state == "unfinished",
        changes=changes,
        build=lambda: preset.build(config, data),
        start=lambda: start_run_dir(output_dir, state, recorded, preset.outputs),
    )
    # 3. Training: `fit`, or the tutorial's own loop (the classic GAN's composite).
    generator, gan, model = (preset.train or fit_run)(run)
    # 4. What the tutorial draws after training, then the models and run.json.
    extra = preset.finish(config, data, generator, paths) if preset.finish else {}
    keep_best = next((c for c in run.quality if isinstance(c, KeepBest)), None)
    best = keep_best.best if keep_best else None
    record = run_record(preset, recorded, data, model, started, run.resuming, best, run_clock(output_dir))
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


def run_record(preset, recorded, data, model, started, resumed, best=None, clock=None):
    """run.json: the tutorial, every option in force, what it ran on, how long it took, the best epoch.

    "clock" is the checkpoints' (`keras_gans.callbacks.Checkpoint`): the seconds the kept epochs took
    over every session of a resumed run, where `fit` trained it.
    """
    return {
        "tutorial": preset.name,
        "config": recorded,
        "data": {"source": data.source, "class_names": data.class_names},
        "in_force": {
            "xla": bool(model.jit_compile),
            "eager": bool(model.run_eagerly),
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
