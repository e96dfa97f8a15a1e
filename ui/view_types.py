"""Which view shows which kind of snapshot: `VIEWS[type(snapshot)]`, as napari picks a visual
per layer. The foundation's views live in ui/views.py, larger ones in modules of their own
(ui/views_<name>.py) that import the base `View` from there; this module gathers them all."""

from __future__ import annotations

from engine.protocol import (
    DensityScan,
    DensityTree,
    Distances,
    Divisive,
    Embedding,
    Experts,
    LatentModel,
    Mixture,
    OptimalPartition,
    Partition,
    Snapshot,
    SpanningTree,
    Spectral,
    Spectrum,
    Tree,
)
from ui.views import LatentView, PartitionView, SpectrumView, TreeView, View
from ui.views_density import DensityTreeView, DensityView
from ui.views_distances import DistancesView
from ui.views_divisive import DivisiveView
from ui.views_embedding import EmbeddingView
from ui.views_exhaustive import OptimalPartitionView
from ui.views_experts import ExpertsView
from ui.views_mixture import MixtureView
from ui.views_mst import SpanningTreeView
from ui.views_spectral import SpectralView

VIEWS: dict[type[Snapshot], type[View]] = {
    Partition: PartitionView,
    Tree: TreeView,
    Spectrum: SpectrumView,
    LatentModel: LatentView,
    Mixture: MixtureView,
    Spectral: SpectralView,
    Distances: DistancesView,
    SpanningTree: SpanningTreeView,
    OptimalPartition: OptimalPartitionView,
    Divisive: DivisiveView,
    Embedding: EmbeddingView,
    DensityScan: DensityView,
    DensityTree: DensityTreeView,
    Experts: ExpertsView,
}
