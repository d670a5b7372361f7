"""A class assembled from mixins; the seam's helpers live in the mixins."""
