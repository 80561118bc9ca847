"""The player's commands, read line by line: one round's decision from what a person types.

The dialogue knows nothing of terminals: it asks with ``ask(prompt) -> line`` and tells with
``say(text)``, so the same code serves a Rich terminal, a plain pipe (scripted play) and tests. A
bad line (unknown command, unknown actor or issue, a value out of range) gets one message and a new
prompt; it never ends the game. ``EOFError`` and ``KeyboardInterrupt`` from ``ask`` pass through to
the caller, which saves the game.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import Decision, Game, GameError, Turn, check
from .terms import allowed, parse_term, show_term, threat_from_text

HELP = """commands (a round ends with accept, reject, propose or auto):
  accept ACTOR [ACTOR ...]   accept the offer(s) of ACTOR this round (you propose the first one's terms)
  reject                     reject every offer; repeat your last proposal (the model's suggestion at first)
  propose [BASE] [ISSUE=VALUE ...]
                             propose terms; BASE gives the defaults: model (its suggestion), own (your
                             position), last (your last proposal) or an ACTOR (its offer). Without
                             ISSUE=VALUE you are asked issue by issue (Enter keeps the default)
  auto                       play this round as the model's strategy would
  walkout | return           leave the table / come back, from the next round
  threat ISSUE=VALUE [target=ACTOR] [credibility=C]
                             announce: without a deal, ISSUE goes to VALUE (from the next round)
  execute ID | withdraw ID   carry out or withdraw a threat you announced
  show | help | save | quit  the round again, this text, save the game, save and stop"""


class Stop(Exception):  # noqa: N818 -- a request, not an error
    """The player asked to stop (``quit``): the caller saves the game and exits."""


class Dialogue:
    """Reads one round's decision for ``game`` at ``turn``."""

    def __init__(
        self,
        game: Game,
        ask: Callable[[str], str],
        say: Callable[[str], None],
        save: Callable[[str | None], str] | None = None,
        show: Callable[[], None] | None = None,
    ) -> None:
        self.game, self.ask, self.say = game, ask, say
        self.save, self.show = save, show

    def decide(self, turn: Turn) -> Decision:
        """Ask until a command ends the round; the events announced on the way go with the decision."""
        events: list[dict[str, Any]] = []
        while True:
            line = self.ask(f"round {turn.view.round}> ").strip()
            if not line:
                continue
            word, _, rest = line.partition(" ")
            try:
                decision = self._command(word.lower(), rest.split(), turn, events)
            except GameError as exc:
                self.say(f"! {exc}")
                continue
            if decision is not None:
                decision = Decision(
                    decision.round, decision.propose, decision.accept, tuple(events), decision.auto
                )
                try:
                    check(self.game, turn, decision)
                except GameError as exc:
                    self.say(f"! {exc}")
                    continue
                return decision

    def _command(
        self, word: str, args: list[str], turn: Turn, events: list[dict[str, Any]]
    ) -> Decision | None:
        view, t = turn.view, turn.view.round
        if word in ("help", "?", "h"):
            self.say(HELP)
        elif word == "show":
            if self.show is not None:
                self.show()
        elif word == "save":
            if self.save is not None:
                self.say(f"saved to {self.save(args[0] if args else None)}")
        elif word in ("quit", "exit", "q"):
            raise Stop
        elif word == "auto":
            return Decision(t, auto=True)
        elif word == "reject":
            return Decision(t, self.game.last_proposal())
        elif word == "accept":
            if not args:
                raise GameError("accept: whose offer? allowed: " + (", ".join(view.received) or "none"))
            names = [self._actor(a, view.received, "accept") for a in args]
            return Decision(t, tuple(map(float, view.received[names[0]])), tuple(dict.fromkeys(names)))
        elif word == "propose":
            return Decision(t, self._propose(args, turn))
        elif word in ("walkout", "walk-out", "leave"):
            events.append(self._event(turn, events, {"type": "actor_leaves"}))
            self.say(f"you walk out from round {t + 1}; end the round with accept, reject or propose")
        elif word == "return":
            events.append(self._event(turn, events, {"type": "actor_returns"}))
            self.say(f"you return from round {t + 1}; end the round with accept, reject or propose")
        elif word == "threat":
            events.append(self._event(turn, events, self._threat(args, view.received)))
            self.say("threat announced from the next round; end the round with accept, reject or propose")
        elif word in ("execute", "withdraw"):
            if len(args) != 1:
                raise GameError(
                    f"{word}: which threat? allowed: " + (", ".join(self.game.live_threats()) or "none")
                )
            kind = "threat_executed" if word == "execute" else "threat_withdrawn"
            events.append(self._event(turn, events, {"type": kind, "threat": args[0]}))
            self.say(f"threat {args[0]}: {word}d from the next round")
        else:
            raise GameError(
                f"unknown command {word!r}; allowed: accept, reject, propose, auto, walkout, return, threat, "
                "execute, withdraw, show, help, save, quit"
            )
        return None

    def _event(self, turn: Turn, queued: list[dict[str, Any]], event: dict[str, Any]) -> dict[str, Any]:
        """Check an event against the round now (a walk-out when away is refused at once, not at the end)."""
        check(self.game, turn, Decision(turn.view.round, None, (), (*queued, event)))
        return event

    def _actor(self, name: str, among: Any, what: str) -> str:
        found = {a.lower(): a for a in among}
        if name.lower() not in found:
            raise GameError(f"{what}: {name!r}; allowed: " + (", ".join(among) or "none this round"))
        return found[name.lower()]

    def _issue(self, name: str) -> Any:
        issues = {i.id.lower(): i for i in self.game.scenario.issues}
        if name.lower() not in issues:
            raise GameError(
                f"unknown issue {name!r}; allowed: {', '.join(i.id for i in self.game.scenario.issues)}"
            )
        return issues[name.lower()]

    def _threat(self, args: list[str], received: Any) -> dict[str, Any]:
        pairs = _pairs(args, "threat ISSUE=VALUE [target=ACTOR] [credibility=C]")
        target = pairs.pop("target", None)
        cred = pairs.pop("credibility", "0.5")
        if len(pairs) != 1:
            raise GameError("threat: name one ISSUE=VALUE, e.g. threat troops=0; allowed: " + self._ids())
        ((name, text),) = pairs.items()
        return threat_from_text(self.game.scenario, self.game.actor, name, text, target, cred)

    def _ids(self) -> str:
        return ", ".join(i.id for i in self.game.scenario.issues)

    def _propose(self, args: list[str], turn: Turn) -> tuple[float, ...]:
        base, view = "model", turn.view
        if args and "=" not in args[0]:
            base, args = args[0].lower(), args[1:]
        pairs = _pairs(args, "propose [BASE] [ISSUE=VALUE ...]")
        if base == "model":
            terms = np.asarray(view.proposal, dtype=float)
        elif base == "own":
            terms = self.game.ideal
        elif base == "last":
            last = self.game.last_proposal()
            terms = np.asarray(view.proposal if last is None else last, dtype=float)
        else:
            terms = np.asarray(
                view.received[self._actor(base, view.received, "propose BASE (or model, own, last)")]
            )
        terms = terms.copy()
        issues = self.game.scenario.issues
        given = {self._issue(k).id: v for k, v in pairs.items()}
        for q, issue in enumerate(issues):
            if issue.id in given:
                terms[q] = parse_term(issue, given[issue.id])
            elif not pairs:
                terms[q] = self._ask_term(issue, float(terms[q]))
        self.say(f"your proposal is worth {self.game.utility(terms):.3f} to you")
        return tuple(map(float, terms))

    def _ask_term(self, issue: Any, default: float) -> float:
        while True:
            line = self.ask(f"  {issue.label()} [{show_term(issue, default)}]: ").strip()
            if not line:
                return default
            if line in ("?", "help"):
                self.say(f"  {issue.id}: {allowed(issue)}")
                continue
            try:
                return parse_term(issue, line)
            except GameError as exc:
                self.say(f"! {exc}")


def _pairs(args: list[str], usage: str) -> dict[str, str]:
    out = {}
    for a in args:
        key, sep, value = a.partition("=")
        if not sep or not key:
            raise GameError(f"{a!r} is not ISSUE=VALUE; allowed: {usage}")
        out[key.lower()] = value
    return out
