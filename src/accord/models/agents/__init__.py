"""The multilateral negotiation simulator (model ``agents``): see docs/explanation/agents.md."""

from .model import AgentsModel
from .strategies import STRATEGIES

__all__ = ["AgentsModel", "STRATEGIES"]
