"""Build hook (everything else is in setup.cfg): a wheel carries the compiled
translation catalogs (``.mo``) beside their ``.po`` sources, so an installed hub never
needs to write into its own package folders."""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PACKAGES_WITH_CATALOGS = ("server", "kiosk", "display", "counter", "manager", "rate")


def _compile_catalogs(root: Path) -> int:
    source = Path(__file__).resolve().with_name("server") / "catalogs.py"
    spec = importlib.util.spec_from_file_location("yimen_build_catalogs", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.compile_catalogs(root / name / "translations" for name in PACKAGES_WITH_CATALOGS)


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install compiles them at start instead
            _compile_catalogs(Path(self.build_lib))


setup(cmdclass={"build_py": BuildWithCatalogs})
