"""server/static/yimen-client.js in a real browser: the error shape, translations, labels."""

from __future__ import annotations


def test_rest_answers_and_refusals_have_one_shape(screens):
    page = screens.open("/counter/", 1366, 768)
    page.wait_for_function("() => window.Yimen")
    ok = page.evaluate("() => Yimen.client()('GET', '/queues').then((qs) => qs.length)")
    assert ok == 36  # the demo hall's queues, the results pickup queue included
    refused = page.evaluate("() => Yimen.client()('GET', '/windows/w99').catch((e) => e)")
    assert refused == {**refused, "status": 401, "code": "unauthorized"}
    missing = page.evaluate("() => Yimen.client()('GET', '/pages/nowhere/config').catch((e) => e)")
    assert missing["status"] == 404 and missing["code"] == "unknown_page" and "nowhere" in missing["message"]
    answer = page.evaluate("() => Yimen.exchange('GET', '/pages/counter/config')")
    assert answer["status"] == 200 and answer["ok"] and answer["data"]["page"] == "counter"
    unreachable = page.evaluate(
        "() => Yimen.client()('GET', '/queues', undefined, {base: 'http://127.0.0.1:9'}).catch((e) => e)")
    assert unreachable == {"status": 0, "code": "network", "message": "", "details": {}}


def test_texts_and_labels_come_from_the_boot_data(screens):
    page = screens.open("/counter/?lang=en", 1366, 768)
    page.wait_for_function("() => window.Yimen")
    got = page.evaluate("""() => {
      const config = Yimen.boot("page-config");
      const t = Yimen.translator(config.texts), label = Yimen.labeller(config.labels);
      return [t("已呼叫 {number}", {number: "B007"}), label("ticket_statuses", "no_show"),
              label("priority_reasons", "nobody-knows"), t("no such msgid")];
    }""")
    assert got[0] == "Called B007" and got[1] and got[1] != "已过号"
    assert got[2:] == ["nobody-knows", "no such msgid"]
