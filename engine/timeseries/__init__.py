"""Methods of time: latent dynamics of trials of many channels (LDS, GPFA)."""
