"""Time and pressure decide (issue 12): costs of delay, breakdown risk, discounting, power that shifts.

Each comparison plays the same jittered draws with and without the mechanism; a difference must
exceed three standard errors of the difference (from the run count), so no pass rests on one seed.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_agents_mechanisms import talks

from accord.models.agents import AgentsModel
from accord.models.agents.setup import prepare
from accord.scenario import Scenario, to_arrays

DRAWS = 1000


def batch(sc: Scenario, seed: int = 7):
    arrays = to_arrays(sc)
    jitter = np.random.default_rng(seed).uniform(-15, 15, (DRAWS,) + arrays.position.shape)
    position = np.clip(arrays.position + jitter, 0, 100)
    many = arrays.with_values(
        capability=np.broadcast_to(arrays.capability, (DRAWS, arrays.n_actors)),
        position=position,
        salience=np.broadcast_to(arrays.salience, position.shape),
    )
    return AgentsModel().run_batch(sc, many, np.random.default_rng(seed)), many


def with_params(sc: Scenario, **per: dict) -> Scenario:
    data = sc.model_dump()
    for a in data["actors"]:
        a["params"].update(per.get(a["id"], {}))
    return Scenario.model_validate(data)


def with_negotiation(sc: Scenario, **kw) -> Scenario:
    data = sc.model_dump()
    data["negotiation"].update(kw)
    return Scenario.model_validate(data)


def everyone(**p) -> dict:
    return {a: dict(p) for a in ("USA", "AFG", "TAL")}


def clearly(low: np.ndarray, high: np.ndarray, k: float = 3.0) -> bool:
    """mean(high) - mean(low) exceeds k standard errors of the difference of two means."""
    se = np.sqrt(low.var() / len(low) + high.var() / len(high))
    return high.mean() - low.mean() > k * max(se, 1e-9)


def rounds_of(out) -> np.ndarray:
    r = out.extra["agreement_round"]
    return r[~np.isnan(r)]


def test_deadline_effect_when_delay_is_cheap():
    # Faratin et al. (1998) time-dependent tactics with no cost of delay concede to the reservation only at the
    # deadline: deals bunch in its last tenth (rounds 36-39 of 40), far above the 10% an even spread would give.
    r = rounds_of(batch(talks())[0])
    late = (r >= 36).astype(float)
    assert len(r) > 200 and late.mean() - 0.10 > 3 * np.sqrt(0.09 / len(r)), late.mean()


def test_costs_of_delay_give_earlier_deals():
    base, _ = batch(talks())
    costly, _ = batch(with_params(talks(), **everyone(delay_cost=0.01)))
    assert clearly(rounds_of(costly), rounds_of(base))  # earlier
    assert clearly(base.extra["agreement"].astype(float), costly.extra["agreement"].astype(float))  # and more


def test_the_party_that_bears_the_cost_gets_the_softer_deal():
    # Two linear parties, A (ideal 0) and B (ideal 100), reservations 0.2, 11 rounds (tau = t / 10). Without
    # costs A offers 80 tau and B 100 - 80 tau; B accepts A's offer once 0.8 tau >= 1 - 0.8 tau (tau >= 0.625):
    # round 7, offers 56 and 44 with equal Nash products (0.24 x 0.36), a near-tie won by the lower index: 56.
    # A cost of 0.03 a round for A alone: A's reservation is 0.2 - 0.03 (11 - t), at round 6 0.05, so A's
    # target is 1 - 0.95 x 0.6 = 0.43 (offer 57) and B's 0.52 (offer 48); each accepts the other's offer.
    # Nash products 0.38 x 0.37 = 0.1406 (A's 57) against 0.47 x 0.28 = 0.1316: the deal is 57, a round
    # earlier and worth 0.43 to A instead of 0.44.
    from test_agents import one_issue

    def deal(cost):
        sc = one_issue(
            {
                "A": (0, {"strategy": "linear", "reservation": 0.2, "delay_cost": cost}),
                "B": (100, {"strategy": "linear", "reservation": 0.2}),
            },
            rounds=11,
        )
        out = AgentsModel().run(sc, 0).info["outcome"]
        return out["round"], out["terms"]["x"]

    (r0, x0), (r1, x1) = deal(0.0), deal(0.03)
    assert (r0, r1) == (7, 6) and x0 == pytest.approx(56.0) and x1 == pytest.approx(57.0)


def test_breakdown_risk_gives_fewer_earlier_softer_deals():
    base, _ = batch(talks())
    risky, _ = batch(with_negotiation(talks(), breakdown_risk=0.05))
    assert clearly(risky.extra["agreement"].astype(float), base.extra["agreement"].astype(float))  # fewer
    assert clearly(rounds_of(risky), rounds_of(base))  # earlier


def test_discounting_gives_earlier_deals_and_the_patient_party_the_better_share():
    # Rubinstein (1982): the more patient party gets the larger share. The same draws played with the
    # Taliban impatient (delta 0.95 per round) and with the USA impatient: TAL's utility of the deal is higher
    # when the USA is the impatient one.
    sc = talks()
    tal_hurry, many = batch(with_params(sc, TAL={"discount": 0.95}))
    usa_hurry, _ = batch(with_params(sc, USA={"discount": 0.95}))
    both = tal_hurry.extra["full_agreement"] & usa_hurry.extra["full_agreement"]
    assert both.sum() > 100
    setting, st, _ = prepare(sc, many, "linear", 52)
    tal = 2
    unit, ideal = st.unit(setting)[both, tal], st.ideal[both, tal]

    def value(forecast):
        return 1 - (np.abs(forecast[both] - ideal) * unit).sum(axis=-1)

    assert clearly(value(tal_hurry.forecast), value(usa_hurry.forecast))
    plain, _ = batch(sc)
    assert clearly(rounds_of(tal_hurry), rounds_of(plain))


def test_an_actor_whose_outside_option_improves_with_time_delays():
    # A scheduled shift (round 30) gives the Taliban a role of 70 without any deal. Foreseen, it raises the
    # Taliban's reservation from the start: fewer deals before round 30, and the failures say "waiting".
    shift = {"type": "reservation_shift", "issue": "role", "to": 70, "round": 30}
    base, _ = batch(talks())
    waits, _ = batch(talks([shift]))
    before = lambda out: (out.extra["agreement_round"] < 30).astype(float)  # noqa: E731
    assert clearly(before(waits), before(base))
    failed = ~waits.extra["full_agreement"]
    assert (waits.extra["failure"][failed] == 4).mean() > 0.5  # CAUSES[4] == "waiting"
    out = AgentsModel().run(talks([shift]), 0).info["outcome"]
    if not out["full_agreement"]:
        assert out["cause"] == "waiting" and "TAL" in out["reason"]


def test_the_last_round_no_longer_alone_decides():
    # The issue's measurement: with 400 draws the same draws agreed whatever the deadline or Kabul's strategy.
    # With a risk that talks break down (and the aspirations it discounts), the deadline and the strategies
    # change which draws agree, not only when.
    def agreed(rounds=40, afg=None):
        sc = with_negotiation(talks(), breakdown_risk=0.03)
        data = sc.model_dump()
        data["deadline"] = {"rounds": rounds}
        if afg:
            data["actors"][1]["params"] = afg
        return batch(Scenario.model_validate(data))[0].extra["agreement"]

    long_ = agreed()
    assert (agreed(5) != long_).mean() > 0.05
    assert (agreed(afg={"strategy": "conceder", "exponent": 3.0, "reservation": 0.8}) != long_).mean() > 0.02


def rubinstein(da: float, db: float, **extra):
    from test_agents import one_issue

    sc = one_issue(
        {
            "A": (0, {"strategy": "rubinstein", "reservation": 0.0, "discount": da}),
            "B": (100, {"strategy": "rubinstein", "reservation": 0.0, "discount": db}),
        },
        rounds=20,
        negotiation={"protocol": "alternating"},
        **extra,
    )
    return AgentsModel().run(sc, 0).info["outcome"]


@pytest.mark.parametrize("da, db", [(0.9, 0.8), (0.8, 0.9), (0.95, 0.95), (0.99, 0.5), (1.0, 1.0)])
def test_alternating_offers_give_rubinsteins_split(da, db):
    # One issue as a pie: A's utility of x is 1 - x/100, B's x/100, no deal worth 0. A proposes first.
    # Rubinstein (1982): immediate agreement, A's share (1 - d_B) / (1 - d_A d_B); 1/2 for two patient parties.
    out = rubinstein(da, db)
    share = 0.5 if da * db == 1 else (1 - db) / (1 - da * db)
    assert out["round"] == 0 and out["parties"] == ["A", "B"]
    assert 1 - out["terms"]["x"] / 100 == pytest.approx(share, abs=1e-9)


def test_the_more_patient_party_gets_the_better_share_and_moving_first_helps():
    assert 1 - rubinstein(0.9, 0.8)["terms"]["x"] / 100 > 0.5 > 1 - rubinstein(0.8, 0.9)["terms"]["x"] / 100
    assert 1 - rubinstein(0.95, 0.95)["terms"]["x"] / 100 == pytest.approx(1 / 1.95)  # first-mover advantage


def test_rubinstein_needs_the_alternating_protocol():
    from test_agents import one_issue

    from accord.errors import ScenarioError

    sc = one_issue({"A": (0, {"strategy": "rubinstein"}), "B": (100, {})}, rounds=5)
    with pytest.raises(ScenarioError, match="alternating"):
        AgentsModel().run(sc, 0)


def test_private_reservations_miss_deals_that_exist_less_often_with_more_rounds():
    # Two linear parties over a pie, public reservations 0.35, each private one up to 0.25 away (uniform).
    # A zone of agreement exists when the two true reservations sum to at most 1. Proposers screen: they
    # demand what maximises their expected gain under their beliefs and learn from rejections, so with
    # few rounds they often ask too much; with more rounds the beliefs narrow and fewer deals are missed.
    from test_agents import one_issue

    draws, width = 2000, 0.25
    missed = []
    for rounds in (3, 10, 40):
        sc = one_issue(
            {
                "A": (0, {"strategy": "linear", "reservation": 0.35}),
                "B": (100, {"strategy": "linear", "reservation": 0.35}),
            },
            rounds=rounds,
            negotiation={"private_width": width},
        )
        arrays = to_arrays(sc)
        many = arrays.with_values(
            capability=np.broadcast_to(arrays.capability, (draws, 2)),
            position=np.broadcast_to(arrays.position, (draws,) + arrays.position.shape).copy(),
            salience=np.broadcast_to(arrays.salience, (draws,) + arrays.salience.shape),
        )
        agreed = AgentsModel().run_batch(sc, many, np.random.default_rng(1)).extra["agreement"]
        private = 0.35 + np.random.default_rng(1).uniform(-width, width, (draws, 2))  # the same draws
        zone = private.sum(axis=1) <= 1
        assert not (agreed & ~zone).any()  # no deal without a zone of agreement
        missed.append((~agreed & zone).astype(float)[zone])
    assert clearly(missed[1], missed[0]) and clearly(missed[2], missed[1])
    assert missed[0].mean() > 0.2 and missed[2].mean() < 0.1
