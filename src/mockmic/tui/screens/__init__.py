"""Screens of the practice room."""
