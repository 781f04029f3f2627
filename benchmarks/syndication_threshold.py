"""How the syndication threshold was chosen: precision and recall of "same cluster" on the
labelled sample (tests/support/data/syndication_sample.json: 8 events, each an agency story,
a copy with a local paragraph, a shortened copy, and a different story on the same event),
recorded in a real SQLite syndication index in both orders (agency story first, copies first),
for a range of thresholds; and the overlaps of copy pairs and of same-event pairs.

    python benchmarks/syndication_threshold.py
"""

from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support

from newscrawler import syndication
from newscrawler.state.sqlite import SqliteState
from tests.support.syndication import cluster_documents, load_sample, precision_recall

THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def overlaps() -> None:
    documents = load_sample()
    signatures = [syndication.signature(d.text) for d in documents]
    copies, same_event = [], []
    for (i, a), (j, b) in itertools.combinations(enumerate(documents), 2):
        sa, sb = signatures[i], signatures[j]
        assert sa is not None and sb is not None
        value = syndication.overlap(sa, sb)
        if a.story == b.story:
            copies.append(value)
        elif a.event == b.event:
            same_event.append(value)
    print(f"{len(documents)} documents; overlap of copy pairs ({len(copies)}): min"
          f" {min(copies):.3f}, mean {sum(copies) / len(copies):.3f}; of same-event pairs of"
          f" different stories ({len(same_event)}): max {max(same_event):.3f}")  # fmt: skip


def main() -> None:
    overlaps()
    documents = load_sample()
    print("threshold  order          precision  recall  same-event pairs clustered")
    for threshold in THRESHOLDS:
        for order in ("agency first", "copies first"):
            sequence = list(range(len(documents)))
            if order == "copies first":
                sequence.reverse()
            with tempfile.TemporaryDirectory() as folder:
                store = SqliteState(f"sqlite://{folder}/sample.sqlite")
                try:
                    clusters = cluster_documents(store, documents, threshold, sequence)
                finally:
                    store.close()
            f = precision_recall(documents, clusters)
            print(f"{threshold:9.1f}  {order:13}  {f['precision']:9.3f}  {f['recall']:6.3f}"
                  f"  {f['same_event_clustered']}/{f['same_event_pairs']}")  # fmt: skip
    print(f"default NEWSCRAWLER_SYNDICATION_THRESHOLD: {syndication.DEFAULT_THRESHOLD}")


if __name__ == "__main__":
    main()
