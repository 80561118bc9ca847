"""Model ``smp``: KAPSARC's Spatial Model of Politics (model.py registers it; core.py, challenge.py and
dynamics.py are the per-state functions, the challenges and the turn loop)."""

from .model import SMP, unit_inputs

__all__ = ["SMP", "unit_inputs"]
