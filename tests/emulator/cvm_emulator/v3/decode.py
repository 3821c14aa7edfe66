# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Request shape and parameters of the 3.0 face (api-notes/v3.md 1.2, 7 item 2).

* POST ``application/json`` (a charset or other parameter tolerated): the
  body is one JSON object; values keep their JSON types.
* GET: the query string, flattened (``Filters.0.Values.1=...``), is
  unflattened into the same nested shape; its values are strings, which
  ``schema`` converts to the declared types.
* POST ``multipart/form-data`` -> ``InvalidRequest``; POST form-urlencoded
  cannot carry TC3 (it is the v1 signature's format) -> the auth step
  answers; any other POST content type -> ``InvalidParameter``.

Sizes: POST bodies over 10 MB and GET queries over 32 KB answer
``RequestSizeLimitExceeded`` (section 1.2).
"""

import json

from urllib.parse import parse_qsl

from .errors import V3Error

MAX_BODY = 10 * 1024 * 1024
MAX_QUERY = 32 * 1024
MAX_FIELDS = 10000
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def media_type(content_type):
    """``application/json; charset=utf-8`` -> ``application/json`` (lower case)."""
    return (content_type or "").split(";")[0].strip().lower()


def check_size(method, raw_query, body):
    if method == "GET" and len(raw_query) > MAX_QUERY:
        raise V3Error("RequestSizeLimitExceeded", f"a GET query is limited to {MAX_QUERY} bytes, got {len(raw_query)}")
    if len(body) > MAX_BODY:
        raise V3Error("RequestSizeLimitExceeded", f"a request body is limited to {MAX_BODY} bytes, got {len(body)}")


def check_content_type(method, content_type):
    """Shape errors that come before authentication (the signature cannot be checked on such a request)."""
    if method != "POST":
        return
    kind = media_type(content_type)
    if kind == MULTIPART:
        raise V3Error("InvalidRequest", "multipart/form-data is used by no emulated action; send application/json")
    if kind not in (JSON, FORM):
        raise V3Error("InvalidParameter", f"POST bodies must be {JSON} (TC3), got Content-Type {content_type!r}")


def decode_params(method, raw_query, body):
    """The parameters as a dict, and whether its values came from a query string (all strings)."""
    if method == "GET":
        return unflatten(raw_query), True
    if not body.strip():
        return {}, False
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise V3Error("InvalidParameter", f"the body is not valid UTF-8 ({exc.reason})") from None
    except ValueError as exc:
        raise V3Error("InvalidParameter", f"the body is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise V3Error("InvalidParameter", f"the body must be a JSON object, got {type(value).__name__}")
    return value, False


def unflatten(raw_query):
    """``A.0.B=x&A.1.B=y&C=z`` -> ``{"A": [{"B": "x"}, {"B": "y"}], "C": "z"}``.

    Numeric segments make lists, ordered by number, gaps ignored (as the
    legacy face's ``name.N``); a repeated key keeps its last value.
    """
    try:
        pairs = parse_qsl(raw_query, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError as exc:
        raise V3Error("InvalidParameter", f"the query is not valid UTF-8 ({exc.reason})") from None
    except ValueError as exc:
        raise V3Error("InvalidParameter", f"cannot decode the query: {exc}") from None
    tree = {}
    for key, value in pairs:
        parts = key.split(".")
        if any(part == "" for part in parts):
            raise V3Error("InvalidParameter", f"malformed parameter name {key!r}")
        node = tree
        for depth, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise V3Error("InvalidParameter", f"{'.'.join(parts[: depth + 1])} is given both as a value and as a list or structure")
            node = child
        if isinstance(node.get(parts[-1]), dict):
            raise V3Error("InvalidParameter", f"{key} is given both as a value and as a list or structure")
        node[parts[-1]] = value
    return _lists(tree, "")


def _lists(node, path):
    if not isinstance(node, dict):
        return node
    keys = list(node)
    numeric = [key.isdigit() and key.isascii() for key in keys]
    if keys and all(numeric):
        return [_lists(node[key], f"{path}{key}.") for key in sorted(keys, key=int)]
    if any(numeric):
        raise V3Error("InvalidParameter", f"{path.rstrip('.')} mixes list indexes and field names")
    return {key: _lists(value, f"{path}{key}.") for key, value in node.items()}
