"""Center definition files: validation messages, file errors, round trip, updates."""

from __future__ import annotations

import copy
import json

import pytest

from server.api.errors import http_status
from server.center_file import (
    center_to_document,
    load_center_file,
    parse_center,
)
from server.queueing.center import Center, Guide
from server.queueing.center_update import check_update
from server.queueing.errors import (
    CenterDefinitionError,
    CenterUpdateRefusedError,
    UnknownMatterError,
    UnknownQueueError,
    UnknownWindowError,
)

SOURCE = "test.yaml"


def small_document() -> dict:
    """A valid center: two units, three matters, two queues, three windows."""
    return {
        "center": {"name": "测试中心", "name_en": "Test Center", "timezone": "Asia/Shanghai"},
        "zones": [
            {"id": "f1", "name": "一楼大厅", "floor": 1},
            {"id": "f2", "name": "二楼", "name_en": "Second Floor", "floor": 2},
        ],
        "units": [
            {"id": "police", "name": "州公安局", "name_en": "Public Security"},
            {"id": "tax", "name": "州税务局", "group": "standalone"},
        ],
        "matters": [
            {
                "id": "hukou-move-in",
                "name": "户口迁入",
                "unit": "police",
                "category": "approval",
                "service_minutes": 10,
                "guide": {
                    "time_limit_days": 7,
                    "materials": ["居民身份证", "户口簿"],
                    "fees": "不收费",
                    "procedure": ["取号", "受理"],
                },
            },
            {"id": "id-card", "name": "居民身份证申领", "unit": "police", "category": "public_service"},
            {"id": "vat-invoice", "name": "增值税发票领用", "unit": "tax", "category": "other"},
        ],
        "queues": [
            {"id": "police", "name": "公安业务", "prefix": "B", "units": ["police"]},
            {"id": "tax", "name": "税务业务", "prefix": "N", "units": ["tax"]},
        ],
        "windows": [
            {"id": "w01", "number": 2, "name": "2号窗口", "zone": "f1", "kind": "standalone",
             "queues": ["police"]},
            {"id": "w02", "number": 1, "name": "1号窗口", "zone": "f1", "kind": "standalone",
             "queues": ["tax", "police"]},
            {"id": "w03", "number": 3, "name": "3号窗口", "zone": "f2", "kind": "comprehensive",
             "queues": ["tax"]},
        ],
    }  # fmt: skip


def mutated(change) -> dict:
    document = small_document()
    change(document)
    return document


def _set(path, value):
    """A mutation that sets document[path...] = value."""

    def change(document):
        target = document
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _delete(path):
    def change(document):
        target = document
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return change


def _append(section, item):
    return lambda document: document[section].append(item)


def _window(**fields):
    base = {"id": "w09", "number": 9, "name": "9号窗口", "zone": "f1", "kind": "standalone",
            "queues": ["police"]}  # fmt: skip
    return {**base, **fields}


BROKEN = [
    ("unknown section", lambda d: d.update(extras=[]), "extras", "unknown field"),
    ("missing section", _delete(["windows"]), "windows", "required"),
    ("empty section", _set(["zones"], []), "zones", "must not be empty"),
    ("section not a list", _set(["units"], {"id": "police"}), "units", "must be a list"),
    ("center name missing", _delete(["center", "name"]), "center.name", "required"),
    ("bad time zone", _set(["center", "timezone"], "Mars/Olympus"), "center.timezone",
     "unknown time zone 'Mars/Olympus'"),
    ("unknown center field", _set(["center", "colour"], "red"), "center.colour", "unknown field"),
    ("name not text", _set(["zones", 0, "name"], 5), "zones[0].name", "must be a non-empty text"),
    ("floor not int", _set(["zones", 0, "floor"], "one"), "zones[0].floor", "must be an integer"),
    ("id with capitals", _set(["units", 0, "id"], "Police"), "units[0].id", "must be an id"),
    ("id with space", _set(["zones", 1, "id"], "f 2"), "zones[1].id", "must be an id"),
    ("duplicate unit id", _set(["units", 1, "id"], "police"), "units[1].id",
     "duplicate unit id 'police'"),
    ("bad group", _set(["units", 1, "group"], "ministry"), "units[1].group", "must be one of"),
    ("unknown unit of matter", _set(["matters", 0, "unit"], "polce"), "matters[0].unit",
     "unknown unit 'polce'"),
    ("bad category", _set(["matters", 1, "category"], "permit"), "matters[1].category",
     "must be one of approval, public_service, other, got 'permit'"),
    ("missing category", _delete(["matters", 1, "category"]), "matters[1].category", "required"),
    ("negative service time", _set(["matters", 0, "service_minutes"], -3),
     "matters[0].service_minutes", "must be a positive number"),
    ("materials not a list", _set(["matters", 0, "guide", "materials"], "身份证"),
     "matters[0].guide.materials", "must be a list"),
    ("empty material", _set(["matters", 0, "guide", "materials", 1], ""),
     "matters[0].guide.materials[1]", "must be a non-empty text"),
    ("on the spot not bool", _set(["matters", 0, "guide", "on_the_spot"], "yes"),
     "matters[0].guide.on_the_spot", "must be true or false"),
    ("negative time limit", _set(["matters", 0, "guide", "time_limit_days"], -1),
     "matters[0].guide.time_limit_days", "must be an integer >= 0"),
    ("unknown guide field", _set(["matters", 0, "guide", "cost"], "5元"),
     "matters[0].guide.cost", "unknown field"),
    ("lowercase prefix", _set(["queues", 0, "prefix"], "b"), "queues[0].prefix",
     "must be 1 to 3 uppercase letters"),
    ("long prefix", _set(["queues", 0, "prefix"], "ABCD"), "queues[0].prefix",
     "must be 1 to 3 uppercase letters"),
    ("boolean prefix", _set(["queues", 0, "prefix"], False), "queues[0].prefix",
     "quote the value"),
    ("missing prefix", _delete(["queues", 1, "prefix"]), "queues[1].prefix", "required"),
    ("duplicate prefix", _set(["queues", 1, "prefix"], "B"), "queues[1].prefix",
     "prefix 'B' is already used by queue 'police'"),
    ("prefix begins another", _set(["queues", 1, "prefix"], "BA"), "queues[1].prefix",
     "prefix 'BA' and prefix 'B' of queue 'police' start alike"),
    ("prefix begun by another", _set(["queues", 0, "prefix"], "NB"), "queues[1].prefix",
     "prefix 'N' and prefix 'NB' of queue 'police' start alike"),
    ("unknown unit of queue", _set(["queues", 0, "units"], ["polce"]), "queues[0].units[0]",
     "unknown unit 'polce'"),
    ("unknown matter of queue", _set(["queues", 1, "matters"], ["vat"]), "queues[1].matters[0]",
     "unknown matter 'vat'"),
    ("queue without units or matters", _set(["queues", 1, "units"], []), "queues[1]",
     "lists neither units nor matters"),
    ("unit listed twice in queue", _set(["queues", 0, "units"], ["police", "police"]),
     "queues[0].units[1]", "'police' is listed twice"),
    ("duplicate window number", _set(["windows", 2, "number"], 1), "windows[2].number",
     "number 1 is already used by window 'w02'"),
    ("window number zero", _set(["windows", 0, "number"], 0), "windows[0].number",
     "must be a positive integer"),
    ("window number text", _set(["windows", 0, "number"], "2"), "windows[0].number",
     "must be a positive integer"),
    ("unknown zone", _set(["windows", 0, "zone"], "f9"), "windows[0].zone", "unknown zone 'f9'"),
    ("bad kind", _set(["windows", 1, "kind"], "vip"), "windows[1].kind", "must be one of"),
    ("unknown icon", _set(["units", 0, "icon"], "polise"), "units[0].icon",
     "unknown icon 'polise' (did you mean 'police'?); the icons are: government, insurance,"),
    ("unknown queue of window", _set(["windows", 1, "queues", 1], "polic"),
     "windows[1].queues[1]", "unknown queue 'polic'"),
    ("window without queues", _set(["windows", 0, "queues"], []), "windows[0].queues",
     "must not be empty"),
    ("queue twice at a window", _set(["windows", 1, "queues"], ["tax", "tax"]),
     "windows[1].queues[1]", "'tax' is listed twice"),
    ("unknown window field", _append("windows", _window(queue="police")), "windows[3].queue",
     "unknown field"),
    ("duplicate window id", _append("windows", _window(id="w01")), "windows[3].id",
     "duplicate window id 'w01'"),
    ("queue served by no window",
     lambda d: d["windows"].__setitem__(slice(None), d["windows"][:1]),
     "queues[1]", "queue 'tax' is served by no window"),
    ("matter in no queue",
     lambda d: (d["units"].append({"id": "court", "name": "法院"}),
                d["matters"].append({"id": "lawsuit", "name": "立案", "unit": "court",
                                     "category": "other"})),
     "matters[3]", "matter 'lawsuit' belongs to no queue"),
    ("matter in two queues by unit", _set(["queues", 1, "units"], ["tax", "police"]),
     "matters[0]", "matter 'hukou-move-in' belongs to 2 queues ('police', 'tax'"),
    ("matter listed by two queues",
     lambda d: (d["queues"][0].__setitem__("matters", ["vat-invoice"]),
                d["queues"][1].__setitem__("matters", ["vat-invoice"])),
     "matters[2]", "matter 'vat-invoice' belongs to 2 queues ('police', 'tax' list the matter)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_each_rule_is_refused_with_one_line_naming_the_field(change, field, problem):
    with pytest.raises(CenterDefinitionError) as caught:
        parse_center(mutated(change), SOURCE)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}: {field}: "), message
    assert problem in message
    assert "\n" not in message
    assert caught.value.code == "bad_center"
    assert http_status(caught.value) == 400


@pytest.mark.parametrize("data", [None, [], "center: x", 42])
def test_a_document_that_is_not_a_mapping(data):
    with pytest.raises(
        CenterDefinitionError, match=r"^test\.yaml: \(document\): must be a mapping"
    ):
        parse_center(data, SOURCE)


def test_small_document_parses_and_resolves_queues_and_windows():
    center = parse_center(small_document(), SOURCE)
    assert center.name == "测试中心"
    assert center.priority_reasons == ("elderly", "disabled", "pregnant", "military")
    assert list(center.windows) == ["w01", "w02", "w03"]  # file order
    assert center.matter("hukou-move-in").queue_id == "police"
    assert center.matter("vat-invoice").queue_id == "tax"
    # window_ids follow window numbers, not file order
    assert center.queue("police").window_ids == ("w02", "w01")
    assert [w.id for w in center.windows_of_queue("tax")] == ["w02", "w03"]
    assert [q.id for q in center.queues_of_window("w02")] == ["tax", "police"]
    assert [m.id for m in center.matters_of_queue("police")] == ["hukou-move-in", "id-card"]
    assert center.matter("hukou-move-in").service_minutes == 10.0
    assert center.matter("hukou-move-in").guide == Guide(
        time_limit_days=7,
        materials=("居民身份证", "户口簿"),
        fees="不收费",
        procedure=("取号", "受理"),
    )
    assert center.units["tax"].group == "standalone"
    assert center.zones["f2"].floor == 2


def test_an_explicit_matter_listing_wins_over_the_unit():
    document = small_document()
    document["queues"].append(
        {"id": "id-cards", "name": "身份证", "prefix": "SF", "matters": ["id-card"]}
    )
    document["windows"][0]["queues"].append("id-cards")
    center = parse_center(document, SOURCE)
    assert center.matter("id-card").queue_id == "id-cards"
    assert center.matter("hukou-move-in").queue_id == "police"
    assert [m.id for m in center.matters_of_queue("police")] == ["hukou-move-in"]


def test_lookups_raise_unknown_id_errors():
    center = parse_center(small_document(), SOURCE)
    with pytest.raises(UnknownMatterError, match="unknown matter 'xyz'") as caught:
        center.matter("xyz")
    assert (caught.value.code, http_status(caught.value)) == ("unknown_matter", 422)
    with pytest.raises(UnknownQueueError, match="unknown queue 'xyz'"):
        center.matters_of_queue("xyz")
    with pytest.raises(UnknownWindowError, match="unknown window 'w99'") as caught:
        center.queues_of_window("w99")
    assert http_status(caught.value) == 404


def test_to_dict_is_the_json_ready_public_view():
    center = parse_center(small_document(), SOURCE)
    view = json.loads(json.dumps(center.to_dict(), ensure_ascii=False))
    assert list(view) == [
        "name", "name_en", "timezone", "priority_reasons", "hours",
        "zones", "units", "matters", "queues", "windows", "rules", "calendar",
    ]  # fmt: skip
    assert view["matters"][0]["queue_id"] == "police"
    assert view["matters"][0]["guide"]["materials"] == ["居民身份证", "户口簿"]
    assert view["matters"][1]["guide"] is None
    assert view["queues"][0]["window_ids"] == ["w02", "w01"]
    assert view["windows"][1]["queue_ids"] == ["tax", "police"]
    assert view["units"][0] == {
        "id": "police", "name": "州公安局", "name_en": "Public Security",
        "name_bo": None, "group": "standalone", "short_name": None, "short_name_en": None,
        "icon": "government",
    }  # fmt: skip


# --- files ---------------------------------------------------------------------------


def write(tmp_path, text: str, name: str = "hall.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


VALID_YAML = """\
center: {name: 测试中心, timezone: Asia/Shanghai}
zones:
  - {id: f1, name: 一楼大厅}
units:
  - {id: police, name: 州公安局}
matters:
  - id: hukou-move-in
    name: 户口迁入
    unit: police
    category: approval
    guide:
      time_limit_days: 7
      materials: [居民身份证, 户口簿]
      fees: 不收费
queues:
  - {id: police, name: 公安业务, prefix: B, units: [police]}
windows:
  - {id: w01, number: 1, name: 1号窗口, zone: f1, kind: standalone, queues: [police]}
"""


def test_the_contract_example_file_loads(tmp_path):
    center = load_center_file(write(tmp_path, VALID_YAML))
    assert center.matter("hukou-move-in").guide.materials == ("居民身份证", "户口簿")
    assert center.queue("police").window_ids == ("w01",)


def test_a_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, VALID_YAML.replace("units: [police]}", "units: [police}"))
    with pytest.raises(CenterDefinitionError) as caught:
        load_center_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:16: YAML syntax error: "), message
    assert "\n" not in message


def test_a_rule_broken_in_a_file_names_the_line(tmp_path):
    path = write(tmp_path, VALID_YAML.replace("queues: [police]", "queues: [polic]"))
    with pytest.raises(CenterDefinitionError) as caught:
        load_center_file(path)
    assert str(caught.value) == f"{path}:18: windows[0].queues[0]: unknown queue 'polic'"


def test_a_missing_file_is_one_line(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(CenterDefinitionError) as caught:
        load_center_file(path)
    assert str(caught.value) == f"{path}: no such file"


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(VALID_YAML.encode("gbk"))
    with pytest.raises(CenterDefinitionError, match=r"gbk\.yaml:1: the file is not UTF-8"):
        load_center_file(path)


def test_an_empty_file(tmp_path):
    with pytest.raises(CenterDefinitionError, match=r"empty\.yaml: the file is empty"):
        load_center_file(write(tmp_path, "# nothing yet\n", "empty.yaml"))


def test_a_key_given_twice_is_refused(tmp_path):
    text = VALID_YAML.replace("    category: approval\n", "    category: approval\n    unit: tax\n")
    with pytest.raises(CenterDefinitionError) as caught:
        load_center_file(write(tmp_path, text))
    assert str(caught.value).endswith(":11: key 'unit' appears twice")


# --- round trip ----------------------------------------------------------------------


def test_document_round_trip_gives_an_equal_center():
    document = small_document()
    document["queues"].append(
        {"id": "id-cards", "name": "身份证", "prefix": "SF", "matters": ["id-card"]}
    )
    document["windows"][0]["queues"].append("id-cards")
    document["center"]["priority_reasons"] = ["elderly", "veteran"]
    document["units"][0]["name_bo"] = "ཁྲིམས་སྲུང་ཅུས།"
    document["matters"][0]["guide"].update(on_the_spot=True, basis="《户口登记条例》", notes="注")
    center = parse_center(document, SOURCE)
    stored = json.loads(json.dumps(center_to_document(center), ensure_ascii=False))
    again = parse_center(stored, "database")
    assert again == center
    assert list(again.matters) == list(center.matters)
    assert again.to_dict() == center.to_dict()


# --- updates -------------------------------------------------------------------------


def center_after(change) -> Center:
    return parse_center(mutated(change), SOURCE)


def test_an_identical_center_has_no_changes():
    old = parse_center(small_document(), SOURCE)
    assert check_update(old, center_after(lambda d: None)) == []


def test_additions_and_renames_are_accepted_and_listed():
    def change(document):
        document["center"]["name"] = "新名称"
        document["units"].append({"id": "court", "name": "法院"})
        document["matters"].append(
            {"id": "lawsuit", "name": "立案", "unit": "court", "category": "other"}
        )
        document["matters"][0]["guide"]["fees"] = "工本费5元"
        document["matters"][1]["service_minutes"] = 4
        document["queues"].append(
            {"id": "court", "name": "法院", "prefix": "FY", "units": ["court"]}
        )
        document["windows"].append(_window(queues=["court"]))
        document["windows"][0]["name"] = "二号窗口"
        document["units"][0]["icon"] = "police"

    old = parse_center(small_document(), SOURCE)
    changes = check_update(old, center_after(change))
    assert changes == [
        "renames the center to '新名称'",
        "changes icon of unit 'police'",
        "adds unit 'court'",
        "changes guide of matter 'hukou-move-in'",
        "changes service minutes of matter 'id-card'",
        "adds matter 'lawsuit'",
        "adds queue 'court'",
        "renames window 'w01' (name)",
        "adds window 'w09'",
    ]


REFUSED = [
    ("removes a matter", lambda d: d["matters"].pop(), "removes matter 'vat-invoice'"),
    ("removes a window", lambda d: d["windows"].pop(), "removes window 'w03'"),
    ("changes a prefix", _set(["queues", 0, "prefix"], "G"),
     "changes prefix of queue 'police' from 'B' to 'G'"),
    ("changes the time zone", _set(["center", "timezone"], "Asia/Urumqi"),
     "changes the time zone from 'Asia/Shanghai' to 'Asia/Urumqi'"),
    ("changes a window number", _set(["windows", 2, "number"], 7),
     "changes number of window 'w03' from 3 to 7"),
    ("changes a window's queues", _set(["windows", 0, "queues"], ["tax", "police"]),
     "changes queue_ids of window 'w01' from ['police'] to ['tax', 'police']"),
    ("changes a category", _set(["matters", 2, "category"], "approval"),
     "changes category of matter 'vat-invoice'"),
    ("moves a matter to another queue", _set(["queues", 1, "matters"], ["id-card"]),
     "changes queue_id of matter 'id-card' from 'police' to 'tax'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "reason"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_structural_changes_are_refused_with_one_line(change, reason):
    old = parse_center(small_document(), SOURCE)
    with pytest.raises(CenterUpdateRefusedError) as caught:
        check_update(old, center_after(change))
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message
    assert caught.value.code == "center_update_refused"


def test_several_refusals_are_counted_in_the_one_line():
    old = parse_center(small_document(), SOURCE)

    def change(document):
        document["windows"].pop()
        document["queues"][0]["prefix"] = "G"

    with pytest.raises(CenterUpdateRefusedError) as caught:
        check_update(old, center_after(change))
    assert "(and 1 more)" in str(caught.value)
    assert len(caught.value.details["refusals"]) == 2


def test_the_document_is_left_untouched_by_parsing():
    document = small_document()
    before = copy.deepcopy(document)
    parse_center(document, SOURCE)
    assert document == before
