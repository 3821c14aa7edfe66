# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Parameter shapes of the 3.0 actions and the first three validation stages (api-notes/v3.md 7 item 6).

Stages, each over the whole request before the next: a parameter the
action does not define (at any depth) -> UnknownParameter; a required one
absent -> MissingParameter; a value of the wrong JSON type ->
InvalidParameter.  Values decoded from a GET query are strings and are
converted here (``"20"`` -> 20, ``true``/``TRUE`` -> True).  Value rules
(enums, ranges, limits) are the actions' own, checked afterwards.

``IGNORED`` fields are documented parameters the emulator accepts and does
not use: any value passes.
"""

from .errors import V3Error

STR, INT, BOOL, FLOAT, IGNORED = "String", "Integer", "Boolean", "Float", "ignored"


class Field:
    __slots__ = ("kind", "required")

    def __init__(self, kind, required=False):
        self.kind = kind
        self.required = required


class Struct:
    __slots__ = ("fields",)

    def __init__(self, **fields):
        self.fields = {name: spec if isinstance(spec, Field) else Field(spec) for name, spec in fields.items()}


class List:
    __slots__ = ("item",)

    def __init__(self, item):
        self.item = item


def req(kind):
    return Field(kind, required=True)


FILTERS = List(Struct(Name=req(STR), Values=req(List(STR))))
IDS = List(STR)


def _type_name(kind):
    if isinstance(kind, Struct):
        return "a structure"
    if isinstance(kind, List):
        return "an array"
    return {STR: "a string", INT: "an integer", BOOL: "a boolean", FLOAT: "a number"}[kind]


def validate(schema, params, from_query):
    """Return the parameters with values converted to their declared types, or raise V3Error."""
    _unknown(schema, params, "")
    _missing(schema, params, "")
    return _convert(schema, params, "", from_query)


def _unknown(kind, value, path):
    if isinstance(kind, Struct) and isinstance(value, dict):
        for name, child in value.items():
            field = kind.fields.get(name)
            if field is None:
                raise V3Error(
                    "UnknownParameter",
                    f"{path}{name} is not a parameter of this action (or of {path.rstrip('.')})" if path else f"{name} is not a parameter of this action",
                )
            _unknown(field.kind, child, f"{path}{name}.")
    elif isinstance(kind, List) and isinstance(value, list):
        for index, child in enumerate(value):
            _unknown(kind.item, child, f"{path}{index}.")


def _missing(kind, value, path):
    if isinstance(kind, Struct) and isinstance(value, dict):
        for name, field in kind.fields.items():
            if field.required and value.get(name) is None:
                raise V3Error("MissingParameter", f"the required parameter {path}{name} is missing")
            if name in value:
                _missing(field.kind, value[name], f"{path}{name}.")
    elif isinstance(kind, List) and isinstance(value, list):
        for index, child in enumerate(value):
            _missing(kind.item, child, f"{path}{index}.")


def _convert(kind, value, path, from_query):
    where = path.rstrip(".") or "the request"
    if kind == IGNORED or value is None:
        return value
    if isinstance(kind, Struct):
        if not isinstance(value, dict):
            raise V3Error("InvalidParameter", f"{where} must be {_type_name(kind)}")
        return {name: _convert(kind.fields[name].kind, child, f"{path}{name}.", from_query) for name, child in value.items()}
    if isinstance(kind, List):
        if not isinstance(value, list):
            raise V3Error("InvalidParameter", f"{where} must be {_type_name(kind)}" + (f" (send {where}.0, {where}.1, ...)" if from_query else ""))
        return [_convert(kind.item, child, f"{path}{index}.", from_query) for index, child in enumerate(value)]
    converted = _scalar(kind, value, from_query)
    if converted is None:
        raise V3Error("InvalidParameter", f"{where} must be {_type_name(kind)}, got {value!r}")
    return converted


def _scalar(kind, value, from_query):
    if from_query and isinstance(value, str):
        return _from_text(kind, value)
    if kind == STR:
        return value if isinstance(value, str) else None
    if kind == BOOL:
        return value if isinstance(value, bool) else None
    if isinstance(value, bool):
        return None
    if kind == INT:
        return value if isinstance(value, int) else None
    return float(value) if isinstance(value, (int, float)) else None


def _from_text(kind, text):
    if kind == STR:
        return text
    if kind == BOOL:
        return {"true": True, "false": False}.get(text.lower())
    try:
        return int(text) if kind == INT else float(text)
    except ValueError:
        return None
