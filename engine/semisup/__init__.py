"""Semi-supervised learning: a handful of labelled points and many unlabelled ones.

Each method (pseudo-labelling, entropy minimisation, label propagation, mean teacher) runs
beside the same model trained on the labelled points alone, and both are scored on the
unlabelled rest, whose true labels the methods never see (engine/semisup/common.py).
"""
