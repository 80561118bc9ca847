"""Model ``exchange``: Stokman's position-exchange model (model.py registers it; core.py is the maths)."""

from .model import ExchangeModel

__all__ = ["ExchangeModel"]
