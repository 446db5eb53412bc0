"""DGGAN on a directed graph (the reference's Cora or Google split): its defaults, data and scores.

One `fit` epoch is one of the reference's outer epochs: `d_epochs` passes of
the discriminator over the edges, then `g_epochs` passes of the generator
over the nodes (keras_gans/models/dggan.py says why). The score is the
reference's own evaluation, link prediction on its three test sets, and the
embeddings of the best epoch are kept.
"""

import os

import numpy as np

from keras_gans import options as types
from keras_gans.data.graphs import DirectedGraph, dggan_dataset, download_graph, read_test_sets
from keras_gans.models.dggan import build_dggan, discriminator_embeddings, embeddings_auc
from keras_gans.options import Option
from keras_gans.presets.base import OptionError, Preset, TrainingData, register

DATASETS = ("cora", "google")

# The reference's values (its code/config.py); those with a help text are on the command line.
OPTIONS = {
    "data_dir": Option(
        None,  # download the reference's split of `dataset` into data/dggan/
        "a folder holding train_0.5 and test_0.5_{0,50,100} (default: download the reference's split of "
        "--dataset into data/dggan/)",
        types.optional_text,
    ),
    "dataset": Option("cora", "the reference's graph to download", types.choice(*DATASETS)),
    "num_nodes": Option(None, type=types.optional_positive_int),  # None: from the data
    "epochs": 5,  # outer epochs
    "d_epochs": Option(15, "discriminator passes over the edges in each (outer) epoch"),
    "g_epochs": Option(5, "generator passes over the nodes in each (outer) epoch"),
    "batch_size": 128,  # both phases'
    "max_images": Option(None, "train on the first N edges only (default: all)", types.optional_positive_int),
    "embedding_dim": Option(128, "size of each node's source and target vectors"),
    "learning_rate": Option(1e-4, "Adam learning rate of both networks", types.positive_float, resume=True),
    "noise_sigma": 1.0,
    "g_l2": 1e-5,
    "d_l2": 0.0,  # the reference's lambda_dis is never used
    # A training tip of the face tutorial; the reference applies it to G's labels.
    "label_smoothing": Option(
        0.0, "label smoothing of the generator's labels, as the reference applies it", types.fraction
    ),
    "pairing": Option(
        "all_pairs",
        "all_pairs: the reference's discriminator, every source of a batch against every target; per_edge: "
        "each edge against its own target",
        types.choice("all_pairs", "per_edge"),
    ),
}


def check(config):
    if config["dataset"] not in DATASETS:
        raise OptionError(f"unknown dataset {config['dataset']!r}; choose one of {', '.join(DATASETS)}")
    if config["ema_decay"]:
        raise OptionError("DGGAN keeps no moving average of its generator: --ema-decay is for the image GANs")
    if config["pairing"] not in ("all_pairs", "per_edge"):
        raise OptionError(f"--pairing must be all_pairs or per_edge, got {config['pairing']!r}")


def load_data(config):
    folder = config["data_dir"] or download_graph(config["dataset"])
    test_sets = read_test_sets(folder)
    edges = DirectedGraph.from_file(os.path.join(folder, "train_0.5")).edges
    # The embedding tables cover every node the test sets name too.
    num_nodes = int(max(edges.max(), *(pairs.max() for pairs, _ in test_sets.values()))) + 1
    if config["max_images"]:  # for short runs: the first N training edges
        edges = edges[: config["max_images"]]
    graph = DirectedGraph.from_edges(edges, num_nodes)
    batch = config["batch_size"]
    dataset = dggan_dataset(graph, config["d_epochs"], config["g_epochs"], batch, batch, config["seed"])
    return TrainingData(dataset, source=str(folder), extra={"num_nodes": num_nodes, "test_sets": test_sets})


def build(config, data):
    return build_dggan(
        data.extra.get("num_nodes") or config["num_nodes"],
        embedding_dim=config["embedding_dim"],
        learning_rate=config["learning_rate"],
        noise_sigma=config["noise_sigma"],
        g_l2=config["g_l2"],
        d_l2=config["d_l2"],
        label_smoothing=config["label_smoothing"],
        pairing=config["pairing"],
        seed=config["seed"],
    )


def quality(config, data):
    """The reference's evaluation: the ROC AUC of source[u] . target[v] on each test set.

    auc_0 (random negatives), auc_50 (half of them reversed edges) and
    auc_100 (all reversed: above 0.5 only if direction is learned); the
    best epoch is the one with the highest auc_50, which weighs both.
    """
    test_sets = data.extra["test_sets"]

    def score_fn(discriminator):
        source, target = discriminator_embeddings(discriminator)
        return {
            name: embeddings_auc(source, target, pairs, labels) for name, (pairs, labels) in test_sets.items()
        }

    return score_fn


def monitors(config, data, samples_dir):
    return []  # no images: the scores are the picture


def finish(config, data, generator, paths):
    """The embeddings themselves, the product of DGGAN, beside the models: the best epoch's if kept."""
    import keras

    best = os.path.join(paths["best"], "discriminator.keras")
    if not os.path.exists(best):
        return {}
    discriminator = keras.models.load_model(best)
    tables = {
        name: np.asarray(discriminator.get_layer(f"{name}_embedding").embeddings)
        for name in ("source", "target")
    }
    path = os.path.join(paths["output_dir"], "embeddings.npz")
    np.savez(path, **tables)
    return {"embeddings": path}


PRESET = register(
    Preset(
        name="dggan",
        title="DGGAN: adversarial directed graph embedding (Zhu et al., AAAI 2021) on Cora or Google",
        options=OPTIONS,
        data_option=("data_dir", "dggan"),
        load_data=load_data,
        build=build,
        monitors=monitors,
        quality=quality,
        best=("auc_50", "max"),
        scored_part="discriminator",
        kind="graph",
        finish=finish,
        outputs=("embeddings.npz",),
        check=check,
        # The committed notebook: one outer epoch on Cora, about 3 minutes on a 2-core CPU.
        notebook={"epochs": 1},
        tiny={"eval_every": 1, "embedding_dim": 8, "d_epochs": 1, "g_epochs": 1, "num_nodes": 64},
    )
)
