"""Lossless compression of a text: Huffman coding and arithmetic coding."""
