"""The user guide as a help corpus: sections, HTML with anchors, BM25 retrieval."""
