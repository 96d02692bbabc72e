"""Widgets of the practice room. They render what they are given and compute no metrics."""
