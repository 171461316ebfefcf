"""The blueprints' catalogs are merged into one: a msgid may have only one translation
per language unless a ``msgctxt`` keeps the meanings apart (style.md, "one meaning per
message")."""

from __future__ import annotations

from collections import defaultdict

from babel.messages.pofile import read_po

from server.i18n import translation_directories


def test_no_msgid_means_two_things_without_a_context():
    translations: dict[tuple, dict[str, str]] = defaultdict(dict)
    for directory in translation_directories():
        for po in directory.glob("*/LC_MESSAGES/*.po"):
            language = po.parent.parent.name
            with po.open("rb") as src:
                for message in read_po(src):
                    if message.id and message.string:
                        key = (language, message.context, message.id)
                        translations[key][directory.parent.name] = message.string
    clashes = {key: found for key, found in translations.items() if len(set(found.values())) > 1}
    assert clashes == {}
