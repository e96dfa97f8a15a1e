"""`make bench`: every speed measurement, as ratios against the library a user would call."""

import runpy

for name in ("bench_window", "bench_cancel", "bench_kmeans", "bench_scatter", "bench_gmm",
             "bench_hierarchy"):
    print(f"== {name}", flush=True)
    runpy.run_module(f"tests.benchmarks.{name}", run_name="__main__")
