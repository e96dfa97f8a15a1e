"""Which view shows which kind of snapshot: `VIEWS[type(snapshot)]`, as napari picks a visual
per layer. The foundation's views live in ui/views.py, larger ones in modules of their own
(ui/views_<name>.py) that import the base `View` from there; this module gathers them all."""

from __future__ import annotations

from engine.protocol import (
    AdaptivePCA,
    Comparison,
    DensityScan,
    DensityTree,
    Discriminant,
    Distances,
    Divisive,
    Embedding,
    Experts,
    Factorisation,
    FactorModel,
    LatentModel,
    Mixture,
    OptimalPartition,
    Partition,
    Scaling,
    Separation,
    Snapshot,
    SpanningTree,
    SparseCoding,
    Spectral,
    Spectrum,
    Tree,
)
from ui.views import LatentView, PartitionView, SpectrumView, TreeView, View
from ui.views_adaptive_pca import AdaptivePCAView
from ui.views_compare import ComparisonView
from ui.views_density import DensityTreeView, DensityView
from ui.views_dictionary import SparseCodingView
from ui.views_discriminant import DiscriminantView
from ui.views_distances import DistancesView
from ui.views_divisive import DivisiveView
from ui.views_embedding import EmbeddingView
from ui.views_exhaustive import OptimalPartitionView
from ui.views_experts import ExpertsView
from ui.views_fa import FactorView
from ui.views_ica import SeparationView
from ui.views_mds import ScalingView
from ui.views_mixture import MixtureView
from ui.views_mst import SpanningTreeView
from ui.views_nmf import FactorisationView
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
    Scaling: ScalingView,
    DensityScan: DensityView,
    DensityTree: DensityTreeView,
    Experts: ExpertsView,
    Factorisation: FactorisationView,
    SparseCoding: SparseCodingView,
    AdaptivePCA: AdaptivePCAView,
    FactorModel: FactorView,
    Discriminant: DiscriminantView,
    Separation: SeparationView,
    Comparison: ComparisonView,
}
