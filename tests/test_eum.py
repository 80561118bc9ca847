"""The expected-utility model against the published EC emissions trace and its checkpoints.

Every expected figure below is typed from ../shared/docs/models.md (§4 and §2.1), which records
the output of jmckib/bdm-scholz-expected-utility-model ("Perfect replication of bdm-scholz results
up to 10 rounds"); none comes from this code's own output.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import KTAB

import accord.scenario as sc
from accord.errors import ParameterError, UnsupportedScenario
from accord.models import make_model
from accord.models.eum.core import COMPROMISE, CONFRONTATION, EUMParams, eum_round, simulate
from accord.testing import parametrize_with_checks

# models.md §4, input table (jmckib's labelling): NL BE LU DE FR IT UK IE DK GR.
NAMES = ["NL", "BE", "LU", "DE", "FR", "IT", "UK", "IE", "DK", "GR"]
CAP = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
POS = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7], dtype=float)
SAL = np.array([80, 40, 20, 80, 60, 60, 90, 10, 100, 70]) / 100
BE, LU, FR, IE = 1, 2, 4, 7

# models.md §4, replication output, rounds 0-10.
EC_MEDIAN = [7.0, 8.416, 9.611, 9.962, 9.962, 9.962, 7.472, 8.825, 9.671, 9.671, 7.0]
EC_MEAN = [7.390, 7.461, 7.553, 7.590, 7.358, 7.349, 7.415, 7.510, 7.572, 7.325, 7.242]


def run(**params: object) -> np.ndarray:
    return simulate(POS, CAP, SAL, EUMParams(**params)).median[:, 0]  # type: ignore[arg-type]


def test_ec_trace_medians_and_means() -> None:
    trace = simulate(POS, CAP, SAL, EUMParams())
    np.testing.assert_allclose(trace.median[:, 0], EC_MEDIAN, atol=5e-4)
    np.testing.assert_allclose(trace.mean[:, 0], EC_MEAN, atol=5e-4)


def test_round_one_checkpoints() -> None:
    # models.md §2.1, "EC checkpoints, round 1" table and step 3 (D, P with the new r).
    danger = [-5.249, 1.428, 5.438, -5.249, -2.094, -2.094, -8.641, 5.607, -8.812, -2.750]
    r = [1.406, 0.754, 0.509, 1.406, 1.047, 1.047, 1.965, 0.500, 2.000, 1.112]
    det = eum_round(POS[None], CAP[None], SAL[None], np.array([6.0]), EUMParams())
    np.testing.assert_allclose(det.danger[0], danger, atol=5e-4)
    np.testing.assert_allclose(det.r[0], r, atol=5e-4)
    assert det.d_risk[0] == pytest.approx(28.233, abs=5e-4)
    assert det.p[0, FR, BE] == pytest.approx(0.0046, abs=5e-5)
    assert det.p[0, BE, FR] == pytest.approx(0.0073, abs=5e-5)
    # Belgium compromises with France: E_ij = -0.1148, E_ji = 0.2433 (models.md §2.1 offers table).
    assert det.e_fwd[0, BE, FR] == pytest.approx(-0.1148, abs=5e-5)
    assert det.e_back[0, BE, FR] == pytest.approx(0.2433, abs=5e-5)


def test_accepted_offers() -> None:
    # models.md §2.1 "Accepted offers": Belgium's partner and new x, Luxembourg's and Ireland's new x.
    be = [
        ("FR", 8.416),
        ("FR", 9.611),
        ("FR", 9.962),
        ("NL", 4.801),
        ("FR", 5.524),
        ("FR", 7.472),
        ("FR", 8.825),
        ("FR", 9.671),
        ("NL", 4.145),
        ("FR", 4.292),
    ]
    lu = [7.0, 8.416, 9.611, 9.962, 4.801, 5.524, 7.472, 8.825, 9.671, 4.145]
    ie = [4.0, 7.0, 8.416, 9.611, 9.962, 5.524, 7.472, 8.825, 9.671, 4.145]
    trace = simulate(POS, CAP, SAL, EUMParams())
    moved = trace.kind[:, 0] >= 0
    assert set(np.nonzero(moved.any(axis=0))[0]) == {BE, LU, IE}  # nobody else ever moves
    assert (trace.kind[:, 0, BE] == COMPROMISE).all()
    assert (trace.kind[:, 0, LU] == CONFRONTATION).all() and (trace.partner[:, 0, LU] == BE).all()
    assert list(trace.partner[:, 0, IE]) == [LU] * 5 + [BE] * 5
    assert [NAMES[j] for j in trace.partner[:, 0, BE]] == [p for p, _ in be]
    np.testing.assert_allclose(trace.positions[1:, 0, BE], [x for _, x in be], atol=5e-4)
    np.testing.assert_allclose(trace.positions[1:, 0, LU], lu, atol=5e-4)
    np.testing.assert_allclose(trace.positions[1:, 0, IE], ie, atol=5e-4)


# models.md §2.1, "Sensitivity: each change on its own, EC medians for rounds 0-10".
NEAREST = [7.0, 8.416, 9.611, 9.962, 10.0, 10.0, 10.0, 10.0, 8.179, 9.300, 9.876]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"offer": "nearest_compromise"}, NEAREST),
        ({"votes": "one"}, [7.0, 8.427, 9.620, 9.964, 9.964, 9.964, 7.524, 8.872, 9.699, 9.699, 7.0]),
        ({"denominator": "distinct"}, [7.0, 7.469, 8.597, 9.436, 9.436, 10.0, 10.0, 10.0, 10.0, 7.0, 7.638]),
        ({"exponent": "challenger"}, [7.0, 8.779, 9.800, 9.973, 9.997] + [10.0] * 6),
        ({"capitulation": "intended"}, EC_MEDIAN),  # "Correcting the capitulation test: no change."
    ],
)
def test_sensitivity_variants(params: dict[str, str], expected: list[float]) -> None:
    np.testing.assert_allclose(run(**params), expected, atol=5e-4)


def test_mirrored_scale_equals_nearest_compromise() -> None:
    # models.md §2.1 step 6: mirroring x -> -x gives the nearest-compromise run.
    mirrored = -simulate(-POS, CAP, SAL, EUMParams()).median[:, 0]
    np.testing.assert_allclose(mirrored, NEAREST, atol=5e-4)


def test_pair_denominator() -> None:
    # models.md §2.1: 8 of 10 actors move in round 1 and the median stays at 7.0 for rounds 1-3.
    trace = simulate(POS, CAP, SAL, EUMParams(denominator="pair"))
    assert (trace.positions[1, 0] != POS).sum() == 8
    np.testing.assert_allclose(trace.median[:4, 0], 7.0)
    det = eum_round(POS[None], CAP[None], SAL[None], np.array([6.0]), EUMParams(denominator="pair"))
    np.testing.assert_allclose(
        det.p[0] + det.p[0].T, np.where(POS[:, None] != POS[None, :], 1.0, 0.0), atol=1e-12
    )


def test_scale_invariances_and_salience_scale() -> None:
    # models.md §2.1 "Inputs": capability x 100 changes nothing; salience left at 0-100 never leaves 7.0.
    np.testing.assert_allclose(simulate(POS, CAP * 100, SAL).median[:, 0], EC_MEDIAN, atol=5e-4)
    np.testing.assert_allclose(simulate(POS, CAP, SAL * 100).median[:, 0], 7.0)


def test_batch_matches_single_draws() -> None:
    rng = np.random.default_rng(3)
    x = POS + rng.normal(0, 0.3, (5, 10))
    c = CAP * np.exp(rng.normal(0, 0.1, (5, 10)))
    batch = simulate(x, c, SAL).positions
    for b in range(5):
        np.testing.assert_array_equal(batch[:, b], simulate(x[b], c[b], SAL).positions[:, 0])


def test_stable_stop_when_nobody_moves() -> None:
    # Two camps of equal weight and salience: by symmetry each expects the same from a challenge,
    # so no strict inequality holds, nobody moves, and round 1 repeats round 0.
    trace = simulate(
        np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.array([0.5, 0.5]), EUMParams(stop="stable", rounds=20)
    )
    assert trace.last_round[0] == 1
    np.testing.assert_array_equal(trace.positions[-1, 0], [0.0, 1.0])


@pytest.mark.parametrize(
    "bad", [{"offer": "x"}, {"q": 2}, {"rounds": 0}, {"denominator": "y"}, {"stop": "never"}]
)
def test_bad_parameters(bad: dict[str, object]) -> None:
    with pytest.raises(ParameterError, match="allowed"):
        make_model("eum", **bad)


def test_model_on_ec_example() -> None:
    result = make_model("eum").run(sc.load("ec-emissions"), 1)
    assert result.forecast_of("emissions") == pytest.approx(7.0)
    assert float(result.forecast["mean"].iloc[0]) == pytest.approx(7.242, abs=5e-4)
    np.testing.assert_allclose(result.tables["rounds"]["median"], EC_MEDIAN, atol=5e-4)
    np.testing.assert_allclose(result.tables["rounds"]["mean"], EC_MEAN, atol=5e-4)
    offers = result.tables["offers"]
    assert len(offers) == 30 and set(offers["actor"]) == {"BE", "LU", "IE"}
    first = offers[(offers["round"] == 1) & (offers["actor"] == "BE")].iloc[0]
    assert (first["partner"], first["kind"]) == ("FR", "compromise")
    h = result.history
    assert h["round"].max() == 10 and len(h) == 11 * 10
    assert h[(h["round"] == 4) & (h["actor"] == "BE")]["position"].iloc[0] == pytest.approx(4.801, abs=5e-4)


def test_forecast_batch_shape_and_values() -> None:
    arrays = sc.to_arrays(sc.load("ec-emissions"))
    stacked = arrays.with_values(
        position=np.stack([arrays.position, 14 - arrays.position]),
        salience=np.stack([arrays.salience] * 2),
        capability=np.stack([arrays.capability] * 2),
    )
    out = make_model("eum").forecast_batch(stacked)
    assert out.shape == (2, 1)
    # Draw 0 is the original data: round 10 median 7.0 (models.md §4).
    assert out[0, 0] == pytest.approx(7.0)


def test_actor_without_stance_is_left_out() -> None:
    scen = sc.load("ec-emissions")
    data = scen.model_dump()
    data["issues"].append({"id": "other", "min": 0, "max": 10})
    data["stances"]["NL"]["other"] = {"position": 2, "salience": 50}
    data["stances"]["BE"]["other"] = {"position": 8, "salience": 50}
    result = make_model("eum").run(sc.Scenario.model_validate(data), 0)
    other = result.history[result.history["issue"] == "other"]
    assert set(other["actor"]) == {"NL", "BE"}
    np.testing.assert_allclose(
        result.tables["rounds"].query("issue == 'emissions'")["median"], EC_MEDIAN, atol=5e-4
    )


def test_issue_without_weight_is_unsupported() -> None:
    data = sc.load("ec-emissions").model_dump()
    for stance in data["stances"].values():
        stance["emissions"]["salience"] = 0
    with pytest.raises(UnsupportedScenario, match="salience"):
        make_model("eum").run(sc.Scenario.model_validate(data), 0)


@pytest.mark.parametrize("name", sorted(p.name for p in KTAB.glob("*.csv")) + ["dummyData_3Dim.xml"])
def test_runs_on_ktab_samples(name: str) -> None:
    scen = sc.load(KTAB / name)
    result = make_model("eum").run(scen, 0)
    arrays = sc.to_arrays(scen)
    assert len(result.forecast) == arrays.n_issues
    # Moves go to other actors' positions or between two of them: never outside the initial hull.
    for i, issue in enumerate(arrays.issues):
        pos = result.history.loc[result.history["issue"] == issue, "position"]
        assert (
            np.nanmin(arrays.position[:, i]) - 1e-9
            <= pos.min()
            <= pos.max()
            <= np.nanmax(arrays.position[:, i]) + 1e-9
        )


VARIANT = make_model(
    "eum", offer="nearest", stop="stable", rounds=30
)  # the default is in test_conformance.py


@parametrize_with_checks([VARIANT])
def test_conformance(model, check) -> None:
    check(model)


def test_runs_on_afghanistan() -> None:
    scen = sc.load("afghanistan-2013")
    result = make_model("eum").run(scen, 0)
    assert list(result.forecast["issue"]) == scen.issue_ids
    assert result.history["round"].max() == 10
    assert set(result.tables["rounds"]["issue"]) == set(scen.issue_ids)


def test_threads_and_chunks_do_not_change_results(monkeypatch: pytest.MonkeyPatch) -> None:
    # Chunks of 3 draws on 2 threads against one chunk on one thread: every array bit-identical.
    import accord.models.eum.core as core

    rng = np.random.default_rng(5)
    x = POS + rng.normal(0, 0.2, (10, 10))
    c = CAP * np.exp(rng.normal(0, 0.1, (10, 10)))
    whole = simulate(x, c, SAL)
    monkeypatch.setattr(core, "_CHUNK_CELLS", 300)
    split = simulate(x, c, SAL, workers=2)
    for name in ("positions", "median", "kind", "partner", "e_fwd", "e_back"):
        np.testing.assert_array_equal(getattr(split, name), getattr(whole, name))
    with pytest.raises(ParameterError, match="allowed"):
        make_model("eum", workers=0)


def test_forecast_batch_over_issues_of_different_sizes_equals_issue_by_issue() -> None:
    """Issues are grouped by member count and run as one batch each; every forecast is bit for bit
    that of running its issue alone (DEU cases stacked as issues of one array set)."""
    from conftest import DEU

    from accord.analysis.backtest import stack
    from accord.scenario.deu import read_deu

    cases = read_deu(DEU / "deu3-dev.tsv").cases[:40]
    ((index, arrays),) = stack(cases, range(len(cases)))
    sizes = {len(c.scenario.actors) for c in cases}
    assert len(sizes) > 3  # several groups, some with more than one issue
    model = make_model("eum")
    alone = [float(model.run(cases[k].scenario).forecast["forecast"].iloc[0]) for k in index]
    assert model.forecast_batch(arrays).tolist() == alone
