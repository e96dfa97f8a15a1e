"""Make the screenshots in docs/screenshots/: the window in presentation mode at 1280×720,
dark and light, after a run of one method per kind of canvas, so they stay current.

    python docs/make_screenshots.py                 all of them (about a minute: the VAE trains)
    python docs/make_screenshots.py kmeans pca      only these methods
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SIZE = "1280x720"
THEMES = ("dark", "light")
# method id -> (data set, the canvases its view shows)
SHOTS = {
    "kmeans": ("blobs", "clusters, Voronoi cells, objective per step"),
    "agglomerative": ("moons", "clusters and the dendrogram"),
    "pca": ("digits", "scree plot, scores, reconstructions"),
    "vae": ("digits", "latent pad, decoded image, interpolation strip, losses"),
}


def shoot(algorithm: str, dataset: str, theme: str) -> Path:
    """One screenshot through `main.py --screenshot`, as a user would make it."""
    path = OUT / f"presentation-{algorithm}-{theme}.png"
    command = [sys.executable, str(ROOT / "main.py"), "--presentation", "--theme", theme,
               "--screenshot", str(path), "--size", SIZE, "--dataset", dataset,
               "--algorithm", algorithm, "--run"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return path


def main(argv: list[str]) -> int:
    chosen = argv or list(SHOTS)
    unknown = [a for a in chosen if a not in SHOTS]
    if unknown:
        print(f"no screenshot for {', '.join(unknown)}; there are {', '.join(SHOTS)}",
              file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for algorithm in chosen:
        dataset, shows = SHOTS[algorithm]
        for theme in THEMES:
            print(f"{algorithm} on {dataset} ({shows}), {theme}", flush=True)
            shoot(algorithm, dataset, theme)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
