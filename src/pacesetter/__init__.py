"""Pacesetter (标杆): performance work for organization departments."""

__version__ = "0.1.0"
