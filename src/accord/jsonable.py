"""The one conversion of accord's values to plain JSON (run metadata, run folders, the run store, the faces).

NumPy scalars and arrays become Python numbers and lists, mapping keys strings, and non-finite
floats ``null`` (JSON has no NaN or Infinity; a reader in another language would reject them).
Anything else JSON cannot hold (a date, a path) is written as its text by :func:`dumps`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def jsonable(value: Any) -> Any:
    """Plain JSON types: numpy to Python, tuples to lists, non-finite floats to None."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(value: Any, indent: int | None = 2) -> str:
    """``value`` as JSON text (through :func:`jsonable`; other objects as their ``str``)."""
    return json.dumps(jsonable(value), indent=indent, default=str)
