"""DGGAN (directed graph embedding): networks, losses by hand, saving, training, data, AUC."""

import json
import math

import keras
import numpy as np
import pytest
from conftest import load_script, require_data

from keras_gans.data.graphs import (
    D_PHASE,
    G_PHASE,
    DirectedGraph,
    dggan_dataset,
    random_directed_graph,
    read_edges,
    read_labelled_pairs,
    read_test_sets,
    split_link_prediction,
)
from keras_gans.data.images import DataError
from keras_gans.models.dggan import (
    DGGAN,
    LinkPredictionMonitor,
    build_dggan,
    link_prediction_auc,
    reference_stddev,
    roc_auc,
)

N, D = 6, 3  # a tiny model: 6 nodes, 3-dimensional vectors


def _weights(model):
    return [w.numpy().copy() for w in model.weights]


def _changed(before, model):
    return any(not np.array_equal(b, w.numpy()) for b, w in zip(before, model.weights, strict=True))


# --- The networks ------------------------------------------------------------------


def test_parameter_counts_and_shapes_by_hand():
    model = build_dggan(N, embedding_dim=D, seed=0)
    # Discriminator: a source and a target table, N x D each.
    assert model.discriminator.count_params() == 2 * N * D == 36
    assert {w.path.split("/")[0]: tuple(w.shape) for w in model.discriminator.weights} == {
        "source_embedding": (N, D),
        "target_embedding": (N, D),
    }
    # Generator: a node table N x D, and per direction a D x D kernel and a bias.
    assert model.generator.count_params() == N * D + 2 * (D * D + D) == 42
    shapes = sorted((w.path, tuple(w.shape)) for w in model.generator.weights)
    assert shapes == [
        ("fake_source/bias", (D,)),
        ("fake_source/kernel", (D, D)),
        ("fake_target/bias", (D,)),
        ("fake_target/kernel", (D, D)),
        ("node_embedding/embeddings", (N, D)),
    ]
    fakes = model.generate(np.arange(4, dtype="int32"), np.zeros((4, 2, D), "float32"))
    assert [tuple(f.shape) for f in fakes] == [(4, D), (4, D)]
    assert tuple(model(np.array([[0, 1], [2, 3]])).shape) == (2,)


def test_reference_config_defaults():
    model = build_dggan(10, seed=0)
    assert model.embedding_dim == 128 and model.num_nodes == 10
    assert (model.noise_sigma, model.g_l2, model.d_l2, model.label_smoothing) == (1.0, 1e-5, 0.0, 0.0)
    assert model.neg_weights == (1.0, 1.0, 1.0, 1.0) and model.pairing == "all_pairs"
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert math.isclose(float(optimizer.learning_rate), 1e-4, rel_tol=1e-6)
    with pytest.raises(ValueError, match="pairing"):
        build_dggan(10, pairing="each")


def test_initialisers_follow_the_reference_xavier():
    # TF1 contrib xavier (normal): truncated normal, stddev sqrt(1.3 / fan_avg); a stacked
    # [2, n, d] tensor multiplies both fans by 2.
    assert math.isclose(reference_stddev((2, 1000, 128)), math.sqrt(1.3 / 1128))
    assert math.isclose(reference_stddev((1000, 128)), math.sqrt(1.3 / 564))
    assert math.isclose(reference_stddev((2, 128, 128)), math.sqrt(1.3 / 256))
    model = build_dggan(2000, embedding_dim=64, seed=0)
    table = model.discriminator.get_layer("source_embedding").embeddings.numpy()
    sigma = reference_stddev((2, 2000, 64))
    assert np.abs(table).max() <= 2 * sigma + 1e-6  # truncated at two standard deviations
    # A normal truncated at 2 sigma has a standard deviation of 0.88 sigma.
    assert table.std() == pytest.approx(0.8796 * sigma, rel=0.02)


# --- The losses, by hand -------------------------------------------------------------


def _bce(label, logits):
    return np.mean(np.maximum(logits, 0) - logits * label + np.log1p(np.exp(-np.abs(logits))))


def _leaky_relu(x):
    return np.where(x > 0, x, 0.2 * x)


def _numpy_weights(model):
    source, target = model.embeddings()
    g = model.generator
    layers = [g.get_layer("fake_target"), g.get_layer("fake_source")]
    return {
        "S": source,
        "T": target,
        "E": g.get_layer("node_embedding").embeddings.numpy(),
        "W": [layer.kernel.numpy() for layer in layers],
        "b": [layer.bias.numpy() for layer in layers],
    }


def _fakes(w, ids, noise):
    """[fake_target, fake_source] of nodes `ids` with noise (b, 2, d)."""
    return [_leaky_relu((w["E"][ids] + noise[:, j]) @ w["W"][j] + w["b"][j]) for j in range(2)]


def _d_losses_by_hand(w, ids, noise, pairing, neg_weights):
    def scores(a, b):
        return a @ b.T if pairing == "all_pairs" else np.sum(a * b, axis=1)

    u, v = ids[:, 0], ids[:, 1]
    real = [[w["S"][u], w["T"][u]], [w["S"][v], w["T"][v]]]
    fakes = [_fakes(w, u, noise[0]), _fakes(w, v, noise[1])]
    losses = {"d_pos_loss": _bce(1.0, scores(w["S"][u], w["T"][v]))}
    for k in range(2):
        for j in range(2):
            losses[f"d_neg_loss_{2 * k + j}"] = _bce(0.0, scores(real[k][j], fakes[k][j]))
    losses["d_loss"] = losses["d_pos_loss"] + sum(
        neg_weights[i] * losses[f"d_neg_loss_{i}"] for i in range(4)
    )
    return losses


def _g_losses_by_hand(w, nodes, noise, g_l2, label_smoothing):
    fakes = _fakes(w, nodes, noise)
    real = [w["S"][nodes], w["T"][nodes]]
    losses = {}
    for j in range(2):
        scores = np.sum(real[j] * fakes[j], axis=1)  # each node with its own fakes
        reg = g_l2 * (0.5 * np.sum(w["E"][nodes] ** 2) + 0.5 * np.sum(w["W"][j] ** 2))
        losses[f"g_neg_loss_{j}"] = _bce(1.0 - label_smoothing, scores) + reg
    losses["g_loss"] = losses["g_neg_loss_0"] + losses["g_neg_loss_1"]
    return losses


def _noise(batch, seed):
    return np.random.default_rng(seed).normal(size=(2, batch, 2, D)).astype("float32")


@pytest.mark.parametrize("pairing", ["all_pairs", "per_edge"])
def test_discriminator_losses_by_hand(pairing):
    weights = (1.0, 0.5, 2.0, 0.25)
    model = build_dggan(N, embedding_dim=D, pairing=pairing, neg_weights=weights, seed=1)
    ids = np.array([[0, 1], [1, 2], [3, 5], [4, 0]], dtype="int32")
    noise = _noise(len(ids), 2)
    expected = _d_losses_by_hand(_numpy_weights(model), ids, noise, pairing, weights)
    # One step reports the losses at the weights before its update.
    logs = model.train_step({"phase": D_PHASE, "ids": ids, "noise": noise})
    for name, value in expected.items():
        assert float(logs[name]) == pytest.approx(value, rel=1e-5), name
    assert float(logs["g_loss"]) == 0.0  # the generator was not trained


@pytest.mark.parametrize("pairing", ["all_pairs", "per_edge"])
def test_generator_losses_by_hand(pairing):
    model = build_dggan(N, embedding_dim=D, pairing=pairing, g_l2=0.1, label_smoothing=0.2, seed=3)
    nodes = np.array([0, 2, 5, 5], dtype="int32")
    noise = _noise(len(nodes), 4)
    expected = _g_losses_by_hand(_numpy_weights(model), nodes, noise[0], g_l2=0.1, label_smoothing=0.2)
    ids = np.stack([nodes, nodes], axis=1)
    logs = model.train_step({"phase": G_PHASE, "ids": ids, "noise": noise})
    for name, value in expected.items():
        assert float(logs[name]) == pytest.approx(value, rel=1e-5), name
    assert float(logs["d_loss"]) == 0.0


def test_a_step_trains_only_its_phase_network():
    model = build_dggan(N, embedding_dim=D, seed=5)
    ids = np.array([[0, 1], [2, 3]], dtype="int32")
    d_before, g_before = _weights(model.discriminator), _weights(model.generator)
    model.train_step({"phase": D_PHASE, "ids": ids})
    assert _changed(d_before, model.discriminator)
    assert not _changed(g_before, model.generator)

    d_before = _weights(model.discriminator)
    model.train_step({"phase": G_PHASE, "ids": ids})
    assert _changed(g_before, model.generator)
    assert not _changed(d_before, model.discriminator)


# --- Saving --------------------------------------------------------------------------


def test_config_round_trip():
    model = build_dggan(N, embedding_dim=D, pairing="per_edge", label_smoothing=0.1, seed=7)
    config = model.get_config()
    clone = DGGAN.from_config(config)
    assert clone.get_config() == config
    assert (clone.pairing, clone.label_smoothing, clone.seed, clone.num_nodes) == ("per_edge", 0.1, 7, N)
    assert clone.discriminator.count_params() == model.discriminator.count_params()
    assert clone.generator.count_params() == model.generator.count_params()


def test_keras_file_reloads_identical_embeddings(tmp_path):
    model = build_dggan(N, embedding_dim=D, pairing="per_edge", seed=8)
    model.train_step({"phase": D_PHASE, "ids": np.array([[0, 1], [2, 3]], dtype="int32")})
    model.train_step({"phase": G_PHASE, "ids": np.array([[4, 4], [5, 5]], dtype="int32")})
    path = tmp_path / "dggan.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, DGGAN) and loaded.pairing == "per_edge"
    for a, b in zip(model.embeddings(), loaded.embeddings(), strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(model.generator.weights, loaded.generator.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert isinstance(loaded.d_optimizer, keras.optimizers.Adam)
    pairs = np.array([[0, 1], [5, 2]])
    np.testing.assert_allclose(model(pairs).numpy(), loaded(pairs).numpy())


# --- Training through fit -------------------------------------------------------------


def test_fit_learns_a_planted_direction(tmp_path):
    graph = random_directed_graph(120, edges_per_node=5, seed=0)
    train, test_sets = split_link_prediction(graph, test_fraction=0.3, seed=0)
    model = build_dggan(train.num_nodes, embedding_dim=16, learning_rate=1e-3, seed=0)
    dataset = dggan_dataset(train, d_epochs=5, g_epochs=1, d_batch_size=32, g_batch_size=32, seed=0)
    monitor = LinkPredictionMonitor(test_sets)
    csv = tmp_path / "log.csv"
    history = model.fit(
        dataset, epochs=8, callbacks=[monitor, keras.callbacks.CSVLogger(csv)], shuffle=False, verbose=0
    )
    aucs = history.history
    assert aucs["auc_0"][-1] > 0.55 and aucs["auc_0"][-1] > aucs["auc_0"][0]
    assert aucs["auc_100"][-1] > 0.65 and aucs["auc_100"][-1] > aucs["auc_100"][0]  # reversed edges
    assert aucs["d_loss"][-1] < aucs["d_loss"][0]
    assert all(v > 0 for v in aucs["g_loss"])  # both phases ran in every fit epoch
    header = csv.read_text().splitlines()[0].split(",")
    assert {"auc_0", "auc_50", "auc_100", "d_loss", "g_loss"} <= set(header)  # CSVLogger saw them


def test_monitor_every_logs_nan_between_evaluations():
    graph = random_directed_graph(40, edges_per_node=3, seed=1)
    train, test_sets = split_link_prediction(graph, seed=1)
    model = build_dggan(train.num_nodes, embedding_dim=4, seed=1)
    dataset = dggan_dataset(train, d_epochs=1, g_epochs=1, d_batch_size=16, g_batch_size=16, seed=1)
    monitor = LinkPredictionMonitor({"auc_100": test_sets["auc_100"]}, every=2)
    history = model.fit(dataset, epochs=3, callbacks=[monitor], shuffle=False, verbose=0)
    values = history.history["auc_100"]
    assert math.isnan(values[0]) and not math.isnan(values[1]) and not math.isnan(values[2])  # and the last
    assert [epoch for epoch, _ in monitor.history] == [1, 2]


def test_link_prediction_auc_scores_source_dot_target():
    model = build_dggan(N, embedding_dim=D, seed=9)
    source, target = model.embeddings()
    pairs = np.array([[0, 1], [1, 0], [2, 3], [3, 2], [4, 5], [5, 4]])
    scores = np.sum(source[pairs[:, 0]] * target[pairs[:, 1]], axis=1)
    labels = (scores > np.median(scores)).astype(int)  # a perfect ranking
    assert link_prediction_auc(model, pairs, labels) == 1.0
    assert link_prediction_auc(model, pairs, 1 - labels) == 0.0


def test_roc_auc_matches_pair_counting_with_ties():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 300)
    scores = rng.integers(0, 10, 300).astype(float)  # many ties
    pos, neg = scores[labels == 1], scores[labels == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    assert roc_auc(labels, scores) == pytest.approx(wins / (len(pos) * len(neg)))
    with pytest.raises(ValueError):
        roc_auc([1, 1], [0.1, 0.2])


# --- Data -----------------------------------------------------------------------------


def test_read_edges_and_pairs(tmp_path):
    edges = tmp_path / "train"
    edges.write_text("0 1\n1 2\n\n2 0\n")  # a blank line is skipped
    array = read_edges(edges)
    assert array.dtype.kind == "i" and array.tolist() == [[0, 1], [1, 2], [2, 0]]
    pairs = tmp_path / "test"
    pairs.write_text("0 1 1\n1 0 0\n")
    p, y = read_labelled_pairs(pairs)
    assert p.tolist() == [[0, 1], [1, 0]] and y.tolist() == [1, 0]


@pytest.mark.parametrize("bad_line", ["3 x", "3 4 5", "7", "-1 2"])
def test_read_edges_refuses_a_malformed_line(tmp_path, bad_line):
    path = tmp_path / "train_0.5"
    path.write_text(f"0 1\n1 2\n{bad_line}\n2 0\n")
    with pytest.raises(DataError, match=r"train_0\.5, line 3: expected 'source target'") as error:
        read_edges(path)
    assert bad_line in str(error.value) and str(error.value).endswith(".")  # one sentence, with the line


def test_read_labelled_pairs_refuses_a_label_other_than_0_or_1(tmp_path):
    path = tmp_path / "test_0.5_0"
    path.write_text("0 1 1\n1 0 2\n")
    with pytest.raises(DataError, match="test_0.5_0, line 2"):
        read_labelled_pairs(path)


def test_directed_graph_neighbours_as_the_reference():
    graph = DirectedGraph.from_edges([[0, 1], [0, 2], [2, 1], [0, 1]])
    assert (graph.num_nodes, graph.num_edges) == (3, 4)
    assert graph.nodes.tolist() == [0, 1, 2]
    assert graph.out_neighbours == {0: [1, 2, 1], 2: [1]}
    assert graph.in_neighbours == {1: [0, 2, 0], 2: [0]}
    with pytest.raises(ValueError):
        DirectedGraph.from_edges([[0, 5]], num_nodes=3)


def test_random_directed_graph_plants_a_direction():
    graph = random_directed_graph(90, num_groups=3, edges_per_node=4, forward=0.9, seed=0)
    edges = graph.edges
    assert graph.num_nodes == 90 and 250 < len(edges) <= 360
    group = edges // 30
    assert np.mean(group[:, 1] == group[:, 0] + 1) > 0.85  # mostly group i -> i + 1
    pairs = {tuple(e) for e in edges.tolist()}
    assert len(pairs) == len(edges) and not any((t, s) in pairs for s, t in pairs)  # no reciprocal edges
    assert not np.any(edges[:, 0] == edges[:, 1])
    again = random_directed_graph(90, num_groups=3, edges_per_node=4, forward=0.9, seed=0)
    np.testing.assert_array_equal(edges, again.edges)


def test_split_link_prediction_builds_the_three_test_sets():
    graph = random_directed_graph(60, edges_per_node=3, seed=2)
    train, test_sets = split_link_prediction(graph, test_fraction=0.5, seed=2)
    existing = {tuple(e) for e in graph.edges.tolist()}
    n_test = graph.num_edges - train.num_edges
    for name, (pairs, labels) in test_sets.items():
        assert len(pairs) == 2 * n_test and labels.sum() == n_test, name
        assert all(tuple(p) in existing for p in pairs[labels == 1].tolist())
        assert not any(tuple(p) in existing for p in pairs[labels == 0].tolist())
    positives = test_sets["auc_100"][0][:n_test]
    np.testing.assert_array_equal(test_sets["auc_100"][0][n_test:], positives[:, ::-1])


def test_dggan_dataset_follows_the_reference_schedule():
    graph = random_directed_graph(50, edges_per_node=3, seed=3)
    d_batches, g_batches = graph.num_edges // 8, len(graph.nodes) // 16  # last partial batch dropped
    dataset = dggan_dataset(graph, d_epochs=3, g_epochs=2, d_batch_size=8, g_batch_size=16, seed=0)
    assert int(dataset.cardinality()) == 3 * d_batches + 2 * g_batches  # known to Keras
    batches = list(dataset.as_numpy_iterator())
    phases = [int(b["phase"]) for b in batches]
    assert phases == [D_PHASE] * (3 * d_batches) + [G_PHASE] * (2 * g_batches)
    edges = {tuple(e) for e in graph.edges.tolist()}
    passes = []
    for p in range(3):
        ids = np.concatenate([b["ids"] for b in batches[p * d_batches : (p + 1) * d_batches]])
        assert ids.shape == (d_batches * 8, 2)
        assert len({tuple(e) for e in ids.tolist()}) == len(ids) and {tuple(e) for e in ids.tolist()} <= edges
        passes.append(ids)
    assert not np.array_equal(passes[0], passes[1])  # reshuffled every pass
    g = batches[3 * d_batches]["ids"]
    assert g.shape == (16, 2) and np.array_equal(g[:, 0], g[:, 1]) and set(g[:, 0]) <= set(graph.nodes)


# --- The real files -------------------------------------------------------------------------


def test_cora_files_match_sources_md():
    directory = require_data("dggan/cora")
    graph = DirectedGraph.from_file(directory / "train_0.5")
    assert (len(graph.nodes), graph.num_nodes, graph.num_edges) == (23166, 23166, 45750)
    test_sets = read_test_sets(directory)
    assert sorted(test_sets) == ["auc_0", "auc_100", "auc_50"]
    for pairs, labels in test_sets.values():
        assert len(pairs) == 91500 and labels.sum() == 45750
        assert pairs.max() < graph.num_nodes


# --- scripts/dggan_reference.py: the shims it runs the reference code with -------------------


def _reference_script():
    return load_script("dggan_reference")  # installs nothing: the shims go in only in main()


def test_reference_script_xavier_initializer_is_tf1s():
    """TF1 contrib: n = (fan_in + fan_out) / 2, fans times the leading dims; sqrt(1.3/n) or sqrt(3/n)."""
    script = _reference_script()
    # [2, 128] (the reference's biases): fan_in 2, fan_out 128, n 65.
    assert math.isclose(script.xavier_scale([2, 128], uniform=False), math.sqrt(1.3 / 65))
    assert math.isclose(script.xavier_scale([2, 128], uniform=True), math.sqrt(3.0 / 65))
    # [2, 1000, 128] (its embedding table): fan_in 2 * 1000, fan_out 2 * 128, n 1128.
    assert math.isclose(script.xavier_scale([2, 1000, 128], uniform=False), math.sqrt(1.3 / 1128))
    assert math.isclose(script.xavier_scale([2, 1000, 128], uniform=True), math.sqrt(3.0 / 1128))
    values = script.xavier_initializer(uniform=False, seed=0)([2, 1000, 128]).numpy()
    assert values.shape == (2, 1000, 128) and np.abs(values).max() <= 2 * math.sqrt(1.3 / 1128)  # truncated


def test_reference_script_roc_auc_matches_pair_counting_with_ties():
    script = _reference_script()
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, 200)
    scores = rng.integers(0, 8, 200).astype(np.float32)  # many ties
    pos, neg = scores[labels == 1], scores[labels == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    assert script.roc_auc_score(labels.tolist(), list(scores)) == pytest.approx(wins / (len(pos) * len(neg)))


# --- scripts/compare_dggan.py: the port against the reference, from the runs' files -------------


def _port_run(folder, seed, pairing, auc_50s, epochs=None):
    """A port run folder as the runner writes it: run.json and losses.csv (auc_0 = auc_50 + 0.1)."""
    folder.mkdir(parents=True)
    config = {
        "data_dir": "/data/dggan/cora",
        "seed": seed,
        "pairing": pairing,
        "epochs": epochs or len(auc_50s),
    }
    record = {"config": config, "wall_time_s": 120.0, "machine": {"cpu": "a CPU"}, "finished": "2026-11-27"}
    (folder / "run.json").write_text(json.dumps(record))
    rows = ["epoch,d_loss,val_auc_0,val_auc_100,val_auc_50"]
    rows += [f"{i},1.0,{a + 0.1},0.55,{a}" for i, a in enumerate(auc_50s)]
    (folder / "losses.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_compare_dggan_tables_the_runs_against_the_reference(tmp_path):
    script = load_script("compare_dggan")
    # The reference's JSON: 2 discriminator epochs per outer epoch; the port logs the last one's.
    aucs = [
        dict(outer_epoch=o, d_epoch=d, auc_0=0.8, auc_50=a, auc_100=0.5, seconds=1.0)
        for o, d, a in [(0, 0, 0.60), (0, 1, 0.65), (1, 0, 0.68), (1, 1, 0.70)]
    ]
    reference = tmp_path / "cora.json"
    reference.write_text(
        json.dumps(
            {
                "data_dir": "/data/dggan/cora",
                "config": {"d_epoch": 2, "n_epoch": 2},
                "aucs": aucs,
                "wall_time_s": 600.0,
                "cpu": "a CPU",
                "finished": True,
            }
        )
    )
    runs = [
        _port_run(tmp_path / "s0", 0, "all_pairs", [0.64, 0.71]),
        _port_run(tmp_path / "s1", 1, "all_pairs", [0.66, 0.73]),
        _port_run(tmp_path / "edge", 0, "per_edge", [0.50, 0.60]),  # not in the all-pairs summary
        _port_run(tmp_path / "short", 2, "all_pairs", [0.90], epochs=1),  # shorter: not either
    ]
    out = tmp_path / "out"
    argv = ["--reference", str(reference), "--runs", *map(str, runs), "--out", str(out)]
    assert script.main(argv) == 0
    result = json.loads((out / "comparison.json").read_text())
    assert [r["per_epoch"][-1]["auc_50"] for r in result["runs"]] == [0.70, 0.71, 0.73, 0.60, 0.90]
    cora = result["summary"]["cora"]
    assert cora["port_runs"] == 2 and cora["epochs"] == 2
    assert cora["auc_50"]["mean"] == pytest.approx(0.72) and cora["auc_50"]["spread"] == pytest.approx(0.02)
    assert cora["auc_0"]["mean"] == pytest.approx(0.82)
    assert cora["port_minus_reference"]["auc_50"] == pytest.approx(0.02)
    # Epoch 1: port mean 0.65 vs 0.65, seeds 0.02 apart; epoch 2: 0.72 vs 0.70, 0.02 apart.
    assert cora["largest_gap_any_epoch"]["auc_50"] == pytest.approx(0.02)
    assert cora["largest_seed_spread_any_epoch"]["auc_50"] == pytest.approx(0.02)
    table = (out / "comparison.md").read_text()
    assert "| reference | unseeded | all_pairs | 2 of 2 | 0.8000 | 0.7000 | 0.5000 | 10 min |" in table
    assert "| port | 0 | per_edge | 0.500 / 0.550 | 0.600 / 0.550 |" in table
    # A folder that is no run: one line, exit 2, nothing written.
    assert script.main(["--runs", str(tmp_path / "nowhere"), "--out", str(tmp_path / "none")]) == 2
    assert not (tmp_path / "none").exists()
