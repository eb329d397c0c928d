"""`streamlit run ...` with the test embedder slowed to a real embedder's pace (SLOW_EMBED_DELAY seconds per
batch of documents), for the browser test of background ingests. Test-only: the product has no such hook."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ingest_support import SlowEmbeddings  # noqa: E402

import toolkit.embeddings  # noqa: E402

_delay = float(os.environ.get("SLOW_EMBED_DELAY", "1"))
toolkit.embeddings.provider_embeddings = lambda settings: SlowEmbeddings(_delay)

if __name__ == "__main__":
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(cli.main())
