"""Model ``ensemble``: the fitted distributional ensemble (model.py registers it; core.py reads the weights
file and builds one component; weights.json is the shipped fit)."""

from .model import Ensemble

__all__ = ["Ensemble"]
