from __future__ import annotations

import os

from hypothesis import settings

# Bounded property tests: a few hundred examples each. On CI the examples are derived from the
# test itself (derandomize), so every run tries the same inputs and no database is kept.
settings.register_profile("leafletgen", max_examples=200, deadline=None)
settings.register_profile(
    "ci", parent=settings.get_profile("leafletgen"), derandomize=True, database=None
)
settings.load_profile("ci" if os.environ.get("CI") else "leafletgen")
