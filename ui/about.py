"""The About box: the program's version and the libraries it is built on, with their licences."""

from __future__ import annotations

from importlib import metadata

from engine import __version__

APP_NAME = "Unsupervised Explorer"

# (distribution, what it does here, licence). Versions come from the installed metadata, so
# they are read without importing torch or scikit-learn.
LIBRARIES = (
    ("PySide6-Essentials", "the window (Qt 6)", "LGPL-3.0"),
    ("pyqtgraph", "the canvases", "MIT"),
    ("numpy", "arrays", "BSD-3-Clause"),
    ("scipy", "linkage, distances", "BSD-3-Clause"),
    ("scikit-learn", "k-means kernels, PCA, data sets", "BSD-3-Clause"),
    ("fastcluster", "hierarchical clustering", "BSD-2-Clause"),
    ("torch", "generative models", "BSD-3-Clause"),
    ("openTSNE", "t-SNE", "BSD-3-Clause"),
    ("umap-learn", "UMAP", "BSD-3-Clause"),
    ("pynndescent", "UMAP's nearest neighbours", "BSD-2-Clause"),
    ("pacmap", "PaCMAP", "Apache-2.0"),
    ("faiss-cpu", "PaCMAP's nearest neighbours", "MIT"),
    ("numba", "compiles UMAP and PaCMAP", "BSD-2-Clause"),
    ("llvmlite", "numba's compiler", "BSD-2-Clause, Apache-2.0 with LLVM exception"),
    ("threadpoolctl", "thread limits", "BSD-3-Clause"),
)


def library_versions() -> list[tuple[str, str, str, str]]:
    """(name, version, role, licence) for each library; "?" where no metadata was shipped."""
    rows = []
    for dist, role, licence in LIBRARIES:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "?"
        rows.append((dist, version, role, licence))
    return rows


def about_html() -> str:
    rows = "".join(f"<tr><td>{name}</td><td>{version}</td><td>{role}</td><td>{licence}</td></tr>"
                   for name, version, role, licence in library_versions())
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>See unsupervised learning happen: clustering, dimensionality reduction and "
        "generative models, step by step. Runs offline.</p>"
        "<p>Built on these libraries, each under its own licence:</p>"
        "<table cellspacing='6'><tr><th align='left'>library</th><th align='left'>version</th>"
        f"<th align='left'>used for</th><th align='left'>licence</th></tr>{rows}</table>"
    )
