# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The layering rule, read from the import statements (ast) of every plugin file.

* Modules and the inventory plugin see neutral code only: nothing of ``_api.legacy``, ``_api.tc3``,
  ``_cvm.legacy`` or ``_cvm.v3``.
* The arrows point one way: ``_api`` imports nothing of ``_cvm`` or ``_ansible``; ``_cvm`` nothing of ``_ansible``.
* A wire protocol is used by its own backend only: ``_api/legacy.py`` by ``_cvm/legacy/`` and ``_cvm/backends.py``,
  ``_api/tc3.py`` by ``_cvm/v3/`` and ``_cvm/backends.py``.
"""

from __future__ import annotations

import ast

from pathlib import Path

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm import model

PACKAGE = "ansible_collections.qcloud.cvm"
UTILS = PACKAGE + ".plugins.module_utils"
# The collection under test: <root>/plugins/module_utils/_cvm/model.py.
ROOT = Path(model.__file__).resolve().parents[3]

BACKEND_PRIVATE = tuple(UTILS + suffix for suffix in ("._api.legacy", "._api.tc3", "._cvm.legacy", "._cvm.v3"))


def module_name(path):
    """The dotted name of a file of the collection (a package's ``__init__.py`` is the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE] + parts)


def imported_names(source, name, is_package=False):
    """Every module ``source`` (the text of module ``name``) imports, absolute, including ``from X import Y`` as ``X.Y``."""
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[: -(node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.add(module)
            found.update("{0}.{1}".format(module, alias.name) for alias in node.names)
    return found


def imports_of(path):
    return imported_names(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")


def within(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def python_files(*parts):
    return sorted(ROOT.joinpath(*parts).rglob("*.py"))


def plugin_files():
    return sorted(ROOT.joinpath("plugins", "modules").glob("*.py")) + sorted(ROOT.joinpath("plugins", "inventory").glob("*.py"))


# -- the checker itself ------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "from ansible_collections.qcloud.cvm.plugins.module_utils._api.legacy import LegacyClient",
        "from ansible_collections.qcloud.cvm.plugins.module_utils._api import tc3",
        "import ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.backend",
        "from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.backend import V3Backend",
        "from ..module_utils._cvm.legacy.records import instance_from_record",
        "from ..module_utils._api import legacy",
        "def f():\n    from ansible_collections.qcloud.cvm.plugins.module_utils._api.legacy import sign\n",
        "try:\n    import ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3\nexcept ImportError:\n    pass\n",
    ],
)
def test_the_checker_sees_every_way_to_import_a_backend(source):
    names = imported_names(source, PACKAGE + ".plugins.modules.cvm_example")
    assert any(within(name, prefix) for name in names for prefix in BACKEND_PRIVATE), names


@pytest.mark.parametrize(
    "source",
    [
        "from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import open_backend",
        "from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy_notes import x",
        "from ..module_utils._cvm import listing",
        "import json",
    ],
)
def test_the_checker_lets_neutral_imports_pass(source):
    names = imported_names(source, PACKAGE + ".plugins.modules.cvm_example")
    assert not any(within(name, prefix) for name in names for prefix in BACKEND_PRIVATE), names


def test_relative_imports_resolve_from_their_package():
    assert UTILS + "._api.errors" in imported_names("from .errors import ApiError", UTILS + "._api.base")
    assert UTILS + "._api.errors" in imported_names("from .._api.errors import ApiError", UTILS + "._cvm.listing")
    assert UTILS + "._cvm.legacy.records" in imported_names("from .records import status_name", UTILS + "._cvm.legacy", is_package=True)


def test_the_tree_is_where_the_test_looks():
    assert (ROOT / "galaxy.yml").is_file()
    assert plugin_files(), "no module or inventory plugin found under " + str(ROOT)
    assert python_files("plugins", "module_utils", "_api") and python_files("plugins", "module_utils", "_cvm")


# -- the rules -------------------------------------------------------------------------


@pytest.mark.parametrize("path", plugin_files(), ids=lambda path: path.name)
def test_modules_and_the_inventory_see_no_backend_internals(path):
    offending = sorted(name for name in imports_of(path) for prefix in BACKEND_PRIVATE if within(name, prefix))
    assert not offending, "{0} imports {1}".format(path.relative_to(ROOT), ", ".join(offending))


def offending_imports(files, forbidden):
    found = []
    for path in files:
        for name in sorted(imports_of(path)):
            if any(within(name, prefix) for prefix in forbidden):
                found.append("{0} imports {1}".format(path.relative_to(ROOT), name))
    return found


def test_api_imports_nothing_above_it():
    assert offending_imports(python_files("plugins", "module_utils", "_api"), (UTILS + "._cvm", UTILS + "._ansible")) == []


def test_cvm_imports_nothing_of_ansible_glue():
    assert offending_imports(python_files("plugins", "module_utils", "_cvm"), (UTILS + "._ansible",)) == []


@pytest.mark.parametrize(
    "protocol, owners",
    [
        ("legacy", ("plugins/module_utils/_cvm/legacy/", "plugins/module_utils/_cvm/backends.py")),
        ("tc3", ("plugins/module_utils/_cvm/v3/", "plugins/module_utils/_cvm/backends.py")),
    ],
)
def test_a_wire_protocol_is_imported_by_its_own_backend_only(protocol, owners):
    forbidden = (UTILS + "._api." + protocol,)
    others = [path for path in python_files("plugins") if not path.relative_to(ROOT).as_posix().startswith(owners) and path.name != protocol + ".py"]
    assert offending_imports(others, forbidden) == []


def test_the_legacy_protocol_is_reached_through_backends_only():
    users = sorted(
        path.relative_to(ROOT).as_posix() for path in python_files("plugins") if any(within(name, UTILS + "._api.legacy") for name in imports_of(path))
    )
    assert users and all(user.startswith(("plugins/module_utils/_cvm/legacy/", "plugins/module_utils/_cvm/backends.py")) for user in users)
