"""The kiosk finds a matter the way visitors name it: the department's everyday name
(社保, 公积金), a keyword from the center file (营业执照), full pinyin (shebao), initials
(sb); the matter's own name ranks above a match inside a department's name (zzz is not
自治州 of the tax office). Screenshots go to test-artifacts/kiosk/."""

from __future__ import annotations

import pytest

from tests.support.hubproc import HubProcess

pytestmark = pytest.mark.browser

# typed → (the department or matter the first results must belong to)
SEARCHES = {
    "社保": "social-insurance", "shebao": "social-insurance", "sb": "social-insurance",
    "公积金": "housing-fund", "gjj": "housing-fund",
}


@pytest.fixture(scope="module")
def search_hub(tmp_path_factory):
    process = HubProcess(tmp_path_factory.mktemp("kiosk-search") / "var").start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def page(chromium, search_hub):
    context = chromium.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{search_hub.url}/kiosk/?key=demo-kiosk-1")
    page.locator("#search-open").click()
    yield page
    context.close()
    assert errors == []


def results(page, typed: str) -> list[dict]:
    page.fill("#search-input", typed)
    page.dispatch_event("#search-input", "input")
    return page.evaluate("""() => [...document.querySelectorAll('#results .row')].map(r => ({
        name: r.querySelector('.row-name').textContent, id: r.dataset.matter || ''}))""")


def matter_units(search_hub) -> dict[str, str]:
    import requests
    matters = requests.get(search_hub.url + "/api/v1/kiosk/matters", headers={"X-Device-Key": "demo-kiosk-1"},
                           timeout=10).json()
    return {m["name"]: m for m in matters}


def named_so(matter: dict, typed: str) -> bool:
    """The matter's own name matches what was typed (which outranks its department)."""
    return typed in matter["name"] or matter["initials"].startswith(typed) or matter["pinyin"].startswith(typed)


def test_everyday_names_pinyin_and_initials(page, search_hub, artifacts):
    units = matter_units(search_hub)
    for typed, unit in SEARCHES.items():
        found = results(page, typed)
        assert found, typed
        first = found[:3]
        assert all(units[r["name"]]["unit_id"] == unit or named_so(units[r["name"]], typed) for r in first), \
            (typed, first)
        assert sum(units[r["name"]]["unit_id"] == unit for r in first) >= 2, (typed, first)
    found = results(page, "营业执照")
    assert found[0]["name"] in ("企业设立登记", "个体工商户登记"), found[:3]
    page.screenshot(path=str(artifacts / "kiosk" / "search-keyword.png"))


def test_a_departments_name_does_not_outrank_the_matter(page, search_hub):
    units = matter_units(search_hub)
    assert not [r for r in results(page, "zzz") if units[r["name"]]["unit_id"] == "tax"]
    found = results(page, "hkqr")
    assert found[0]["name"] == "户口迁入"


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
def test_english_header_and_ticket_screen_fit(chromium, search_hub, artifacts, size):
    from tests.support.layout import assert_clean

    width, height = size
    context = chromium.new_context(viewport={"width": width, "height": height}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{search_hub.url}/kiosk/?key=demo-kiosk-1&lang=en")
        page.locator("[data-screen=home] .group-tile").first.wait_for()
        page.wait_for_function("() => document.getElementById('clock').textContent.length > 0")
        page.screenshot(path=str(artifacts / "kiosk" / f"en-{width}x{height}-home.png"))
        assert_clean(page, "#center-name", ".subtitle", "#clock", "#langs")
        page.click("#search-open")
        results(page, "hkqr")
        page.locator("#results .row").first.click()
        page.click("#take-ticket")
        page.locator("section[data-screen=ticket]:not([hidden])").wait_for()
        page.wait_for_function("() => document.getElementById('countdown').textContent.length > 0")
        page.screenshot(path=str(artifacts / "kiosk" / f"en-{width}x{height}-ticket.png"))
        assert_clean(page, "#ticket-done", "#countdown", "footer.bottom")
        assert page.inner_text("#ticket-done")
    finally:
        context.close()


def test_the_first_screen_leads_with_what_visitors_come_for(chromium, search_hub, artifacts):
    """The most issued matters of recent weeks come first, then departments by everyday name, each with the icon its
    center file names (drawn from the hub's own server/static/unit-icons.svg: no network
    beyond the hub); English mode says once that some names are in Chinese only. With
    appointments and pickup on, the landscape screen still shows every department."""
    from tests.support.api import Api
    from tests.support.layout import assert_clean

    kiosk = Api.kiosk(search_hub.url)
    for matter, n in (("fund-withdraw", 25), ("hukou-move-in", 15)):
        for _ in range(n):
            kiosk.issue(matter)
    config = Api.kiosk(search_hub.url).get("/kiosk/config").json()
    icons = {unit["id"]: unit["icon"] for unit in Api(search_hub.url).get("/center").json()["units"]}
    assert (icons["police"], icons["tax"], icons["xihai-town"]) == ("police", "tax", "government")
    assert config["popular_matters"][:2] == ["fund-withdraw", "hukou-move-in"]
    for lang, size in (("zh", (1080, 1920)), ("en", (1920, 1080))):
        context = chromium.new_context(viewport={"width": size[0], "height": size[1]}, has_touch=True)
        try:
            page = context.new_page()
            page.goto(f"{search_hub.url}/kiosk/?key=demo-kiosk-1&lang={lang}")
            page.locator("#popular .popular-tile").first.wait_for()
            ids = page.evaluate("() => [...document.querySelectorAll('#popular .popular-tile')].map(b => b.dataset.matter)")
            assert ids[:2] == ["fund-withdraw", "hukou-move-in"]
            chips = page.locator("#everyday-units .unit-chip").all_inner_texts()
            assert ("社保" in chips) if lang == "zh" else ("Social Insurance" in chips)
            page.locator("#checkin-open").wait_for()  # the demo hall takes appointments
            drawn = page.evaluate("""() => [...document.querySelectorAll('#everyday-units .unit-chip')].map(b =>
                [b.dataset.unit, b.dataset.icon, b.querySelector('use').getBBox().width > 0])""")
            assert len(drawn) == 11 and all(shown for _, _, shown in drawn), drawn
            assert all(icon == icons[unit] for unit, icon, _ in drawn), drawn
            note = page.locator("#zh-only-note")
            assert note.is_visible() == (lang == "en")
            page.screenshot(path=str(artifacts / "kiosk" / f"home-{lang}-{size[0]}x{size[1]}.png"))
            chips = "#everyday-units .unit-chip" + (":first-child" if size[0] < size[1] else "")
            assert_clean(page, "#search-open", "#checkin-open", "#pickup-open", "#popular", chips, "footer.bottom")
            page.click('#popular .popular-tile[data-matter="fund-withdraw"]')
            page.locator("section[data-screen=guide]:not([hidden])").wait_for()
        finally:
            context.close()
