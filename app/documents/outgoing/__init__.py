"""Văn bản đi: drafting, rendering per Decree 30, the two signatures, number, release to recipients."""
