"""Which view shows which kind of snapshot: `VIEWS[type(snapshot)]`, as napari picks a visual
per layer. The foundation's views live in ui/views.py, larger ones in modules of their own
(ui/views_<name>.py) that import the base `View` from there; this module gathers them all."""

from __future__ import annotations

from engine.clustering.nnk_means import NNKDictionary
from engine.compression.arithmetic import ArithmeticCoding
from engine.compression.huffman import HuffmanCode
from engine.generative.autoencoder import Autoencoding
from engine.generative.autoregressive import MadeModel, PixelCNNModel
from engine.generative.char_rnn import CharModel
from engine.generative.diffusion import Diffusion
from engine.generative.gan import GANModel
from engine.generative.gan2d import AdversarialPlane
from engine.generative.realnvp import FlowModel
from engine.generative.translation import CycleTranslation, PairedTranslation
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
from engine.selfsup.pretext import PretextTasks
from engine.selfsup.simclr import Contrastive
from engine.semisup.common import SemiSupervised
from engine.timeseries.common import LatentTrajectories
from engine.timeseries.dpca import Demixing
from engine.timeseries.seqnmf import Sequences
from engine.topics.lda import TopicModel
from ui.views import PartitionView, SpectrumView, TreeView, View
from ui.views_adaptive_pca import AdaptivePCAView
from ui.views_autoencoder import AutoencoderView
from ui.views_autoregressive import MadeView, PixelCNNView
from ui.views_char_rnn import CharModelView
from ui.views_compare import ComparisonView
from ui.views_compression import ArithmeticView, HuffmanView
from ui.views_density import DensityTreeView, DensityView
from ui.views_dictionary import SparseCodingView
from ui.views_diffusion import DiffusionView
from ui.views_discriminant import DiscriminantView
from ui.views_distances import DistancesView
from ui.views_divisive import DivisiveView
from ui.views_dpca import DemixingView
from ui.views_dynamics import DynamicsView
from ui.views_embedding import EmbeddingView
from ui.views_exhaustive import OptimalPartitionView
from ui.views_experts import ExpertsView
from ui.views_fa import FactorView
from ui.views_gan import GANView
from ui.views_gan2d import AdversarialView
from ui.views_ica import SeparationView
from ui.views_latent import LatentView
from ui.views_mds import ScalingView
from ui.views_mixture import MixtureView
from ui.views_mst import SpanningTreeView
from ui.views_nmf import FactorisationView
from ui.views_nnk import NNKView
from ui.views_realnvp import FlowView
from ui.views_selfsup import PretextView, SimCLRView
from ui.views_semisup import SemiSupervisedView
from ui.views_seqnmf import SequencesView
from ui.views_spectral import SpectralView
from ui.views_topics import TopicView
from ui.views_translation import CycleView, PairedView

VIEWS: dict[type[Snapshot], type[View]] = {
    Partition: PartitionView,
    Tree: TreeView,
    Spectrum: SpectrumView,
    LatentModel: LatentView,
    MadeModel: MadeView,
    PixelCNNModel: PixelCNNView,
    CharModel: CharModelView,
    HuffmanCode: HuffmanView,
    ArithmeticCoding: ArithmeticView,
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
    Diffusion: DiffusionView,
    AdversarialPlane: AdversarialView,
    FlowModel: FlowView,
    GANModel: GANView,
    PairedTranslation: PairedView,
    CycleTranslation: CycleView,
    Autoencoding: AutoencoderView,
    SemiSupervised: SemiSupervisedView,
    Contrastive: SimCLRView,
    PretextTasks: PretextView,
    Demixing: DemixingView,
    Sequences: SequencesView,
    TopicModel: TopicView,
    NNKDictionary: NNKView,
    LatentTrajectories: DynamicsView,
}
