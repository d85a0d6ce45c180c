"""Benchmark 4: sanitising throughput on a corpus of realistic replies.

    .venv/bin/python bench/sanitize.py      (or: make bench-sanitize)

The corpus (bench.common.reply_bodies) mixes the seed article's sentences with
links, markup, quotes, non-Latin text and hostile HTML. Compared on the same
corpus, single-threaded, each for about BENCH_SANITIZE_SECONDS (default 3):
our render_reply() (uncached: the lru_cache is bypassed), bleach.clean()
alone with our allow-list (the baseline), and bleach.clean() followed by
bleach.linkify() called afresh each time (what the spec's reference figure measures).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bleach  # noqa: E402

from bench import common  # noqa: E402
from comments import sanitize  # noqa: E402

CORPUS_SIZE = 2000


def bleach_clean(text):
    return bleach.clean(text, tags=sanitize.ALLOWED_TAGS, attributes=sanitize.ALLOWED_ATTRIBUTES,
                        protocols=sanitize.ALLOWED_PROTOCOLS, strip=True)


def bleach_clean_linkify(text):
    return bleach.linkify(bleach_clean(text))


def throughput(fn, corpus, seconds):
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in corpus:
            fn(text)
        done += len(corpus)
    return done / (time.perf_counter() - start)


def main():
    seconds = float(os.environ.get("BENCH_SANITIZE_SECONDS", 3))
    corpus = common.reply_bodies(CORPUS_SIZE, seed=4)
    ours = sanitize.render_reply.__wrapped__
    candidates = {
        "bleach.clean alone (baseline)": bleach_clean,
        "render_reply (ours: clean + linkify + paragraphs + rel)": ours,
        "bleach.clean then bleach.linkify, fresh each call": bleach_clean_linkify,
    }
    for fn in candidates.values():
        fn(corpus[0])  # warm-up
    rates = {name: throughput(fn, corpus, seconds) for name, fn in candidates.items()}
    baseline = rates["bleach.clean alone (baseline)"]
    lengths = [len(t) for t in corpus]
    print(f"{CORPUS_SIZE} replies, median {statistics.median(lengths):.0f} chars "
          f"(max {max(lengths)}), one thread, ~{seconds:.0f} s each")
    common.table(
        ["sanitiser", "replies/s", "µs per reply", "vs bleach.clean"],
        [[name, f"{rate:,.0f}", f"{1e6 / rate:.0f}", f"{rate / baseline:.2f}x"]
         for name, rate in rates.items()],
    )


if __name__ == "__main__":
    main()
