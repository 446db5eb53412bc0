"""Directed graphs for DGGAN: edge files, link-prediction test sets, tf.data pipelines.

The files are the reference implementation's (GitHub `RingBDStack/DGGAN`, `data/`): one edge a line,
`source target` for training edges and `source target label` for test pairs (see
shared/data/SOURCES.md, section 5). Node ids are integers `0 .. num_nodes - 1`.

The reference trains in two phases: the discriminator over the training *edges* (shuffled, in
batches of 128, the last partial batch dropped) and the generator over the *nodes* that appear in
them (likewise). `edge_batches` and `node_batches` yield both kinds of batch in one structure,
tagged with their phase; `dggan_dataset` chains them into one outer epoch of the reference's
schedule (`keras_gans.models.dggan` explains why).
"""

import os
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from keras_gans.data.images import DataError

D_PHASE = 0  # a batch of edges: trains the discriminator
G_PHASE = 1  # a batch of nodes: trains the generator

TEST_SET_SUFFIXES = {"auc_0": "_0", "auc_50": "_50", "auc_100": "_100"}


# --- Files -----------------------------------------------------------------


def _read_int_rows(path, columns, what, labelled=False):
    """The rows of a whitespace-separated file of `columns` non-negative integers, as int64 (N, columns).

    With `labelled`, the last column must be 0 or 1.
    """
    path = os.fspath(path)
    rows = []
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            fields = line.split()
            if not fields:  # blank lines (a trailing one, say) are skipped
                continue
            if (
                len(fields) != columns
                or not all(f.isascii() and f.isdigit() for f in fields)
                or (labelled and fields[-1] not in ("0", "1"))
            ):
                raise DataError(
                    f"{path}, line {number}: expected {what} ({columns} non-negative integers), "
                    f"got {line.rstrip()!r}."
                )
            rows.append([int(f) for f in fields])
    return np.asarray(rows, dtype=np.int64).reshape(-1, columns)


def read_edges(path):
    """The edges of a `source target` file, as an int64 array of shape (num_edges, 2).

    A line that is not two non-negative integers raises `DataError` naming the file and line.
    """
    return _read_int_rows(path, 2, "'source target'")


def read_labelled_pairs(path):
    """`(pairs, labels)` of a `source target label` file: int64 (N, 2) and int64 (N,) of 0/1."""
    rows = _read_int_rows(path, 3, "'source target label' with a label of 0 or 1", labelled=True)
    return rows[:, :2], rows[:, 2]


def read_test_sets(directory, train_ratio="0.5"):
    """The three link-prediction test sets of a reference data folder, as `{name: (pairs, labels)}`.

    Names `auc_0`, `auc_50`, `auc_100` for the files `test_{ratio}_0`, `_50`, `_100` (negatives
    that are random pairs, half reversed edges, all reversed edges).
    """
    return {
        name: read_labelled_pairs(os.path.join(directory, f"test_{train_ratio}{suffix}"))
        for name, suffix in TEST_SET_SUFFIXES.items()
    }


# --- The graph -------------------------------------------------------------


@dataclass
class DirectedGraph:
    """Training edges and what the reference derives from them (`code/utils.py`, `read_graph`).

    Attributes:
        num_nodes: size of the embedding tables: the largest node id + 1 (or given). The reference
            counts the distinct node ids instead, which is the same for its files (ids 0..n-1).
        edges: int64 (num_edges, 2), in file order, duplicates kept (as the reference).
        nodes: int64, the distinct ids that appear in `edges`, sorted: the generator's batches.
        out_neighbours: `{source: [targets]}`; in_neighbours: `{target: [sources]}` (the reference's
            `graph[0]` and `graph[1]`; kept for completeness, its training does not read them).
    """

    num_nodes: int
    edges: np.ndarray
    nodes: np.ndarray = field(repr=False)
    out_neighbours: dict = field(repr=False)
    in_neighbours: dict = field(repr=False)

    @classmethod
    def from_edges(cls, edges, num_nodes=None):
        edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
        if edges.size and edges.min() < 0:
            raise ValueError("node ids must be non-negative")
        largest = int(edges.max()) + 1 if edges.size else 0
        if num_nodes is None:
            num_nodes = largest
        elif num_nodes < largest:
            raise ValueError(f"num_nodes={num_nodes} but the edges name node {largest - 1}")
        out_neighbours, in_neighbours = {}, {}
        for source, target in edges.tolist():
            out_neighbours.setdefault(source, []).append(target)
            in_neighbours.setdefault(target, []).append(source)
        return cls(
            num_nodes=int(num_nodes),
            edges=edges,
            nodes=np.unique(edges),
            out_neighbours=out_neighbours,
            in_neighbours=in_neighbours,
        )

    @classmethod
    def from_file(cls, path, num_nodes=None):
        return cls.from_edges(read_edges(path), num_nodes)

    @property
    def num_edges(self):
        return len(self.edges)


# --- A planted-direction graph for tests -------------------------------------


def random_directed_graph(num_nodes, num_groups=3, edges_per_node=4, forward=0.9, cyclic=False, seed=None):
    """A random directed graph whose edges mostly go from one group of nodes to the next.

    Nodes are split into `num_groups` consecutive groups (ids in order). With probability
    `forward` an edge goes from a uniformly drawn node of groups `0 .. num_groups - 2` to a
    uniformly drawn node of the next group; otherwise both ends are drawn from all nodes. So group 0
    is (mostly) sources and the last group (mostly) sinks: a direction even DGGAN's reference
    discriminator, which mostly learns who points and who is pointed at, picks up. With
    `cyclic=True` the last group points to group 0 instead and every group looks alike from its
    degrees (needs `num_groups >= 3`). Self-loops, duplicates and the later edge of every
    reciprocal pair are removed, so that a reversed edge is never an edge.

    Returns a `DirectedGraph` with `num_nodes` nodes, `num_nodes * edges_per_node` edges or fewer.
    """
    if num_groups < (3 if cyclic else 2):
        raise ValueError("num_groups must be at least 2 (3 when cyclic)")
    rng = np.random.default_rng(seed)
    group = np.arange(num_nodes) * num_groups // num_nodes
    starts = np.searchsorted(group, np.arange(num_groups + 1))  # first id of each group, and the end
    n = num_nodes * edges_per_node
    pointing = num_nodes if cyclic else starts[num_groups - 1]  # the nodes that have a next group
    sources = rng.integers(0, pointing, n)
    following = (group[sources] + 1) % num_groups
    sizes = starts[following + 1] - starts[following]
    forward_targets = starts[following] + (rng.random(n) * sizes).astype(np.int64)
    is_forward = rng.random(n) < forward
    sources = np.where(is_forward, sources, rng.integers(0, num_nodes, n))
    targets = np.where(is_forward, forward_targets, rng.integers(0, num_nodes, n))
    edges = np.stack([sources, targets], axis=1)
    edges = edges[edges[:, 0] != edges[:, 1]]
    _, first = np.unique(edges, axis=0, return_index=True)
    edges = edges[np.sort(first)]  # no duplicates, drawing order kept
    seen, kept = set(), []
    for source, target in edges.tolist():
        if (target, source) not in seen:
            seen.add((source, target))
            kept.append((source, target))
    return DirectedGraph.from_edges(np.asarray(kept, dtype=np.int64).reshape(-1, 2), num_nodes)


def split_link_prediction(graph, test_fraction=0.5, seed=None):
    """Held-out edges and the reference's three kinds of test set, for a graph of one's own.

    A `test_fraction` of the edges is held out. Each test set holds them as positives (label 1)
    and as many negatives (label 0): random non-edge pairs (`auc_0`), half random pairs and half
    reversed held-out edges (`auc_50`), reversed held-out edges (`auc_100`), as the reference's
    `test_*_0/_50/_100` files. Assumes no edge's reverse is an edge (`random_directed_graph`).

    Returns `(train_graph, {name: (pairs, labels)})`; `train_graph` keeps `graph.num_nodes`.
    """
    rng = np.random.default_rng(seed)
    edges = graph.edges
    order = rng.permutation(len(edges))
    n_test = int(round(len(edges) * test_fraction))
    test, train = edges[order[:n_test]], edges[order[n_test:]]
    existing = {tuple(e) for e in edges.tolist()}
    random_pairs = []
    while len(random_pairs) < n_test:
        pair = tuple(rng.integers(0, graph.num_nodes, 2).tolist())
        if pair[0] != pair[1] and pair not in existing:
            random_pairs.append(pair)
    random_pairs = np.asarray(random_pairs, dtype=np.int64).reshape(-1, 2)
    reversed_pairs = test[:, ::-1]
    half = n_test // 2
    negatives = {
        "auc_0": random_pairs,
        "auc_50": np.concatenate([reversed_pairs[:half], random_pairs[half:]]),
        "auc_100": reversed_pairs,
    }
    labels = np.concatenate([np.ones(n_test, np.int64), np.zeros(n_test, np.int64)])
    test_sets = {name: (np.concatenate([test, neg]), labels) for name, neg in negatives.items()}
    return DirectedGraph.from_edges(train, graph.num_nodes), test_sets


# --- tf.data -----------------------------------------------------------------


def edge_batches(graph, batch_size=128, seed=None):
    """Discriminator batches: `{"phase": 0, "ids": (batch, 2) int32 (source, target)}`.

    The edges reshuffled every epoch, the last partial batch dropped (the reference's `train_dis`).
    """
    edges = tf.data.Dataset.from_tensor_slices(graph.edges.astype(np.int32))
    edges = edges.shuffle(max(graph.num_edges, 1), seed=seed, reshuffle_each_iteration=True)
    edges = edges.batch(batch_size, drop_remainder=True)
    return edges.map(lambda ids: {"phase": tf.constant(D_PHASE), "ids": ids})


def node_batches(graph, batch_size=128, seed=None):
    """Generator batches: `{"phase": 1, "ids": (batch, 2) int32}`, a node id in both columns.

    The nodes of the training edges reshuffled every epoch, the last partial batch dropped (the
    reference's `train_gen`). The id is repeated so that both kinds of batch have one structure.
    """
    nodes = tf.data.Dataset.from_tensor_slices(graph.nodes.astype(np.int32))
    nodes = nodes.shuffle(max(len(graph.nodes), 1), seed=seed, reshuffle_each_iteration=True)
    nodes = nodes.batch(batch_size, drop_remainder=True)
    return nodes.map(lambda ids: {"phase": tf.constant(G_PHASE), "ids": tf.stack([ids, ids], axis=1)})


def dggan_dataset(graph, d_epochs=15, g_epochs=5, d_batch_size=128, g_batch_size=128, seed=None):
    """One outer epoch of the reference's schedule: `d_epochs` passes over the edges, then
    `g_epochs` passes over the nodes, each pass reshuffled, every batch tagged with its phase.

    `fit(dggan_dataset(graph), epochs=5)` is then the reference's 5 outer epochs (15 discriminator
    epochs then 5 generator epochs each). The number of batches is the same every epoch and known
    to Keras (`cardinality`), which its progress bar and epoch logic rely on.
    """
    parts = []
    if d_epochs:
        parts.append(edge_batches(graph, d_batch_size, seed).repeat(d_epochs))
    if g_epochs:
        parts.append(node_batches(graph, g_batch_size, None if seed is None else seed + 1).repeat(g_epochs))
    if not parts:
        raise ValueError("d_epochs and g_epochs are both 0: nothing to train")
    dataset = parts[0]
    for part in parts[1:]:
        dataset = dataset.concatenate(part)
    return dataset


# --- The reference's data ----------------------------------------------------

REFERENCE_DATA_URL = "https://raw.githubusercontent.com/RingBDStack/DGGAN/master/data/{dataset}/{name}"
GRAPH_FILES = ("train_0.5", "test_0.5_0", "test_0.5_50", "test_0.5_100")
DEFAULT_GRAPH_DIR = os.path.join("data", "dggan")


def download_graph(dataset="cora", target_dir=DEFAULT_GRAPH_DIR):
    """The reference's link-prediction split of `dataset` ("cora" or "google"), downloaded once.

    Returns the folder holding its four files; offline, raises `DataError` with the way out.
    """
    import urllib.error
    import urllib.request

    folder = os.path.join(target_dir, dataset)
    missing = [name for name in GRAPH_FILES if not os.path.exists(os.path.join(folder, name))]
    for name in missing:
        os.makedirs(folder, exist_ok=True)
        url = REFERENCE_DATA_URL.format(dataset=dataset, name=name)
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
        except (urllib.error.URLError, OSError) as error:
            raise DataError(
                f"Could not download DGGAN's {dataset} split ({getattr(error, 'reason', error)}). "
                f"Pass --data-dir a folder holding {', '.join(GRAPH_FILES)} (the reference's data/{dataset}/, "
                f"GitHub RingBDStack/DGGAN), or put those files in {folder}/."
            ) from None
        with open(os.path.join(folder, name), "wb") as file:  # only complete files are written
            file.write(data)
    return folder
