"""Duplicate matching (Qt-free, store-free): perceptual signatures of pictures.

``pdq.py`` computes Meta's PDQ hashes of a decoded picture, in the media worker
processes (``core/media``), with a few variants (border-trimmed, centrally cropped) so
that re-shares of the same picture match. The store keeps them and builds the clusters.
"""

from __future__ import annotations

from moderator_gui.core.dupes.pdq import MIN_QUALITY, PDQ_THRESHOLD, Signature, hamming, pdq_hex, pdq_signatures

__all__ = ["MIN_QUALITY", "PDQ_THRESHOLD", "Signature", "hamming", "pdq_hex", "pdq_signatures"]
