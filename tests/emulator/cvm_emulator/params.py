# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Decoding request parameters (api-notes/legacy.md sections 1.1, 1.3, 1.4)."""

import re

from urllib.parse import parse_qsl

from .errors import NOT_INTEGER, RULE, invalid

_INT = re.compile(r"-?[0-9]+")
MAX_FIELDS = 2000


def decode(raw):
    """Parse a query string or form body (bytes or str).

    Returns ``(received, params)``: ``received`` maps the keys exactly as sent
    (for the request log), ``params`` maps keys with ``_`` turned back into
    ``.`` -- the legacy PHP back end does that, so ``a_0`` and ``a.0`` are the
    same parameter.  A repeated key keeps its last value, as PHP does.
    """
    try:
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError as exc:
        raise invalid(f"parameters are not valid UTF-8 ({exc.reason})", RULE) from None
    except ValueError as exc:
        raise invalid(f"cannot decode parameters: {exc}", RULE) from None
    received = dict(pairs)
    params = {key.replace("_", "."): value for key, value in pairs}
    return received, params


def present(params, name):
    """An empty value counts as absent ([EMU])."""
    return params.get(name, "") != ""


def to_int(name, value):
    if not _INT.fullmatch(value):
        raise invalid(f"{name} must be an integer, got {value!r}", NOT_INTEGER)
    return int(value)


def optional_int(params, name, default=None):
    if not present(params, name):
        return default
    return to_int(name, params[name])


def list_values(params, name):
    """Values of ``name.N`` ordered by numeric N; gaps ignored, empty values skipped.

    A bare ``name`` or a non-numeric suffix is rejected: it is a client bug
    that the real gateway would silently ignore ([EMU]).
    """
    if present(params, name):
        raise invalid(f"{name} is a list: send it as {name}.0, {name}.1, ...", RULE)
    prefix = name + "."
    indexed = []
    for key, value in params.items():
        if not key.startswith(prefix):
            continue
        suffix = key[len(prefix) :]
        if not suffix.isdigit() or not suffix.isascii():
            raise invalid(f"{key}: list index must be a non-negative integer", RULE)
        if value != "":
            indexed.append((int(suffix), value))
    indexed.sort(key=lambda item: item[0])
    return [value for _index, value in indexed]


def nested_list(params, name, scalars, lists):
    """``name.N.key`` and ``name.N.key.M`` -> ``[(N, {key: value or [values]})]`` ordered by N.

    ``scalars`` and ``lists`` name the allowed keys; list values are ordered
    by numeric M, gaps ignored, empty values skipped.  Anything else under
    ``name.`` (unknown key, missing or non-numeric index) is a client bug and
    answers 4000 ([EMU], as ``list_values``).
    """
    if present(params, name):
        raise invalid(f"{name} is a list: send it as {name}.0.<field>, {name}.1.<field>, ...", RULE)
    prefix = name + "."
    expected = ", ".join([*scalars, *(f"{key}.M" for key in lists)])
    items = {}
    for key, value in params.items():
        if not key.startswith(prefix):
            continue
        parts = key[len(prefix) :].split(".")
        if not _index(parts[0]) or len(parts) < 2:
            raise invalid(f"{key}: expected {name}.N.<field> with a non-negative integer N", RULE)
        field = parts[1]
        if field in scalars and len(parts) == 2:
            slot = None
        elif field in lists and len(parts) == 3 and _index(parts[2]):
            slot = int(parts[2])
        else:
            raise invalid(f"{key}: unknown or malformed field (expected {prefix}N.<{expected}>)", RULE)
        if value == "":
            continue
        item = items.setdefault(int(parts[0]), {})
        if slot is None:
            item[field] = value
        else:
            item.setdefault(field, []).append((slot, value))
    ordered = []
    for index in sorted(items):
        item = items[index]
        for field in lists:
            if field in item:
                item[field] = [value for _slot, value in sorted(item[field], key=lambda pair: pair[0])]
        ordered.append((index, item))
    return ordered


def _index(text):
    return text.isdigit() and text.isascii()
