"""Model ``nash``: the asymmetric Nash bargaining solution (model.py registers it; core.py solves it)."""

from .model import NashBargaining

__all__ = ["NashBargaining"]
