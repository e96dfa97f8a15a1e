"""The same data through several embeddings at once, with their quality measures in one table:
local against global structure, seen side by side.

Each chosen method runs in turn on the worker, with its own default parameters, sharing the
run's cancel and its progress bar; a snapshot follows each method, so the pictures fill in
one by one. Any method whose last snapshot holds coordinates takes part: an `Embedding`
(MDS, Isomap, LLE, t-SNE, UMAP, PaCMAP) or PCA's `Spectrum` (its first two scores).
"""

from __future__ import annotations

import time

import numpy as np

from engine import registry
from engine.params import Bool, seed_param
from engine.protocol import Algorithm, Cancelled, Comparison, Embedding, Spectrum
from engine.reduction import quality
from engine.registry import register

# The methods offered, in the order they are drawn; on by default: a linear, a distance
# based and a neighbour embedding.
CANDIDATES = ("pca", "mds", "isomap", "lle", "tsne", "umap", "pacmap")
LABELS = dict(zip(CANDIDATES, ("PCA", "MDS", "Isomap", "LLE", "t-SNE", "UMAP", "PaCMAP"),
                  strict=True))
DEFAULT_ON = ("pca", "isomap", "tsne")


def coordinates(snapshot) -> np.ndarray:
    """The 2-D coordinates a method's last snapshot places the points at."""
    if isinstance(snapshot, Embedding):
        return quality.plane(snapshot.coords)
    if isinstance(snapshot, Spectrum):
        return quality.plane(snapshot.scores)
    raise TypeError(f"a {type(snapshot).__name__} snapshot holds no coordinates")


@register
class CompareEmbeddings(Algorithm):
    id = "compare"
    name = "Compare embeddings"
    family = "Dimensionality reduction"
    summary = ("Run several embeddings of the same data side by side, in the same colours, "
               "with their trustworthiness, continuity, neighbours kept and stress in one "
               "table.")
    objective = "none of its own: each method keeps its own objective"
    params = (
        *(Bool(name=c, label=LABELS[c], default=c in DEFAULT_ON,
               help=f"Include {LABELS[c]}, with its default settings.") for c in CANDIDATES),
        seed_param(),
    )
    snapshot_type = Comparison

    def chosen(self, params) -> list[Algorithm]:
        return [registry.get(c) for c in CANDIDATES if params[c]]

    def libraries_for(self, dataset, params) -> tuple[str, ...]:
        names = {"scipy.spatial"}  # the quality measures' distances
        for method in self.chosen(params):
            names.update(method.libraries_for(dataset, method.defaults()))
        return tuple(sorted(names))

    def refusals(self, dataset, methods) -> dict[str, str]:
        """Why each method that cannot run on this data refuses, by method name."""
        refused = {}
        for method in methods:
            try:
                method.check(dataset, method.defaults())
            except ValueError as exc:
                refused[method.name] = str(exc)
        return refused

    def check(self, dataset, params):
        methods = self.chosen(params)
        if len(methods) < 2:
            raise ValueError("choose at least two methods to compare")
        if dataset.n < 3:
            raise ValueError("comparing embeddings needs at least 3 points")
        refused = self.refusals(dataset, methods)
        if len(methods) - len(refused) < 2:
            reasons = "; ".join(f"{name}: {why}" for name, why in refused.items())
            raise ValueError(f"fewer than two of the chosen methods can run here ({reasons})")

    def max_points(self, dataset, params):
        limits = [m.max_points(dataset, m.defaults()) for m in self.chosen(params)]
        limits = [limit for limit in limits if limit is not None]
        return min(limits) if limits else None

    def too_many_points(self, n, params):
        """The reasons of the chosen methods whose cost grows as n²."""
        quadratic = [m for m in self.chosen(params)
                     if type(m).max_points is not Algorithm.max_points]
        return " ".join(m.too_many_points(n, m.defaults()) for m in quadratic) or \
            super().too_many_points(n, params)

    def run(self, dataset, params, ctx):
        """Each method in turn; one that refuses the data, before or during its run (Isomap's
        graph in pieces), is named with its reason and the others go on."""
        methods = self.chosen(params)
        refused = self.refusals(dataset, methods)
        methods = [m for m in methods if m.name not in refused]
        done: list[tuple[Algorithm, np.ndarray, quality.Quality, float]] = []
        for i, method in enumerate(methods):
            ctx.check()
            part = ctx.part(i / len(methods), (i + 1) / len(methods), method.name)
            t0 = time.perf_counter()
            try:
                xy = coordinates(self._run_one(method, dataset, params["seed"], part))
                if not np.isfinite(xy).all():
                    raise ValueError("its map has coordinates that are not finite numbers")
            except Cancelled:
                raise
            except Exception as exc:  # a library's failure ends this method, not the rest
                refused[method.name] = str(exc) or type(exc).__name__
                if done:  # say so now, not only when the next method is done
                    yield self._snapshot(i + 1, done, methods, refused)
                continue
            # Measured here, not taken from the method: the same sample of points, the same
            # seed and the data as loaded, for every column of the table.
            measured = quality.measure(dataset.X, xy, seed=params["seed"])
            done.append((method, xy, measured, time.perf_counter() - t0))
            yield self._snapshot(i + 1, done, methods, refused)
        if len(done) < 2:
            reasons = "; ".join(f"{name}: {why}" for name, why in refused.items())
            raise ValueError(f"fewer than two of the chosen methods could run ({reasons})")

    @staticmethod
    def _run_one(method, dataset, seed, ctx):
        """The last snapshot of one method's run with its defaults and this seed."""
        values = method.defaults()
        if "seed" in values:
            values["seed"] = seed
        last = None
        for last in method.run(dataset, values, ctx):  # noqa: B007 (the last one counts)
            ctx.check()
        ctx.check()  # a method may end quietly when cancelled
        if last is None:
            raise ValueError("it gave no result")
        return last

    def _snapshot(self, step, done, methods, refused) -> Comparison:
        method, _, q, seconds = done[-1]
        left = [m.name for m in methods[methods.index(method) + 1:] if m.name not in refused]
        after = f"; next: {', '.join(left)}" if left else "; all done"
        if refused:
            after += "; not run: " + "; ".join(f"{n} ({why})" for n, why in refused.items())
        return Comparison(
            step=step,
            message=(f"{method.name} done in {seconds:.1f} s: {q.summary()}{after}"),
            ids=tuple(m.id for m, *_ in done), names=tuple(m.name for m, *_ in done),
            coords=tuple(xy for _, xy, *_ in done), qualities=tuple(q for *_, q, _ in done),
            seconds=tuple(s for *_, s in done), pending=tuple(left),
            refused=tuple(f"{n}: {why}" for n, why in refused.items()))
