"""PyInstaller runtime hook, run before main.py inside the bundle.

The bundle keeps torch's compiled modules without their sources (only TorchScript reads them,
and the program does not use it), so torch warns at import, once per overloaded function,
that it cannot read them. Those warnings say nothing to a user: silence them.
"""

import warnings

warnings.filterwarnings("ignore", message="Unable to retrieve source for @torch.jit._overload")
