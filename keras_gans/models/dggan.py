"""DGGAN, "Adversarial Directed Graph Embedding" (Zhu et al., AAAI 2021), in Keras 3.

A port of the reference TF1 code (GitHub `RingBDStack/DGGAN`, `code/`): every node gets a *source*
vector and a *target* vector (the discriminator's two embedding tables), and an edge `u -> v`
scores `source[u] . target[v]`. A generator makes, for a node, a fake target vector (a fake
successor) and a fake source vector (a fake predecessor) from its own node embedding plus
Gaussian noise; the discriminator learns to score real edges high and the fakes low, the
generator to have its fakes scored high.

How `fit` drives the reference's alternation. The reference trains in outer epochs, each 15
discriminator epochs over the edges then 5 generator epochs over the nodes. Here **one `fit`
epoch is one outer epoch**: `keras_gans.data.graphs.dggan_dataset` chains the 15 edge passes and
the 5 node passes into one `tf.data` epoch, every batch tagged with its phase
(`{"phase": 0 or 1, "ids": ...}`), and `train_step` trains the discriminator or the generator as
the tag says (`tf.cond`). `fit(dataset, epochs=5)` is then the reference's whole run. The other
design, one `fit` epoch per reference D- or G-epoch with a callback switching a phase variable,
was rejected: the two kinds of epoch have different numbers of batches (Cora: 357 and 180), and
Keras 3 (`EpochIterator`) remembers the first epoch's count for a dataset of unknown length,
warning "ran out of data" at every shorter epoch and cutting longer ones short; it also makes the
data depend on when Keras creates its iterator. With tagged batches the epoch length is fixed and
known, the loss trackers of both networks are meaningful at every epoch end, and any batch (a test's
hand-made one, say) carries what to do with it. Link-prediction AUCs come from
`LinkPredictionMonitor` at `fit` epoch ends, so per outer epoch (the reference prints them after
every discriminator epoch).

Reference oddities kept (and marked `Reference:` where they happen):
- the discriminator scores every (source, target) pair of a batch against every other
  (`pairing="all_pairs"`, all labelled as the batch's kind), not each edge with its own target;
  `pairing="per_edge"` is the textbook version;
- the generator's loss scores each node with its own fakes only (per node), whatever the pairing;
- the generator's L2 term covers the looked-up node embeddings (once per direction, so twice) and
  the kernels, not the biases; the discriminator has none (`lambda_dis` is set in the reference's
  config but never used: `d_l2=0` here, an option);
- label smoothing applies to the generator's labels only;
- the reference creates a second generator layer (`gen_w_2`, `gen_b_2`) that nothing uses: not
  created here; its initialiser (TF1 contrib's `xavier_initializer(uniform=False)`, a truncated
  normal whose fans multiply by the leading dimension of its stacked `[2, ...]` tensors) is
  reproduced exactly by `reference_stddev`.
"""

import math

import keras
import numpy as np
import tensorflow as tf

from keras_gans.data.graphs import D_PHASE
from keras_gans.models.gan import TwoNetworkModel, apply_update

PAIRINGS = ("all_pairs", "per_edge")


def reference_stddev(shape):
    """Standard deviation of TF1 contrib's `xavier_initializer(uniform=False)` for a tensor of `shape`.

    A truncated normal (cut at 2 standard deviations) of stddev `sqrt(1.3 / n)`, with
    `n = (fan_in + fan_out) / 2`, `fan_in = shape[-2]`, `fan_out = shape[-1]`, both multiplied by
    the leading dimensions (which is why the reference's stacked `[2, n, d]` tables start smaller
    than two separate `[n, d]` ones would).
    """
    fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1])
    fan_out = float(shape[-1])
    for dim in shape[:-2]:
        fan_in *= dim
        fan_out *= dim
    return math.sqrt(1.3 / ((fan_in + fan_out) / 2.0))


def _initializer(shape, seed):
    return keras.initializers.TruncatedNormal(stddev=reference_stddev(shape), seed=seed)


def _seed(seed, offset):
    return None if seed is None else seed + offset


# --- The two networks ------------------------------------------------------


def build_discriminator(num_nodes, embedding_dim=128, seed=None, name="discriminator"):
    """The discriminator: node ids (batch,) to their (source vectors, target vectors).

    Two `Embedding` tables of `num_nodes x embedding_dim`, initialised as the reference's one
    `[2, num_nodes, embedding_dim]` variable.
    """
    ids = keras.Input(shape=(), dtype="int32", name="node_ids")
    shape = (2, num_nodes, embedding_dim)
    source = keras.layers.Embedding(
        num_nodes,
        embedding_dim,
        embeddings_initializer=_initializer(shape, _seed(seed, 0)),
        name="source_embedding",
    )(ids)
    target = keras.layers.Embedding(
        num_nodes,
        embedding_dim,
        embeddings_initializer=_initializer(shape, _seed(seed, 1)),
        name="target_embedding",
    )(ids)
    return keras.Model(ids, [source, target], name=name)


def build_generator(num_nodes, embedding_dim=128, seed=None, name="generator"):
    """The generator: (node ids, target noise, source noise) to (fake target, fake source) vectors.

    One shared node embedding; per direction, `leaky_relu(W (embedding + noise) + b)` (slope 0.2,
    TF1's default). Direction 0 ("fake_target") is scored against the node's *source* vector by the
    discriminator: it is the target vector of a fake successor; direction 1 ("fake_source") against
    its target vector: the source vector of a fake predecessor.
    """
    d = embedding_dim
    ids = keras.Input(shape=(), dtype="int32", name="node_ids")
    noises = [keras.Input(shape=(d,), name=f"{kind}_noise") for kind in ("target", "source")]
    embedding = keras.layers.Embedding(
        num_nodes,
        d,
        embeddings_initializer=_initializer((num_nodes, d), _seed(seed, 2)),
        name="node_embedding",
    )(ids)
    outputs = []
    for direction, kind in enumerate(("target", "source")):
        noisy = keras.layers.Add(name=f"{kind}_noisy")([embedding, noises[direction]])
        outputs.append(
            keras.layers.Dense(
                d,
                activation="leaky_relu",
                kernel_initializer=_initializer((2, d, d), _seed(seed, 3 + 2 * direction)),
                bias_initializer=_initializer((2, d), _seed(seed, 4 + 2 * direction)),
                name=f"fake_{kind}",
            )(noisy)
        )
    return keras.Model([ids, *noises], outputs, name=name)


def _bce(labels, logits):
    """Mean sigmoid cross-entropy of `logits` against a constant label."""
    return tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.fill(tf.shape(logits), labels), logits=logits)
    )


def _l2(x):
    """`tf.nn.l2_loss`: half the sum of squares."""
    return 0.5 * tf.reduce_sum(tf.square(x))


# --- The model -------------------------------------------------------------


@keras.saving.register_keras_serializable(package="keras_gans")
class DGGAN(TwoNetworkModel):
    """The discriminator and the generator of DGGAN, trained by `fit` over tagged batches.

    Args:
        discriminator: `build_discriminator`'s model (ids -> source, target vectors).
        generator: `build_generator`'s model ((ids, target noise, source noise) -> fakes).
        noise_sigma: standard deviation of the generator's noise (reference `sig`).
        neg_weights: weights of the discriminator's four fake-pair losses (reference `neg_weight`).
        g_l2: weight of the generator's L2 term (reference `lambda_gen`).
        d_l2: weight of an L2 term on the looked-up discriminator vectors; the reference's
            `lambda_dis` is never used, hence 0.
        label_smoothing: the generator's labels are `1 - label_smoothing` (reference `label_smooth`).
        pairing: "all_pairs" (the reference: every source of a batch against every target) or
            "per_edge" (each edge against its own target, each node against its own fakes).
        seed: seed of the noise drawn in `train_step`.

    Batches: `{"phase": 0, "ids": (b, 2) edges}` train the discriminator, `{"phase": 1, "ids":
    (b, 2) node ids, the second column ignored}` the generator. A batch may also hold `"noise"`,
    the noise itself (already times sigma), shape (2, b, 2, d): `[k, :, 0]` and `[k, :, 1]` are
    the target and source noise of column k's nodes (the generator phase reads `[0]` only).
    """

    CONFIG_KEYS = ("noise_sigma", "neg_weights", "g_l2", "d_l2", "label_smoothing", "pairing", "seed")

    def __init__(
        self,
        discriminator,
        generator,
        noise_sigma=1.0,
        neg_weights=(1.0, 1.0, 1.0, 1.0),
        g_l2=1e-5,
        d_l2=0.0,
        label_smoothing=0.0,
        pairing="all_pairs",
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if pairing not in PAIRINGS:
            raise ValueError(f"pairing must be one of {PAIRINGS}, not {pairing!r}")
        if len(neg_weights) != 4:
            raise ValueError("neg_weights must hold 4 weights")
        self.discriminator = discriminator
        self.generator = generator
        self.noise_sigma = float(noise_sigma)
        self.neg_weights = tuple(float(w) for w in neg_weights)
        self.g_l2 = float(g_l2)
        self.d_l2 = float(d_l2)
        self.label_smoothing = float(label_smoothing)
        self.pairing = pairing
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.embedding_dim = int(generator.inputs[1].shape[-1])
        self.num_nodes = int(discriminator.get_layer("source_embedding").input_dim)
        names = ["d_loss", "d_pos_loss"] + [f"d_neg_loss_{i}" for i in range(4)]
        names += ["g_loss", "g_neg_loss_0", "g_neg_loss_1"]
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}
        # The two networks arrive built, so the model is too.
        self.built = True

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Sets the two optimizers; the defaults are the reference's (TF1 Adam, 1e-4, epsilon 1e-8)."""
        kwargs.pop("optimizer", None)
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(1e-4, epsilon=1e-8)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(1e-4, epsilon=1e-8)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        # Listed here so that Keras resets them at the start of each epoch.
        return list(self.trackers.values())

    # --- Scores and vectors ------------------------------------------------

    def call(self, inputs, training=None):
        """Edge scores `source[u] . target[v]` (logits) of int pairs (b, 2)."""
        inputs = tf.cast(inputs, "int32")
        source, _ = self.discriminator(inputs[:, 0], training=training)
        _, target = self.discriminator(inputs[:, 1], training=training)
        return tf.reduce_sum(source * target, axis=-1)

    def embeddings(self):
        """`(source, target)`: the discriminator's two tables as numpy arrays (num_nodes, d)."""
        return discriminator_embeddings(self.discriminator)

    def sample_noise(self, batch_size):
        """Noise for one column of ids: (b, 2, d), N(0, noise_sigma)."""
        return keras.random.normal(
            (batch_size, 2, self.embedding_dim), stddev=self.noise_sigma, seed=self.seed_generator
        )

    def generate(self, ids, noise, training=None):
        """`[fake_target, fake_source]` vectors of nodes `ids` with noise (b, 2, d)."""
        ids, noise = tf.cast(ids, "int32"), tf.convert_to_tensor(noise, "float32")
        return self.generator([ids, noise[:, 0], noise[:, 1]], training=training)

    def _pair_scores(self, a, b):
        if self.pairing == "all_pairs":
            # Reference: every row of `a` against every row of `b` (matmul(a, b, transpose_b=True)).
            return tf.matmul(a, b, transpose_b=True)
        return tf.reduce_sum(a * b, axis=-1)  # each row with its own

    # --- Losses --------------------------------------------------------------

    def discriminator_losses(self, ids, fakes):
        """The reference's discriminator loss terms for edges `ids` (b, 2).

        `fakes[k]` = `[fake_target, fake_source]` of column k's nodes (k = 0: sources u, 1:
        targets v). `pos`: `source[u] . target[v]` labelled 1; `neg_{2k + j}`: node k's vector
        from table j (0: source, 1: target) against its fake of direction j, labelled 0.
        """
        u, v = ids[:, 0], ids[:, 1]
        real = [self.discriminator(u, training=True), self.discriminator(v, training=True)]
        losses = {"d_pos_loss": _bce(1.0, self._pair_scores(real[0][0], real[1][1]))}
        total = losses["d_pos_loss"]
        for k in range(2):
            for j in range(2):
                name = f"d_neg_loss_{2 * k + j}"
                losses[name] = _bce(0.0, self._pair_scores(real[k][j], fakes[k][j]))
                total += self.neg_weights[2 * k + j] * losses[name]
        if self.d_l2:
            total += self.d_l2 * (_l2(real[0][0]) + _l2(real[1][1]))
        losses["d_loss"] = total
        return losses

    def generator_losses(self, nodes, noise):
        """The reference's generator loss terms for nodes (b,) with noise (b, 2, d).

        Direction j's fakes against the discriminator's table j (held fixed) at the same nodes,
        each node with its own (Reference: per node even when the discriminator pairs all),
        labelled `1 - label_smoothing`, plus `g_l2 * (l2(node embeddings) + l2(kernel_j))`.
        """
        real = [tf.stop_gradient(t) for t in self.discriminator(nodes, training=False)]
        fakes = self.generate(nodes, noise, training=True)
        embedding = self.generator.get_layer("node_embedding")(nodes)
        losses, total = {}, 0.0
        for j, kind in enumerate(("target", "source")):
            scores = tf.reduce_sum(real[j] * fakes[j], axis=-1)
            kernel = self.generator.get_layer(f"fake_{kind}").kernel
            # Reference: the node embeddings' L2 is in both directions' terms; the biases have none.
            reg = self.g_l2 * (_l2(embedding) + _l2(kernel))
            losses[f"g_neg_loss_{j}"] = _bce(1.0 - self.label_smoothing, scores) + reg
            total += losses[f"g_neg_loss_{j}"]
        losses["g_loss"] = total
        return losses

    # --- One training step -----------------------------------------------------

    def train_step(self, data):
        phase, ids = data["phase"], tf.cast(data["ids"], "int32")
        noise = data.get("noise")
        if isinstance(phase, int | np.integer):
            if int(phase) == D_PHASE:
                self._discriminator_step(ids, noise)
            else:
                self._generator_step(ids, noise)
        else:

            def d_step():
                self._discriminator_step(ids, noise)
                return tf.constant(0)

            def g_step():
                self._generator_step(ids, noise)
                return tf.constant(0)

            tf.cond(tf.equal(tf.cast(phase, "int32"), D_PHASE), d_step, g_step)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def _discriminator_step(self, ids, noise=None):
        batch = tf.shape(ids)[0]
        # The fakes come from the generator as it is: constants for this update.
        fakes = []
        for k in range(2):
            column_noise = self.sample_noise(batch) if noise is None else noise[k]
            fakes.append([tf.stop_gradient(f) for f in self.generate(ids[:, k], column_noise)])
        with tf.GradientTape() as tape:
            losses = self.discriminator_losses(ids, fakes)
        apply_update(self.d_optimizer, tape, losses["d_loss"], self.discriminator.trainable_variables)
        self._track(**losses)

    def _generator_step(self, ids, noise=None):
        nodes = ids[:, 0]
        noise = self.sample_noise(tf.shape(nodes)[0]) if noise is None else noise[0]
        with tf.GradientTape() as tape:
            losses = self.generator_losses(nodes, noise)
        apply_update(self.g_optimizer, tape, losses["g_loss"], self.generator.trainable_variables)
        self._track(**losses)

    def _track(self, **losses):
        """Updates the loss trackers named in `losses`."""
        for name, value in losses.items():
            self.trackers[name].update_state(value)


def build_dggan(num_nodes, embedding_dim=128, learning_rate=1e-4, seed=None, **options):
    """A DGGAN compiled as the reference's (`code/config.py`): 128-d, Adam 1e-4 for both networks.

    `options` are `DGGAN`'s (noise_sigma, neg_weights, g_l2, d_l2,
    label_smoothing, pairing), whose defaults are the reference's.
    """
    model = DGGAN(
        build_discriminator(num_nodes, embedding_dim, seed=_seed(seed, 0)),
        build_generator(num_nodes, embedding_dim, seed=_seed(seed, 10)),
        seed=seed,
        name="dggan",
        **options,
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, epsilon=1e-8),
        g_optimizer=keras.optimizers.Adam(learning_rate, epsilon=1e-8),
    )
    return model


# --- Evaluation -----------------------------------------------------------------


def roc_auc(labels, scores):
    """ROC AUC of `scores` for binary `labels`, from ranks (ties get their average rank)."""
    labels = np.asarray(labels).astype(bool).ravel()
    scores = np.asarray(scores, dtype=np.float64).ravel()
    n_pos = int(labels.sum())
    n_neg = labels.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC AUC needs both positive and negative labels")
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    # Average 1-based rank of each run of equal scores.
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = np.r_[starts[1:], scores.size]
    run_ranks = (starts + ends + 1) / 2.0
    ranks = np.empty(scores.size)
    ranks[order] = np.repeat(run_ranks, ends - starts)
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def discriminator_embeddings(discriminator):
    """`(source, target)`: a discriminator's two tables as numpy arrays (num_nodes, d)."""
    return tuple(
        keras.ops.convert_to_numpy(discriminator.get_layer(name).embeddings)
        for name in ("source_embedding", "target_embedding")
    )


def link_prediction_auc(model, pairs, labels):
    """ROC AUC of `source[u] . target[v]` for pairs (N, 2) and 0/1 labels, as the reference evaluates."""
    return embeddings_auc(*model.embeddings(), pairs, labels)


def embeddings_auc(source, target, pairs, labels):
    """ROC AUC of `source[u] . target[v]` for pairs (N, 2) and 0/1 labels, from the embedding tables."""
    pairs = np.asarray(pairs)
    return roc_auc(labels, np.einsum("ij,ij->i", source[pairs[:, 0]], target[pairs[:, 1]]))


class LinkPredictionMonitor(keras.callbacks.Callback):
    """Adds each test set's link-prediction AUC to the epoch logs, under the set's name.

    `test_sets`: `{name: (pairs, labels)}` (`keras_gans.data.graphs.read_test_sets` gives
    `auc_0`, `auc_50`, `auc_100`). Evaluated every `every` epochs and at the last; other epochs
    log NaN, so that `CSVLogger` sees the same columns every epoch. Place it before the callbacks
    that should see the AUCs (`CSVLogger`, `ModelCheckpoint(monitor="auc_100")`).
    """

    def __init__(self, test_sets, every=1):
        super().__init__()
        if every < 1:
            raise ValueError("every must be at least 1")
        self.test_sets = {name: (np.asarray(p), np.asarray(y)) for name, (p, y) in test_sets.items()}
        self.every = every
        self.history = []  # (epoch, {name: auc}) of each evaluation

    def on_epoch_end(self, epoch, logs=None):
        last = self.params and epoch + 1 == self.params.get("epochs")
        if (epoch + 1) % self.every and not last:
            aucs = {name: float("nan") for name in self.test_sets}
        else:
            aucs = {name: link_prediction_auc(self.model, p, y) for name, (p, y) in self.test_sets.items()}
            self.history.append((epoch, aucs))
        if logs is not None:
            logs.update(aucs)
