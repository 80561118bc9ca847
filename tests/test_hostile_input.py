"""Hostile scenarios, one test per class a fuzzer found (issue 11, section 6): each is refused with
one ScenarioError naming the file, where, the value and the limit or what is allowed, before any
model or parser does unbounded work; and what accord writes, it reads back."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
import yaml
from conftest import KTAB

from accord.models.registry import build_model, make_model
from accord.scenario import ScenarioError, UnsupportedScenario, load, loads_json, loads_yaml, save
from accord.scenario.io import load_bytes, load_text
from accord.scenario.limits import DEPTH_CEILING, LimitError, Limits, applied, env_name
from accord.scenario.validate import scenario_from_data

BASE = """name: t
start: 2013-06-01
actors:
  - {id: A, capability: 1}
  - {id: B, capability: 2}
  - {id: C, capability: 3}
issues:
  - {id: x, min: 0, max: 10, status_quo: 5}
  - {id: y, min: 0, max: 10, status_quo: 5}
stances:
  A: {x: {position: 1, salience: 50}, y: {position: 2, salience: 50}}
  B: {x: {position: 5, salience: 60}, y: {position: 8, salience: 40}}
  C: {x: {position: 9, salience: 70}, y: {position: 4, salience: 30}}
"""


def base_data() -> dict:
    return yaml.safe_load(BASE.replace("2013-06-01", "'2013-06-01'"))


def refused(text: str, *fragments: str, fmt: str = "yaml", limits: Limits | None = None) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_text(text, fmt, limits, file=f"h.{fmt}")
    message = str(info.value)
    assert message.startswith(f"h.{fmt}"), message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


@pytest.mark.parametrize(
    "tagged, fragments",
    [
        ("!!int abc", ["line 4", "not a valid !!int value", "'abc'", "allowed: a whole number"]),
        ('!!int ""', ["not a valid !!int value", "allowed: a whole number"]),
        ("!!float x", ["not a valid !!float value", "'x'"]),
        ("!!bool maybe", ["not a valid !!bool value", "'maybe'", "allowed: true or false"]),
        ("!!timestamp 2013-02-30", ["tag !!timestamp is not allowed on text", "allowed: !!str"]),
        ("!!int [1, 2]", ["tag !!int is not allowed on a list", "allowed: !!str"]),
        ("!!seq {a: 1}", ["tag !!seq is not allowed on a mapping"]),
        ("!!str {a: 1}", ["tag !!str is not allowed on a mapping"]),
        ("!!set {a: 1}", ["tag !!set is not allowed"]),
        ("!!binary aGk=", ["tag !!binary is not allowed"]),
        ("!!python/object/apply:os.getcwd []", ["tag !!python/object/apply:os.getcwd is not allowed"]),
        ("!custom 3", ["tag !custom is not allowed"]),
    ],
)
def test_explicit_yaml_tags_are_checked(tagged, fragments):
    fragments = ["h.yaml: actors.0.params.k (line 4, column", *fragments]
    text = BASE.replace(
        "  - {id: A, capability: 1}", f"  - {{id: A, capability: 1, params: {{k: {tagged}}}}}"
    )
    refused(text, *fragments)


@pytest.mark.parametrize("text", ["a: &a [1, *a]\n", "a: &m {x: *m}\n", "&top {name: *top}\n"])
def test_self_referencing_anchors_are_refused(text):
    refused(text, "an anchor is used inside itself", "line 1")


@pytest.mark.parametrize(
    "fmt, text",
    [
        ("yaml", "name: " + "[" * 1000 + "]" * 1000 + "\n"),
        ("yaml", "name:\n" + "".join("  " * k + "-\n" for k in range(1, 1000)) + "  " * 1000 + "- x\n"),
        ("json", '{"name": ' + "[" * 1000 + "]" * 1000 + "}"),
        ("json", '{"name": ' + '{"a": ' * 1000 + "1" + "}" * 1000 + "}"),
    ],
)
def test_deep_nesting_is_refused_without_recursion_error(fmt, text):
    refused(text, "the nesting depth exceeds the limit max_depth = 32", env_name("max_depth"), fmt=fmt)


def test_alias_bomb_is_refused_before_expansion():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, 10)]
    bomb = "\n".join(lines) + "\n"
    assert len(bomb) < 1000  # 9**10 = 3.5e9 strings once expanded
    refused(
        bomb,
        "the number of values after expanding aliases exceeds the limit max_nodes",
        "ACCORD_LIMIT_MAX_NODES",
    )
    # modest reuse of anchors is fine
    ok = BASE.replace(
        "  - {id: A, capability: 1}", "  - {id: A, capability: 1, params: &p {strategy: linear}}"
    )
    ok = ok.replace("  - {id: B, capability: 2}", "  - {id: B, capability: 2, params: *p}")
    assert load_text(ok, "yaml").actors[1].params == {"strategy": "linear"}


def test_integers_with_thousands_of_digits_are_refused_everywhere():
    big = "9" * 5000
    refused(BASE.replace("capability: 1}", f"capability: {big}}}"), "line 4", "max_int_digits", "5000 digits")
    refused(BASE.replace("capability: 1}", f"capability: !!int {big}}}"), "max_int_digits")
    data = json.dumps(base_data()).replace('"capability": 1}', f'"capability": {big}}}')
    refused(data, "max_int_digits", "5000 digits", fmt="json")
    ktab_csv = (KTAB / "dummyData_3Dim.csv").read_text(encoding="utf-8").splitlines()
    head = ktab_csv[0].split(",")
    head[2] = big
    refused("\n".join([",".join(head), *ktab_csv[1:]]), "line 1, field 3", "max_int_digits", fmt="csv")
    xml = (KTAB / "dummyData_3Dim.xml").read_text(encoding="utf-8")
    assert "<prngSeed>" in xml
    start, end = xml.index("<prngSeed>") + len("<prngSeed>"), xml.index("</prngSeed>")
    refused(xml[:start] + big + xml[end:], "Scenario.prngSeed", "max_int_digits", fmt="xml")


def test_counts_of_actors_issues_and_events_are_bounded():
    refused(
        BASE,
        "actors: the number of actors exceeds the limit max_actors = 2",
        "(got 3)",
        "ACCORD_LIMIT_MAX_ACTORS",
        limits=Limits(max_actors=2),
    )
    refused(
        BASE, "issues: the number of issues exceeds the limit max_issues = 1", limits=Limits(max_issues=1)
    )
    events = (
        BASE + "events:\n" + "".join(f"  - {{type: actor_leaves, actor: A, round: {k}}}\n" for k in range(3))
    )
    refused(events, "the number of events exceeds the limit max_events = 2", limits=Limits(max_events=2))
    assert len(load_text(events, "yaml").events) == 3


@pytest.mark.parametrize(
    "edit, where",
    [
        (
            (
                "min: 0, max: 10, status_quo: 5}\n  - {id: y",
                "min: -1e308, max: 1e308, status_quo: 5}\n  - {id: y",
            ),
            "issues.0.min",
        ),
        (("capability: 1}", "capability: 1.5e300}"), "actors.0.capability"),
        (("capability: 1}", "capability: 1, params: {harden: 1.0e+200}}"), "actors.0.params.harden"),
    ],
)
def test_magnitudes_near_float_overflow_are_refused(edit, where):
    refused(BASE.replace(*edit), where, "exceeds the limit max_magnitude = 1e+12")


def test_outputs_stay_finite_even_with_the_magnitude_limit_raised():
    """Raised past what floats can sum, a model's non-finite result is refused, never returned."""
    text = BASE.replace("capability: 1}", "capability: 1e308}").replace(
        "capability: 2}", "capability: 1e308}"
    )
    with applied(Limits(max_magnitude=1e308)), np.errstate(over="ignore", invalid="ignore"):
        scenario = load_text(text, "yaml")
        with pytest.raises(UnsupportedScenario, match="non-finite numbers"):
            make_model("weighted-mean").run(scenario, 0)
    assert "Infinity" not in json.dumps(load_text(BASE, "yaml").model_dump(mode="json"), allow_nan=False)


def test_deadline_rounds_are_bounded():
    refused(BASE + "deadline: {rounds: 1000000000}\n", "deadline", "max_rounds = 1000", "(got 1000000000)")
    refused(
        BASE + "deadline: {date: 9999-12-31}\n", "the rounds to the deadline exceeds the limit max_rounds"
    )
    refused(
        BASE + "events:\n  - {type: actor_leaves, actor: A, round: 1000000000}\n",
        "events.0.round",
        "max_rounds",
    )
    assert load_text(BASE + "deadline: {rounds: 1000}\n", "yaml").deadline_round() == 1000


def test_round_days_cannot_overflow_dates():
    refused(
        BASE.replace("start: 2013-06-01", "start: 2013-06-01\nround_days: 1000000000"),
        "round_days",
        "max_round_days = 3660",
    )
    late = load_text(BASE.replace("start: 2013-06-01", "start: 9980-01-01\nround_days: 3660"), "yaml")
    assert late.date_of(1) is not None and late.date_of(5) is None  # past year 9999: no calendar date
    result = make_model("agents", max_rounds=5).run(late, 0)
    assert result.forecast["forecast"].notna().all()


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"strategy": "conceder", "exponent": 5e3}, "actors.A.params.exponent"),
        ({"strategy": "boulware", "exponent": 1e-300}, "actors.A.params.exponent"),
        ({"risk": 1e6}, "actors.A.params.risk"),
    ],
)
def test_huge_strategy_parameters_are_refused(params, fragment):
    data = base_data()
    data["actors"][0]["params"] = {"strategy": "conceder", "exponent": 1e300}
    with pytest.raises(
        LimitError, match="actors.0.params.exponent: the size of a number exceeds the limit max_magn"
    ):
        scenario_from_data(data)
    data["actors"][0]["params"] = params
    scenario = scenario_from_data(data)
    with pytest.raises(ScenarioError, match=f"{fragment}.*allowed: 0.001 to 1000 \\(limit max_exponent"):
        make_model("agents").run(scenario, 0)
    with pytest.raises(ScenarioError, match="nash: kappa is out of range"):
        make_model("nash", kappa=1e9)
    with pytest.raises(ScenarioError, match="agents: shock_scale exceeds the limit max_magnitude"):
        make_model("agents", shock_scale=1e300)


@pytest.mark.parametrize(
    "model, settings, fragment",
    [
        ("eum", {"rounds": 10**9}, "eum: rounds exceeds the limit max_rounds = 1000"),
        ("smp", {"min_turns": 10**9, "max_turns": 10**9}, "smp: max_turns exceeds the limit max_rounds"),
        ("exchange", {"rounds": 10**6}, "exchange: rounds exceeds the limit max_rounds"),
        ("agents", {"max_rounds": 10**9}, "agents: max_rounds exceeds the limit max_rounds"),
    ],
)
def test_model_settings_carried_in_the_scenario_are_bounded(model, settings, fragment):
    data = base_data()
    data["models"] = {model: settings}
    scenario = scenario_from_data(data)
    with pytest.raises(LimitError, match=fragment) as info:
        build_model(model, scenario)
    assert "ACCORD_LIMIT_MAX_ROUNDS" in str(info.value)


def test_ktab_csv_with_a_blank_first_row_is_refused():
    text = (KTAB / "dummyData_3Dim.csv").read_text(encoding="utf-8")
    refused(",,,\n" + text, fmt="csv")  # not KTAB then: read as a long table, which it is not either
    refused(",,,,\nActor\n", "line 1 is not a KTAB scenario line", fmt="csv")
    first, _, rest = text.partition("\n")
    refused(first + "\n,,,\n" + rest, fmt="csv")


@pytest.mark.parametrize("model, limit", [("smp", 200), ("exchange", 60), ("eum", 300), ("agents", 200)])
def test_models_refuse_more_actors_than_their_limit_and_say_how_to_raise_it(model, limit, monkeypatch):
    data = base_data()
    data["actors"] += [{"id": f"z{k}", "capability": 1} for k in range(limit)]
    data["stances"].update({f"z{k}": {"x": {"position": 5, "salience": 50}} for k in range(limit)})
    scenario = scenario_from_data(data)
    variable = env_name(f"{model}_max_actors")
    with pytest.raises(
        LimitError, match=f"the number of actors exceeds the limit {model}_max_actors = {limit}"
    ) as info:
        make_model(model).run(scenario, 0)
    assert variable in str(info.value)
    monkeypatch.setenv(variable, "2")
    with pytest.raises(LimitError):
        make_model(model).run(load_text(BASE, "yaml"), 0)
    monkeypatch.setenv(variable, "3")
    assert make_model(model).run(load_text(BASE, "yaml"), 0).forecast["forecast"].notna().all()


def test_json_duplicate_keys_are_refused_like_yaml():
    text = '{"name": "t",\n "name": "u"}'
    refused(text, "line 2", "duplicate key 'name'; each key may appear once", fmt="json")
    nested = json.dumps(base_data(), indent=1).replace(
        '"B": {', '"A": {"x": {"position": 1, "salience": 5}},\n "B": {'
    )
    refused(nested, "duplicate key 'A'", fmt="json")


def test_text_with_carriage_returns_reads_back_from_every_format(tmp_path):
    data = base_data()
    data["actors"][0]["name"] = "line\rbreak"
    data["actors"][1]["name"] = "windows\r\nline"
    data["issues"][0]["max_label"] = "=1+1 \x01 _x0041_ \r"
    data["actors"][2]["id"] = "null"  # spreadsheet readers take "null", "NA" or "nan" for an empty cell
    data["stances"]["null"] = data["stances"].pop("C")
    scenario = scenario_from_data(data)
    for suffix in (".yaml", ".json", ".csv", ".xlsx"):
        back = load(save(scenario, tmp_path / f"s{suffix}"))
        assert [a.name for a in back.actors] == ["line\rbreak", "windows\r\nline", ""], suffix
        assert back.issues[0].max_label == "=1+1 \x01 _x0041_ \r", suffix
        assert back.stances == scenario.stances and back.actor_ids == ["A", "B", "null"], suffix


def test_lone_surrogates_and_non_finite_json_numbers_are_refused():
    data = json.dumps(base_data())
    refused(
        data.replace('"name": "t"', '"name": "t", "title": "\\ud800"'), "title", "lone surrogate", fmt="json"
    )
    refused(data.replace('"capability": 1}', '"capability": NaN}'), "not a JSON number", "'NaN'", fmt="json")
    refused(
        data.replace('"capability": 1}', '"capability": 1e400}'),
        "actors.0.capability",
        "not a finite number",
        fmt="json",
    )


def test_file_size_and_unpacked_workbook_size_are_bounded(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE, encoding="utf-8")
    with pytest.raises(LimitError, match="the file size in bytes exceeds the limit max_file_bytes = 100"):
        load(path, Limits(max_file_bytes=100))
    workbook = save(load(path), tmp_path / "s.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    assert len(workbook) < unpacked
    with pytest.raises(LimitError, match="the unpacked size of the workbook"):
        load_bytes(workbook, "xlsx", Limits(max_file_bytes=(len(workbook) + unpacked) // 2), file="s.xlsx")
    assert load_bytes(workbook, "xlsx", file="s.xlsx").stances == load(path).stances


def test_limits_are_checked_and_read_from_the_environment(monkeypatch):
    with pytest.raises(ScenarioError, match=f"at most {DEPTH_CEILING}"):
        Limits(max_depth=10_000)
    with pytest.raises(ScenarioError, match="must be a positive number"):
        Limits(max_actors=0)
    monkeypatch.setenv("ACCORD_LIMIT_MAX_ACTORS", "lots")
    with pytest.raises(ScenarioError, match="ACCORD_LIMIT_MAX_ACTORS"):
        loads_yaml(BASE)
    monkeypatch.setenv("ACCORD_LIMIT_MAX_ACTORS", "2")
    with pytest.raises(LimitError, match="max_actors = 2"):
        loads_yaml(BASE)
    assert len(loads_yaml(BASE, limits=Limits(max_actors=3)).actors) == 3  # an explicit Limits wins
    monkeypatch.delenv("ACCORD_LIMIT_MAX_ACTORS")
    assert len(loads_json(json.dumps(base_data())).actors) == 3


def test_xml_entity_bombs_and_external_entities_are_refused():
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY a{k} "' + f"&a{k - 1 if k > 1 else ''};" * 10 + '">' for k in range(1, 10)
    )
    bomb = f'<?xml version="1.0"?>\n<!DOCTYPE s [{entities}]>\n<Scenario><name>&a9;</name></Scenario>'
    refused(bomb, "line 3", "not well-formed XML", "amplification", fmt="xml")
    external = '<!DOCTYPE s [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<Scenario><name>&e;</name></Scenario>'
    refused(external, "not well-formed XML (undefined entity", fmt="xml")
