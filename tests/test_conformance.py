"""Every registered model, by its registry name, passes the conformance suite.

The model modules test their variants; this file makes sure nothing enters the registry untested
and that the CLI's `models` listing and `run` agree with it.
"""

from __future__ import annotations

import pytest

from accord.models import list_models, make_model
from accord.models.base import TAGS
from accord.testing import check_model

EXPECTED = {"weighted-mean", "weighted-median", "nash", "status-quo", "eum", "smp", "exchange", "agents", "ensemble"}


def test_the_registry_holds_every_model_of_the_project():
    assert EXPECTED <= set(list_models())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_registered_model_passes_check_model(name):
    model = make_model(name)
    assert model.tags <= set(TAGS), f"{name}: unknown tags {model.tags - set(TAGS)}"
    assert type(model).summary, f"{name}: a one-line summary for `accord models`"
    check_model(model)
