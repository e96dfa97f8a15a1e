"""The science of Unsupervised Explorer: data sets, algorithms and their snapshots.

Pure Python + numpy/scipy; scikit-learn and torch are imported inside the algorithms
that need them, on first use. Nothing here imports Qt.
"""

__version__ = "0.1.0"
