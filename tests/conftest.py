"""Test settings shared by the whole suite: offscreen Qt, no leftover threads or timers."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTORCH_NO_CUDA_MEMORY_CACHING", "1")
