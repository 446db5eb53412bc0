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
from keras_gans.training import fit_gan, prepare_output_dir, run_paths, save_run


def train(preset, **options):
    """Trains the tutorial `preset` (a name or a Preset) with `options`; returns the paths written."""
    preset = get_preset(preset)
    config = preset.config(**options)
    started = time.time()
    output_dir = config["output_dir"]
    resuming = prepare_output_dir(output_dir, config["overwrite"])
    if config["seed"] is not None:
        keras.utils.set_random_seed(config["seed"])
    data = preset.load_data(config)
    paths = run_paths(output_dir)
    monitors = preset.monitors(config, data, paths["samples"])
    # The tutorial's own loop, where it has one and the options ask for it.
    own_loop = preset.train(config, data, monitors, paths, resuming) if preset.train else None
    if own_loop is not None:
        generator, gan, model = own_loop
    else:
        gan = build_gan(lambda: preset.build(config, data), config["strategy"], config["mixed_precision"])
        if resuming:
            print(f"Resuming the unfinished run in {output_dir}.")
        fit_gan(
            gan,
            data.dataset,
            output_dir,
            epochs=config["epochs"],
            steps_per_epoch=config["steps_per_epoch"],
            callbacks=monitors,
            verbose=config["verbose"],
        )
        generator, model = gan.generator, gan
    extra = preset.finish(config, data, generator, paths) if preset.finish else {}
    record = run_record(preset, config, data, model, started, resuming)
    return {**save_run(output_dir, generator, gan, record), **extra}


def run_record(preset, config, data, model, started, resumed):
    """run.json: the tutorial, every option in force, what it ran on, and how long it took."""
    return {
        "tutorial": preset.name,
        "config": jsonable({**config, "strategy": strategy_name(config["strategy"])}),
        "data": {"source": data.source, "class_names": data.class_names},
        "in_force": {
            "xla": bool(model.jit_compile),
            "precision": model.dtype_policy.name,
            "replicas": model.distribute_strategy.num_replicas_in_sync,
        },
        "machine": describe_machine(),
        "wall_time_s": round(time.time() - started, 1),
        "resumed": resumed,  # wall_time_s then counts this last session only
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def jsonable(config):
    """`config` with tuples as lists and other objects (paths) as strings, as JSON can hold them."""

    def value(v):
        if isinstance(v, tuple):
            return list(v)
        return v if v is None or isinstance(v, (bool, int, float, str, list)) else str(v)

    return {key: value(v) for key, v in config.items()}
