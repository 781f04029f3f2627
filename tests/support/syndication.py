"""The labelled sample of copies and different stories (tests/support/data/syndication_sample.json):
documents, and which pairs are copies. Used by tests/test_syndication.py and by
benchmarks/syndication_threshold.py, which chose the threshold on it."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).parent / "data" / "syndication_sample.json"


@dataclass(frozen=True)
class Document:
    event: str
    kind: str
    """"agency", a copy's kind ("local", "short"), or "other" (a different story)."""
    text: str

    @property
    def story(self) -> str:
        """Documents of one story are copies of each other."""
        return f"{self.event}-other" if self.kind == "other" else self.event


def apply_edits(paragraphs: list[str], edits: dict[str, Any]) -> list[str]:
    """A regional desk's copy: words replaced, paragraphs dropped, paragraphs inserted before
    the paragraph of that index (or at the end)."""
    edited = list(paragraphs)
    for old, new in edits.get("replace", []):
        if not any(old in p for p in edited):
            raise ValueError(f"edit does not apply: {old!r}")
        edited = [p.replace(old, new) for p in edited]
    inserts = {int(at): text for at, text in edits.get("insert", {}).items()}
    copy = []
    for index, paragraph in enumerate(edited):
        if index in inserts:
            copy.append(inserts[index])
        if index not in edits.get("drop", []):
            copy.append(paragraph)
    if len(edited) in inserts:
        copy.append(inserts[len(edited)])
    return copy


def sample_paragraphs() -> list[tuple[str, str, list[str]]]:
    """(event, kind, paragraphs) of every document, the agency story of each event first."""
    events = json.loads(SAMPLE.read_text(encoding="utf-8"))["events"]
    documents = []
    for event in events:
        documents.append((event["id"], "agency", event["agency"]))
        for copy in event["copies"]:
            documents.append((event["id"], copy["kind"], apply_edits(event["agency"], copy)))
        documents.append((event["id"], "other", event["other"]))
    return documents


def load_sample() -> list[Document]:
    return [Document(e, k, "\n\n".join(p)) for e, k, p in sample_paragraphs()]


def labelled_pairs(documents: list[Document]) -> list[tuple[int, int, bool, bool]]:
    """(i, j, are copies, same event) for every pair of documents."""
    return [
        (i, j, a.story == b.story, a.event == b.event)
        for (i, a), (j, b) in itertools.combinations(enumerate(documents), 2)
    ]


def cluster_documents(
    store: Any, documents: list[Document], threshold: float, order: list[int] | None = None
) -> list[str]:
    """Record every document in `store`'s index (in `order`, by default as listed), one site
    per document; the cluster each ends in."""
    from newscrawler import syndication

    clusters = [""] * len(documents)
    for index in order if order is not None else range(len(documents)):
        document = documents[index]
        signature = syndication.signature(document.text)
        assert signature is not None
        url = f"https://www.site{index}.de/{document.event}-{document.kind}-{index}"
        copy = syndication.Copy(
            syndication.article_id(url), url, f"site{index}", "2024-05-01T10:00:00+00:00",
            signature,
        )  # fmt: skip
        match = store.record_copy(copy, threshold)
        clusters[index] = match.cluster if match else syndication.cluster_name(copy.id)
    return clusters


def precision_recall(documents: list[Document], clusters: list[str]) -> dict[str, float]:
    """Pairwise: precision and recall of "same cluster" against "copies of one story", and
    the same-event pairs of different stories that were clustered (must be 0)."""
    pairs = labelled_pairs(documents)
    predicted = [(copies, event, clusters[i] == clusters[j]) for i, j, copies, event in pairs]
    true_positive = sum(1 for copies, _, same in predicted if copies and same)
    positives = sum(1 for _, _, same in predicted if same)
    relevant = sum(1 for copies, _, _ in predicted if copies)
    return {
        "precision": true_positive / positives if positives else 1.0,
        "recall": true_positive / relevant,
        "copy_pairs": relevant,
        "same_event_pairs": sum(1 for copies, event, _ in predicted if event and not copies),
        "same_event_clustered": sum(
            1 for copies, event, same in predicted if event and not copies and same
        ),
    }
