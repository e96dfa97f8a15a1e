"""Topic models of text corpora: latent Dirichlet allocation and NMF topics beside it."""
