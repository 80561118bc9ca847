"""Defects a review found (issue 11, section 3 and part of 9): each test failed before its fix."""

from __future__ import annotations

import copy

import pytest

from accord.scenario import ScenarioError, load
from accord.scenario.validate import scenario_from_data


def flagship() -> dict:
    return load("afghanistan-2013").model_dump(mode="json", exclude_none=True)


# ---- ids are unique -------------------------------------------------------------------------------


def _threat(data: dict) -> tuple[int, dict]:
    return next((k, e) for k, e in enumerate(data["events"]) if e["type"] == "threat")


def test_two_threats_with_the_same_id_are_refused_naming_both_places():
    data = flagship()
    k, threat = _threat(data)
    data["events"].append(copy.deepcopy(threat))
    last = len(data["events"]) - 1
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data, "flag.yaml")
    message = str(info.value)
    assert message.startswith(f"flag.yaml: events.{last}.id: duplicate id {threat['id']!r}"), message
    assert f"events.{k}" in message and "unique" in message


def test_events_of_different_types_share_no_id():
    data = flagship()
    data["events"][1]["id"] = data["events"][0]["id"]
    with pytest.raises(ScenarioError, match=rf"events\.1\.id: duplicate id {data['events'][0]['id']!r}"):
        scenario_from_data(data)


def test_events_without_an_id_are_not_duplicates():
    data = flagship()
    for ev in data["events"][:3]:
        ev.pop("id")
    assert len(scenario_from_data(data).events) == len(data["events"])


def test_two_channels_with_the_same_id_are_refused():
    data = flagship()
    data["channels"].append(copy.deepcopy(data["channels"][0]))
    last = len(data["channels"]) - 1
    with pytest.raises(
        ScenarioError, match=rf"channels\.{last}\.id: duplicate id {data['channels'][0]['id']!r}"
    ):
        scenario_from_data(data)


@pytest.mark.parametrize("field", ["actors", "issues"])
def test_actor_and_issue_ids_stay_unique(field):
    data = flagship()
    data[field][1]["id"] = data[field][0]["id"]
    with pytest.raises(ScenarioError, match=rf"{field}\.1\.id: duplicate id .*already used by {field}\.0"):
        scenario_from_data(data)


# ---- what-if patches: every problem, at the patch's own path ----------------------------------------

PROPOSED = """\
name: proposed
add_events:
  - {id: ingest-1, type: shock, round: 3, size: 0}
  - {id: ingest-2, type: position_shift, actor: QAT, issue: troops, to: 10, round: 4}
  - {id: ingest-3, type: position_shift, actor: USA, issue: troops, to: 200, round: 5}
  - {id: ingest-4, type: position_shift, actor: ZZZ, issue: troops, to: 20, round: 5}
  - {id: ingest-1, type: shock, round: 6, size: 0}
  - {id: ingest-6, type: position_shift, actor: IND, issue: troops, to: 10, round: 5}
"""


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_patch_errors_name_the_patch_file_and_its_own_paths_and_list_every_problem(tmp_path):
    from accord.analysis.whatif import compare, load_patch
    from accord.models import make_model

    path = _write(tmp_path, "proposed.yaml", PROPOSED)
    with pytest.raises(ScenarioError) as info:
        compare(load("afghanistan-2013"), [load_patch(path)], make_model("agents"), draws=2)
    lines = str(info.value).splitlines()
    assert "5 problems" in lines[0], lines
    expected = [
        "add_events.1.actor: actor 'QAT' takes no stance on issue 'troops'",  # found by the agents model
        "add_events.2.to: 200 lies outside the range of issue 'troops'",
        "add_events.3.actor: unknown id 'ZZZ'",
        "add_events.4.id: duplicate id 'ingest-1'",
        "add_events.5.actor: actor 'IND' takes no stance on issue 'troops'",
    ]
    for line, fragment in zip(lines[1:], expected, strict=True):
        assert line.strip().startswith(f"{path}: {fragment}"), (line, fragment)
    assert "events.1" not in str(info.value).replace("add_events.", "")  # no merged-scenario paths


def test_a_patch_with_one_problem_gives_one_line(tmp_path):
    from accord.analysis.patch import apply_patch, load_patch

    path = _write(tmp_path, "one.yaml", "name: one\nadd_events:\n  - {type: shock, round: 1, actor: ZZZ}\n")
    with pytest.raises(ScenarioError) as info:
        apply_patch(load("afghanistan-2013"), load_patch(path))
    assert str(info.value).startswith(f"{path}: add_events.0.actor: unknown id 'ZZZ'")
    assert "\n" not in str(info.value)


def test_every_bad_set_and_removal_is_reported(tmp_path):
    from accord.analysis.patch import apply_patch, load_patch

    path = _write(
        tmp_path,
        "sets.yaml",
        (
            "name: sets\nremove_events: [nope]\n"
            "set:\n  actors.USA.strength: 5\n  stances.TAL.troops.salience: 150\n  channels.nowhere.open: true\n"
        ),
    )
    with pytest.raises(ScenarioError) as info:
        apply_patch(load("afghanistan-2013"), load_patch(path))
    message = str(info.value)
    assert "4 problems" in message
    for fragment in (
        "remove_events.0: unknown event id",
        "set.actors.USA.strength: no field 'strength'",
        "set.stances.TAL.troops.salience: ",
        "set.channels.nowhere.open: no channel with id",
    ):
        assert f"{path}: {fragment}" in message, (fragment, message)


# ---- sweeps that fail on bad input; sweep ids and run ids -------------------------------------------


def test_a_sweep_failing_on_bad_input_is_marked_failed_with_its_reason(tmp_path):
    from typer.testing import CliRunner

    from accord.analysis.montecarlo import monte_carlo
    from accord.analysis.store import RunStore
    from accord.cli import app
    from accord.errors import UnsupportedScenario
    from accord.models.baselines import WeightedMean

    class RefusesSecondChunk(WeightedMean):
        """Refuses its second chunk of draws, as a model does that meets input it cannot use mid-sweep."""

        calls = 0

        def forecast_batch(self, arrays, rng=None):
            RefusesSecondChunk.calls += 1
            if RefusesSecondChunk.calls == 2:
                raise UnsupportedScenario("model 'weighted-mean': cannot use this draw")
            return super().forecast_batch(arrays, rng)

    store_path = tmp_path / "runs.sqlite"
    with RunStore(store_path) as store:
        with pytest.raises(UnsupportedScenario):
            monte_carlo(load("ec-emissions"), RefusesSecondChunk(), draws=600, store=store)
        (sweep,) = store.sweeps()
        assert sweep["failed"] and "cannot use this draw" in sweep["error"]
    listing = CliRunner().invoke(app, ["runs", "list", "--store", str(store_path)])
    assert listing.exit_code == 0, listing.output
    assert f"failed sweep s{sweep['id']}" in listing.output and "cannot use this draw" in listing.output
    assert "run the same command again" not in listing.output
    shown = CliRunner().invoke(app, ["runs", "show", f"s{sweep['id']}", "--store", str(store_path)])
    assert shown.exit_code == 0, shown.output
    assert '"status": "failed"' in shown.output and "cannot use this draw" in shown.output


def test_run_ids_and_sweep_ids_are_told_apart(tmp_path):
    from typer.testing import CliRunner

    from accord.cli import app

    store = str(tmp_path / "runs.sqlite")
    runner = CliRunner()
    res = runner.invoke(app, ["montecarlo", "ec-emissions", "--draws", "10", "-q", "--store", store])
    assert res.exit_code == 0, res.output
    assert "recorded as run r1" in res.output
    run = runner.invoke(app, ["runs", "show", "r1", "--store", store])
    assert run.exit_code == 0 and '"kind": "montecarlo"' in run.output and '"sweep": "s1"' in run.output
    assert (
        runner.invoke(app, ["runs", "show", "1", "--store", store]).output == run.output
    )  # bare number: a run
    sweep = runner.invoke(app, ["runs", "show", "s1", "--store", store])
    assert sweep.exit_code == 0 and '"status": "finished"' in sweep.output and '"run": "r1"' in sweep.output
    bad = runner.invoke(app, ["runs", "show", "x1", "--store", store])
    assert bad.exit_code == 2 and "allowed: a run id like r12" in bad.output


# ---- seeds and long values --------------------------------------------------------------------------

BAD_SEEDS = ["-1", str(2**63), str(-(2**63) - 1)]


@pytest.mark.parametrize("seed", BAD_SEEDS)
@pytest.mark.parametrize(
    "command",
    [
        ["run", "ec-emissions", "-m", "weighted-mean", "--out", "OUT"],
        ["forecast", "ec-emissions"],
        ["montecarlo", "ec-emissions", "--draws", "5", "--no-store"],
        ["pivotal", "ec-emissions", "--no-store"],
        ["whatif", "afghanistan-2013", "zero-option-executed", "--draws", "5", "--no-store"],
        ["backtest", "DEU"],
        ["report", "ec-emissions", "--output", "OUT.html"],
    ],
    ids=lambda c: c[0] if isinstance(c, list) else c,
)
def test_a_seed_outside_numpys_range_is_refused_with_a_message(command, seed, tmp_path):
    from conftest import DEU
    from typer.testing import CliRunner

    from accord.cli import app

    args = [
        a.replace("OUT", str(tmp_path / "out")).replace("DEU", str(DEU / "deu3-dev.tsv")) for a in command
    ]
    res = CliRunner().invoke(app, [*args, "--seed", seed])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert f"seed {seed}" in res.output and f"allowed: 0 to {2**63 - 1}" in res.output, res.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.html").exists()


def test_library_calls_refuse_a_negative_seed_too():
    from accord.analysis.montecarlo import monte_carlo
    from accord.analysis.pivotal import pivotal_actors
    from accord.errors import ParameterError
    from accord.models import make_model

    sc, model = load("ec-emissions"), make_model("weighted-mean")
    for call in (
        lambda: model.run(sc, -1),
        lambda: monte_carlo(sc, model, draws=2, seed=-1),
        lambda: pivotal_actors(sc, model, seed=-1),
    ):
        with pytest.raises(ParameterError, match="seed -1"):
            call()
    assert model.run(sc, 2**63 - 1).meta["seed"] == 2**63 - 1  # the largest seed the store can keep


def test_an_error_echoing_a_million_character_value_is_short_and_says_how_long_it_was():
    from accord.errors import AccordError
    from accord.models import make_model

    data = flagship()
    data["stances"]["USA"]["troops"]["position"] = "x" * 1_000_000
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data, "big.yaml")
    assert len(str(info.value)) < 1000 and "1,000,000 characters" in str(info.value)
    assert str(info.value).startswith("big.yaml: stances.USA.troops.position: ")
    with pytest.raises(AccordError) as info:
        make_model("smp", accommodation="y" * 1_000_000)
    assert len(str(info.value)) < 1000 and "1,000,000 characters" in str(info.value)


# ---- every error a user can cause is an accord error -------------------------------------------------


@pytest.mark.parametrize("pce_model", ["markov_uniform"])
def test_a_markov_pce_that_does_not_converge_is_an_accord_error_naming_the_setting(pce_model):
    """200 options, two of them far ahead: the damped Markov iteration mixes too slowly for 1000 steps."""
    import numpy as np

    from accord.errors import AccordError
    from accord.models.smp.core import KtabRules, pce

    u = np.zeros((2, 200))
    u[:, 2:] = -1.0
    u[0, 0] = u[1, 1] = 0.1
    with pytest.raises(AccordError) as info:
        pce(KtabRules(pce_model=pce_model), np.array([1.0, 1.3]), u)
    assert f"pce_model {pce_model!r}" in str(info.value) and "allowed: pce_model 'conditional'" in str(
        info.value
    )


def test_no_raise_of_a_builtin_exception_is_left_in_the_package():
    """A review grep, kept as a test: raising a builtin exception is for pydantic validators only
    (they become ScenarioErrors) and for programming errors named here; anything else a user can
    reach must be an AccordError subclass with a message."""
    import builtins
    import re
    from pathlib import Path

    import accord

    allowed = {
        ("scenario/schema.py", "ValueError"),
        ("scenario/event_kinds.py", "ValueError"),  # pydantic validators (the event checks moved here)
        ("scenario/event_kinds.py", "TypeError"),  # an event type declared wrongly: a programming error
        ("models/agents/handling.py", "TypeError"),  # a type given two handlers: a programming error
        ("testing/event_strategies.py", "TypeError"),  # a field type no strategy draws: the test's own use
        ("models/registry.py", "TypeError"),  # a model class without a name: a programming error
        ("models/base.py", "TypeError"),  # a model class breaking the declared contract: likewise
        ("ingest/evaluate.py", "ValueError"),  # callers pass one prediction per gold sentence
        ("scenario/rules.py", "ValueError"),
        ("scenario/units.py", "ValueError"),  # pydantic validators
        ("scenario/pie.py", "ValueError"),  # pydantic validators (called from the scenario's reference check)
        (
            "models/base.py",
            "KeyError",
        ),  # Result.forecast_of of an issue not forecast, as DataFrame.loc raises
        (
            "models/columns.py",
            "ValueError",
        ),  # a model building a table of ragged columns: a programming error
        ("testing/__init__.py", "ValueError"),
        ("testing/analysis.py", "AssertionError"),  # the checker's own use
        ("testing/checks.py", "AssertionError"),
        ("_lazy.py", "AttributeError"),  # a module __getattr__ must raise AttributeError (PEP 562)
        ("analysis/distributions.py", "ValueError"),  # arrays of mismatched shapes: a programming error
        (
            "report/html.py",
            "ValueError",
        ),  # a figure type outside the shipped plotly bundle: a programming error
    }
    builtin = {n for n in vars(builtins) if n.endswith(("Error", "Exception"))}
    root = Path(accord.__file__).parent
    found = set()
    for path in root.rglob("*.py"):
        for name in re.findall(r"\braise\s+([A-Z]\w*)\(", path.read_text(encoding="utf-8")):
            if name in builtin:
                found.add((path.relative_to(root).as_posix(), name))
    assert found <= allowed, sorted(found - allowed)


# ---- inputs that used to be ignored silently ---------------------------------------------------------


def test_a_deadline_date_without_a_start_date_is_refused():
    data = load("ec-emissions").model_dump(mode="json", exclude_none=True)
    data["deadline"] = {"date": "2014-01-01"}
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data, "x.yaml")
    message = str(info.value)
    assert message.startswith("x.yaml: deadline.date: ") and "`start`" in message and "rounds" in message, (
        message
    )
    data["deadline"] = {"rounds": 12}  # rounds alone need no calendar
    assert scenario_from_data(data).deadline_round() == 12


@pytest.mark.parametrize("what", ["capability", "salience"])
def test_smp_refuses_an_issue_nobody_weighs(what):
    from accord.errors import UnsupportedScenario
    from accord.models import make_model

    data = flagship()
    if what == "capability":
        for actor in data["actors"]:
            actor["capability"] = 0
    else:
        for row in data["stances"].values():
            if "office" in row:
                row["office"]["salience"] = 0
    scenario = scenario_from_data(data)
    model = make_model("smp")
    for call in (lambda: model.check_supported(scenario), lambda: model.run(scenario, 0)):
        with pytest.raises(UnsupportedScenario, match="no actor has positive capability x salience on issue"):
            call()
    if what == "salience":
        with pytest.raises(UnsupportedScenario, match=r"issue\(s\) office$"):
            model.run(scenario, 0)


def test_ingesting_again_into_an_updated_scenario_proposes_fresh_event_ids(shared):
    """Ids are unique now, so a second `accord ingest` must not reuse the ids of the first patch."""
    from pathlib import Path

    from accord.analysis.patch import apply_patch
    from accord.ingest import ingest, propose

    scenario = load(Path(__file__).parent / "data" / "afghanistan-mini.yaml")
    events = ingest(sorted((shared / "seed").glob("*.txt")), scenario)
    first = propose(scenario, events)
    updated = apply_patch(scenario, first)
    second = propose(updated, events)
    ids = [e.id for e in updated.events if e.id] + [e["id"] for e in second["add_events"]]
    assert len(ids) == len(set(ids)) and len(second["add_events"]) == len(first["add_events"])
    assert len(apply_patch(updated, second).events) == len(updated.events) + len(second["add_events"])
