"""Train DGGAN ("Adversarial Directed Graph Embedding", Zhu et al., AAAI 2021) on a directed graph.

python scripts/train_dggan.py --data-dir ../shared/data/dggan/cora     # the reference's settings
python scripts/train_dggan.py --dataset google                          # download the Google split
python scripts/train_dggan.py --data-dir ../shared/data/dggan/cora --pairing per_edge --epochs 2

Each epoch is one of the reference's outer epochs (--d-epochs passes of the discriminator
over the edges, then --g-epochs of the generator over the nodes); after each, the link-prediction
AUCs auc_0, auc_50, auc_100 are logged, and embeddings.npz holds the best epoch's source and
target vectors.
"""

import sys

from keras_gans.cli import main as train_main


def main(argv=None):
    return train_main("dggan", argv, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
