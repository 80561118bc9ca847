"""Model ``eum``: Bueno de Mesquita's expected-utility model (model.py registers it; core.py is the maths)."""

from .model import ExpectedUtility

__all__ = ["ExpectedUtility"]
