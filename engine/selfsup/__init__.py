"""Learning a representation from the data itself: contrastive learning (SimCLR) and pretext
tasks (in-painting, rotation prediction), each judged by a probe trained on a few labels."""
