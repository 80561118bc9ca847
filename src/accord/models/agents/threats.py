"""Threats in the agents engine: announced, believed, carried out, withdrawn or let lapse.

A ``threat`` names a consequence on one issue if there is no deal by ``by_date``. Each target's
reservation falls by the threat's current credibility x the utility it would lose if the issue went
to the consequence instead of what it now counts on (Schelling 1960: a threat works through the
belief that it will be carried out). At ``by_date`` the threat is carried out with probability =
its stated credibility (a random event); where it is not, it lapses.

Credibility is a belief about the threatener, learnt from what it does (Sartori 2005: a state that
bluffs loses the credibility of its later threats; Kreps & Wilson 1982 on reputation). Everyone
watches the same record, so the belief is one per threatener and draw: a Beta belief about the
chance that its threats are carried out, with mean the stated ``credibility`` c and the weight of
``credibility_weight`` w observed threats (a Beta(w c, w (1 - c)) prior). After the threatener has
carried out H of its threats and withdrawn or let lapse M, each of its live threats is believed with
the posterior mean ``(w c + H) / (w + H + M)`` (the conjugate Beta-Bernoulli update, e.g. Gelman et
al., Bayesian Data Analysis, ch. 2), and a later threat starts from that record too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import ScenarioError
from ...scenario.events import ThreatEvent, ThreatOutcomeEvent
from .handling import At, Compiled, Handler, handles
from .state import Setting, State

CARRIED_OUT, BACKED_DOWN = 0, 1  # the columns of State.resolve: what each threatener did with its threats


def credibility(st: State) -> np.ndarray:
    """(S, K): each threat's credibility now, the posterior mean of the belief about its threatener."""
    by = np.maximum(st.threat_by, 0)
    record = np.take_along_axis(st.resolve, by[:, :, None], axis=1)  # (S, K, 2)
    hits, misses = record[..., CARRIED_OUT], record[..., BACKED_DOWN]
    w = st.threat_weight
    return (w * st.threat_prior + hits) / (w + hits + misses)


def refresh(st: State) -> None:
    """Recompute every live threat's loss of reservation from its stake and the current beliefs."""
    believed = np.where(st.threat_live, credibility(st), 0.0)
    st.threat_loss = st.threat_stake * believed[:, :, None]


@handles("threat")
class Threat(Handler[ThreatEvent]):
    """A threat: believed at once (each target's reservation falls), carried out at ``by_date``."""

    def compile(self, ev: ThreatEvent, at: At) -> list[Compiled]:
        """The announcement, and at ``by_date`` its execution (probability = credibility) then its lapse."""
        sc, book = at.book.scenario, at.book
        if ev.issue is None or ev.consequence is None:
            raise ScenarioError(
                "a threat needs the `issue` it acts on and its `consequence` there",
                location=at.where,
                allowed="issue: " + ", ".join(sc.issue_ids),
            )
        if ev.target == ev.actor:
            others = [a for a in sc.actor_ids if a != ev.actor]
            raise ScenarioError(
                "an actor cannot threaten itself",
                location=f"{at.where}.target",
                value=ev.target,
                allowed=", ".join(others),
            )
        index = len(book.threats)
        targets = (
            [book.actor[ev.target]] if ev.target else [book.actor[a] for a in sc.actor_ids if a != ev.actor]
        )
        args: dict[str, Any] = {
            "threat": index,
            "targets": targets,
            "issue": book.issue[ev.issue],
            "to": ev.consequence,
            "credibility": ev.credibility,
            "weight": ev.credibility_weight,
            "actor": book.actor[ev.actor],
        }
        who = (ev.actor,) + ((ev.target,) if ev.target else ())
        found = [at.fire("threat", who, args)]
        if ev.by_date is not None:
            found.extend(self._deadline(ev, at, who, args))
        book.threats[ev.id or f"#{at.index}"] = index
        book.acts_on.append((args["issue"], ev.consequence, args["actor"]))
        return found

    @staticmethod
    def _deadline(ev: ThreatEvent, at: At, who: tuple[str, ...], args: dict[str, Any]) -> list[Compiled]:
        """At ``by_date``: carried out with probability = credibility; where it was not, it lapses (a
        certain record after the random one, acting only where the threat is still live)."""
        sc, rounds = at.book.scenario, at.book.rounds
        assert ev.by_date is not None
        if sc.start is None:
            raise ScenarioError(
                "a threat's by_date needs the scenario's `start` date", location=f"{at.where}.by_date"
            )
        due = max(at.round, sc.round_of(ev.by_date))
        if due > rounds:
            raise ScenarioError(
                "the threat's by_date falls after the deadline, when the talks are over",
                location=f"{at.where}.by_date",
                value=str(ev.by_date),
                allowed=f"{sc.date_of(rounds)} (the deadline, round {rounds}) or earlier",
            )
        when = min(due, rounds - 1)
        at.book.due[args["threat"]] = when
        outcome = {"threat": args["threat"], "acts_on": (args["issue"], args["to"], args["actor"])}
        return [
            Compiled(
                "threat_executed",
                when,
                ev.credibility,
                False,
                who,
                f"no deal by {ev.by_date}: the threat is carried out",
                outcome,
            ),
            Compiled(
                "threat_withdrawn",
                when,
                1.0,
                False,
                who,
                f"no deal by {ev.by_date} and the threat was not carried out: it lapses",
                outcome,
            ),
        ]

    def apply(
        self, st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
    ) -> np.ndarray:
        """Each target believes it as far as the threatener's record allows: its reservation falls by
        credibility x what it would lose."""
        a, k = ev.args, ev.args["threat"]
        moved = st.no_deal.copy()
        moved[:, a["issue"]] = a["to"]
        stake = np.maximum(st.reservation(setting) - st.no_deal_utility(setting, moved), 0.0)
        chosen = np.zeros(len(setting.actors), bool)
        chosen[a["targets"]] = True
        st.threat_stake[:, k] = np.where(mask[:, None] & chosen, stake, st.threat_stake[:, k])
        st.threat_prior[:, k] = np.where(mask, a["credibility"], st.threat_prior[:, k])
        st.threat_weight[:, k] = np.where(mask, a["weight"], st.threat_weight[:, k])
        st.threat_by[:, k] = np.where(mask, a["actor"], st.threat_by[:, k])
        st.threat_live[:, k] |= mask
        refresh(st)
        return mask


@handles("threat_executed", "threat_withdrawn")
class ThreatOutcome(Handler[ThreatOutcomeEvent]):
    """A live threat is carried out (its issue is settled at the consequence), withdrawn or let lapse;
    either way the record of its threatener, and so the credibility of its other threats, changes."""

    def compile(self, ev: ThreatOutcomeEvent, at: At) -> list[Compiled]:
        """Refused when the threat is announced later in the list (or never)."""
        threats = at.book.threats
        if ev.threat not in threats:
            raise ScenarioError(
                f"{ev.type} refers to a threat announced later in the list",
                location=f"{at.where}.threat",
                value=ev.threat,
                allowed=", ".join(threats) or "none yet",
            )
        k = threats[ev.threat]
        due = at.book.due.get(k)
        if due is not None and at.round >= due:
            sc = at.book.scenario
            raise ScenarioError(
                f"{ev.type} falls on or after the threat's by_date, when it has been carried out or has "
                "lapsed",
                location=at.where,
                value=str(sc.date_of(at.round)) if sc.start else f"round {at.round}",
                allowed=f"before {sc.date_of(due) if sc.start else ''} (round {due})",
            )
        return [at.fire(ev.type, (ev.threat,), {"threat": k, "acts_on": at.book.acts_on[k]})]

    def apply(
        self, st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
    ) -> np.ndarray:
        """Only where the threat is live; a side deal that settles the issue overrides the execution."""
        k = ev.args["threat"]
        issue, to, actor = ev.args["acts_on"]
        mask = mask & st.threat_live[:, k]
        carried = ev.kind == "threat_executed"
        if carried:
            # a side deal the threatener signed that settles the issue overrides the threat for its parties
            override = st.side_deal & st.side_parties[:, actor] & st.side_settled[:, issue]
            hit = mask & ~override
            st.no_deal[:, issue] = np.where(hit, to, st.no_deal[:, issue])
            st.no_deal_final[:, issue] = np.where(hit, to, st.no_deal_final[:, issue])
            st.fixed[:, issue] |= hit
        column = CARRIED_OUT if carried else BACKED_DOWN
        st.resolve[:, actor, column] += mask
        st.threat_live[:, k] &= ~mask
        refresh(st)
        return mask
