# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The instance keys in the docs are rendered from Instance (scripts/render-instance-docs.py) and are up to date."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys

from pathlib import Path

import yaml

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm import model
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import INSTANCE_FIELDS, INSTANCE_KEYS

# The collection under test: <root>/plugins/module_utils/_cvm/model.py.
ROOT = Path(model.__file__).resolve().parents[3]
SCRIPT = Path("scripts", "render-instance-docs.py")
RENDERED = (
    Path("plugins", "module_utils", "_cvm", "model.py"),
    Path("plugins", "modules", "cvm_instance_hour.py"),
    Path("plugins", "modules", "cvm_instance_info.py"),
    Path("plugins", "inventory", "cvm.py"),
)
TYPES = {str: "str", int: "int", bool: "bool", list: "list", dict: "dict"}


def doc_string(relative, name):
    """A module-level string constant of a plugin, read without importing it (the inventory plugin is controller code)."""
    tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(target, "id", None) for target in node.targets] == [name]:
            return node.value.value
    raise AssertionError("{0} has no {1}".format(relative, name))


def render(root, *args):
    return subprocess.run([sys.executable, str(root / SCRIPT)] + list(args), cwd=str(root), capture_output=True, text=True, timeout=60, check=False)


def test_the_rendered_docs_are_up_to_date():
    done = render(ROOT, "--check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_fails_on_a_stale_doc_and_rendering_fixes_it(tmp_path):
    for relative in (SCRIPT,) + RENDERED:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relative, tmp_path / relative)
    model_file = tmp_path / RENDERED[0]
    text = model_file.read_text(encoding="utf-8")
    assert '"The primary private IP."' in text
    model_file.write_text(text.replace('"The primary private IP."', '"The private IP of the primary network interface."'), encoding="utf-8")
    stale = render(tmp_path, "--check")
    assert stale.returncode == 1
    for target in RENDERED[1:]:
        assert target.as_posix() in stale.stdout
    assert render(tmp_path).returncode == 0
    assert render(tmp_path, "--check").returncode == 0
    assert "The private IP of the primary network interface." in (tmp_path / RENDERED[3]).read_text(encoding="utf-8")


def test_the_module_returns_document_every_instance_key_with_its_type():
    for module in RENDERED[1:3]:
        contains = yaml.safe_load(doc_string(module, "RETURN"))["instances"]["contains"]
        assert list(contains) == [field.name for field in INSTANCE_FIELDS], module
        for field in INSTANCE_FIELDS:
            documented = contains[field.name]
            assert documented["description"] == field.metadata["description"]
            sample = field.metadata["sample"]
            assert documented["sample"] == sample and documented["type"] == TYPES[type(sample)], field.name


def test_the_inventory_documents_every_host_variable():
    description = yaml.safe_load(doc_string(RENDERED[3], "DOCUMENTATION"))["description"]
    listed = [line.split(")", 1)[0][len("C(cvm_") :] for line in description if line.startswith("C(cvm_")]
    assert listed == [field.name for field in INSTANCE_FIELDS]
    assert set(listed) == INSTANCE_KEYS
