"""The project's settings, plus the bare baseline view at /bench/bare/ (benchmarks only)."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
