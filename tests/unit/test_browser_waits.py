"""Every page the hub serves forbids `eval` (Content-Security-Policy `script-src 'self'`).

Playwright's `wait_for_function` evaluates its text with `eval`. A function text
(`"() => ..."`) is evaluated once, in the inspector's first call, where the policy does
not apply, and then called on every poll. A bare expression is evaluated again on each
poll, from the page's own timer, and the browser refuses it: such a wait passes when the
condition already holds at the first look and fails when it does not. This test keeps
every wait in the suite written as a function.
"""
import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
FUNCTION_TEXT = re.compile(r"^\s*(\(|async\s*\(|function\b|[A-Za-z_$][\w$]*\s*=>)")


def _first_argument_texts():
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "wait_for_function" and node.args):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield path, node.lineno, first.value
                elif isinstance(first, ast.JoinedStr) and first.values:
                    head = first.values[0]
                    if isinstance(head, ast.Constant):
                        yield path, node.lineno, head.value


def test_the_suite_has_browser_waits_to_check():
    assert sum(1 for _ in _first_argument_texts()) >= 20


def test_every_browser_wait_is_a_function_text():
    bare = [f"{path.relative_to(TESTS)}:{line}: {text[:60]!r}"
            for path, line, text in _first_argument_texts() if not FUNCTION_TEXT.match(text)]
    assert bare == [], "write these waits as '() => ...':\n" + "\n".join(bare)
