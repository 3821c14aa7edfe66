# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Write the instance keys of ``_cvm/model.py`` into the docs that list them.

The ``Instance`` dataclass is the one definition of an instance's keys. This
script renders it as the ``contains:`` of the modules' RETURN ``instances``
and as the host variable list of the inventory plugin, between the marker
lines ``# BEGIN instance keys`` and ``# END instance keys``. Run it after
changing the model; tests/unit/plugins/module_utils/test_instance_docs.py
fails while the docs and the model differ.

    python scripts/render-instance-docs.py          # rewrite the files
    python scripts/render-instance-docs.py --check  # exit 1 when a file is stale
"""

from __future__ import annotations

import json
import re
import sys
import textwrap

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "plugins" / "module_utils" / "_cvm" / "model.py"
TARGETS = {
    ROOT / "plugins" / "modules" / "cvm_instance_hour.py": "return",
    ROOT / "plugins" / "modules" / "cvm_instance_info.py": "return",
    ROOT / "plugins" / "inventory" / "cvm.py": "hostvars",
}
BEGIN = "# BEGIN instance keys (scripts/render-instance-docs.py)"
END = "# END instance keys"
TYPES = {
    "str": "str",
    "int": "int",
    "bool": "bool",
    "List[str]": "list",
    "List[Dict[str, Any]]": "list",
    "Dict[str, Any]": "dict",
    "Dict[str, str]": "dict",
    "Optional[str]": "str",
    "Optional[int]": "int",
}


def load_fields():
    """The Instance fields as (name, type, metadata), read without importing Ansible."""
    import importlib.util  # pylint: disable=import-outside-toplevel
    import types  # pylint: disable=import-outside-toplevel

    # model.py imports nothing of the collection; load it stand-alone.
    spec = importlib.util.spec_from_file_location("qcloud_cvm_model", MODEL)
    module = importlib.util.module_from_spec(spec)
    sys.modules["qcloud_cvm_model"] = module
    spec.loader.exec_module(module)
    assert isinstance(module, types.ModuleType)
    return [(field.name, TYPES[str(field.type)], field.metadata) for field in module.INSTANCE_FIELDS]


WIDTH = 110


def _scalar(value):
    return json.dumps(value, ensure_ascii=False)


def _folded(text, pad):
    """A YAML folded block (``>-`` and the wrapped lines), so no line passes the linter's length."""
    return [">-"] + [pad + line for line in textwrap.wrap(text, WIDTH)]


def render_return(fields, indent):
    pad = " " * indent
    lines = [pad + BEGIN]
    for name, kind, meta in fields:
        lines.append("{0}{1}:".format(pad, name))
        folded = _folded(meta["description"], pad + "    ")
        lines.append("{0}  description: {1}".format(pad, folded[0]))
        lines.extend(folded[1:])
        lines.append("{0}  type: {1}".format(pad, kind))
        if meta.get("elements"):
            lines.append("{0}  elements: {1}".format(pad, meta["elements"]))
        lines.append("{0}  sample: {1}".format(pad, _scalar(meta["sample"])))
        if meta.get("contains"):
            lines.append("{0}  contains:".format(pad))
            for sub_name, sub_kind, sub_description, sub_sample in meta["contains"]:
                lines.append("{0}    {1}:".format(pad, sub_name))
                folded = _folded(sub_description, pad + "        ")
                lines.append("{0}      description: {1}".format(pad, folded[0]))
                lines.extend(folded[1:])
                lines.append("{0}      type: {1}".format(pad, sub_kind))
                lines.append("{0}      sample: {1}".format(pad, _scalar(sub_sample)))
    lines.append(pad + END)
    return lines


def render_hostvars(fields, indent):
    pad = " " * indent
    lines = [pad + BEGIN]
    for name, _kind, meta in fields:
        folded = _folded("C(cvm_{0}): {1}".format(name, meta["description"]), pad + "    ")
        lines.append("{0}- {1}".format(pad, folded[0]))
        lines.extend(folded[1:])
    lines.append(pad + END)
    return lines


def rewrite(path, kind, fields):
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r"^( *)" + re.escape(BEGIN) + r"\n.*?^ *" + re.escape(END) + r"\n", re.S | re.M)
    match = pattern.search(text)
    if match is None:
        raise SystemExit("{0}: no '{1}' ... '{2}' block".format(path, BEGIN, END))
    indent = len(match.group(1))
    lines = render_return(fields, indent) if kind == "return" else render_hostvars(fields, indent)
    return text[: match.start()] + "\n".join(lines) + "\n" + text[match.end() :]


def main(argv):
    check = "--check" in argv
    fields = load_fields()
    stale = []
    for path, kind in TARGETS.items():
        new = rewrite(path, kind, fields)
        if new != path.read_text(encoding="utf-8"):
            stale.append(str(path.relative_to(ROOT)))
            if not check:
                path.write_text(new, encoding="utf-8")
    if check and stale:
        print("stale instance docs (run scripts/render-instance-docs.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
