# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RunInstances value rules that are text rules: password, names and their patterns, host names, tags.

* Password (api-notes/v3.md 3.1.1): Linux 8-30 characters with at least 2
  of the classes [a-z], [A-Z], [0-9], specials; Windows 12-30 with at least
  3; specials ``( ) ` ~ ! @ # $ % ^ & * - + = | { } [ ] : ; ' , . ? /`` for
  both (the pipe included); any other character -> ``InvalidPassword``.
* InstanceName: with InstanceCount > 1 and no pattern, ``1..n`` is appended
  (``web-`` -> ``web-1``, ``web-2``); ``{R:x}`` expands to x, x+1, ... (also
  for one instance); ``{R:x,F:y}`` pads the number with zeros to y digits
  ([INF] reading of the F part).
* HostName: the same patterns plus ``{IP}`` (the private IP, dots as
  dashes); then Linux [2, 60] characters of letters, digits, ``-`` and
  ``.``-separated segments, Windows [2, 15] without dots and not all
  digits; ``.``/``-`` never first, last or doubled.
* Tags: key 1-127 and value 0-255 characters of letters (any script),
  digits, spaces and ``+ - = . _ : / @ ( ) [ ]``; keys starting with
  ``qcloud``, ``tencent`` or ``project`` (any case) are reserved ([EMU]);
  at most 50 per instance; a key twice -> ``InvalidParameterValue.DuplicateTags``.
* UserData (v3.md 10.5, 10.7 item 8): strict base64 (RFC 4648 alphabet,
  padding required, no line breaks or spaces) else
  ``InvalidParameterValue.InvalidUserDataFormat``; at most 16384 characters
  *encoded* (TF's reading of "16 KB") else ``InvalidParameterValue``.  An
  empty string counts as no user data.
* ActionTimer (v3.md 10.1.1, 10.7 item 1): ``TimerAction``
  ``TerminateInstances`` (the default when absent, the only value; anything
  else ``InvalidParameterValue``); ``ActionTime`` exactly
  ``YYYY-MM-DDThh:mm:ssZ`` (UTC) else ``InvalidParameterValue.InvalidTimeFormat``,
  more than 5 minutes after the emulator's clock else ``InvalidParameterValue``
  (the real code is [UNK]); no latest time.  The output-only fields
  (``Externals``, ``ActionTimerId``, ``Status``, ``InstanceId``) are ignored.
"""

import base64
import binascii
import re
import string

from .. import timers
from .errors import V3Error, invalid_value

SPECIALS = "()`~!@#$%^&*-+=|{}[]:;',.?/"
_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, SPECIALS)
_ALLOWED = set("".join(_CLASSES))
PATTERN = re.compile(r"\{R:(\d+)(?:,F:(\d+))?\}")
_HOST_SEGMENT = re.compile(r"[A-Za-z0-9-]+")
_TAG_TEXT = re.compile(r"[\w +\-=.:/@()\[\]]*")
RESERVED_TAG_PREFIXES = ("qcloud", "tencent", "project")
MAX_TAGS = 50
MAX_USER_DATA = 16384
TIMER_LEAD = 300


def check_password(password, windows):
    low, need = (12, 3) if windows else (8, 2)
    used = sum(1 for chars in _CLASSES if any(ch in chars for ch in password))
    if not low <= len(password) <= 30 or any(ch not in _ALLOWED for ch in password) or used < need:
        kind = "Windows" if windows else "Linux"
        raise V3Error(
            "InvalidPassword",
            (
                f"LoginSettings.Password does not meet the {kind} rules: {low}-30 characters with at least {need} of "
                f"[a-z], [A-Z], [0-9] and the specials {SPECIALS}"
            ),
        )


def expand(text, count, index_ip=None):
    """The ``count`` names made from ``text`` (patterns, or a 1..n suffix when count > 1)."""
    has_pattern = PATTERN.search(text) is not None or (index_ip is not None and "{IP}" in text)
    names = []
    for index in range(count):
        name = PATTERN.sub(lambda match, i=index: str(int(match.group(1)) + i).zfill(int(match.group(2) or 0)), text)
        if index_ip is not None:
            name = name.replace("{IP}", index_ip(index).replace(".", "-"))
        if not has_pattern and count > 1:
            name = f"{name}{index + 1}"
        names.append(name)
    return names


def check_host_name(name, windows):
    bad = V3Error(
        "InvalidParameterValue.IllegalHostName",
        (
            f"HostName {name!r} breaks the rules: "
            + (
                "Windows 2-15 characters of letters, digits and '-', no dots, not all digits"
                if windows
                else "Linux 2-60 characters; dot-separated segments of letters, digits and '-'"
            )
            + "; '.' and '-' never first, last or doubled"
        ),
    )
    if name[:1] in ".-" or name[-1:] in ".-" or ".." in name or "--" in name or ".-" in name or "-." in name:
        raise bad
    if windows:
        if not 2 <= len(name) <= 15 or "." in name or name.isdigit() or not _HOST_SEGMENT.fullmatch(name):
            raise bad
    elif not 2 <= len(name) <= 60 or not all(_HOST_SEGMENT.fullmatch(part) for part in name.split(".")):
        raise bad


def check_tags(tags):
    """``[{"Key", "Value"}]`` -> ``[[key, value]]``."""
    if len(tags) > MAX_TAGS:
        raise V3Error("InvalidParameterValue.TagQuotaLimitExceeded", f"at most {MAX_TAGS} tags per instance, got {len(tags)}")
    seen, result = set(), []
    for tag in tags:
        key, value = tag["Key"], tag["Value"]
        if not 1 <= len(key) <= 127 or not _TAG_TEXT.fullmatch(key):
            raise V3Error("FailedOperation.IllegalTagKey", f"tag key {key!r} is empty, too long (127) or has illegal characters")
        if key.lower().startswith(RESERVED_TAG_PREFIXES):
            raise V3Error("FailedOperation.TagKeyReserved", f"tag key {key!r} is reserved (qcloud*, tencent*, project*)")
        if len(value) > 255 or not _TAG_TEXT.fullmatch(value):
            raise V3Error("FailedOperation.IllegalTagValue", f"tag value {value!r} of {key!r} is too long (255) or has illegal characters")
        if key in seen:
            raise V3Error("InvalidParameterValue.DuplicateTags", f"tag key {key!r} is given twice")
        seen.add(key)
        result.append([key, value])
    return result


def check_user_data(text, where="UserData"):
    """The user data to store (the text as received), or None for an empty string."""
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise V3Error("InvalidParameterValue.InvalidUserDataFormat", f"{where} must be base64 encoded (RFC 4648, with padding)") from None
    if len(text) > MAX_USER_DATA:
        raise invalid_value(f"{where} is limited to {MAX_USER_DATA} characters of base64, got {len(text)}")
    return text or None


def check_action_timer(timer, now, where="ActionTimer"):
    """The checked ``ActionTime`` as Unix seconds."""
    action = timer.get("TimerAction")
    if action is not None and action != timers.TERMINATE:
        raise invalid_value(f"{where}.TimerAction must be {timers.TERMINATE}, got {action!r}")
    text = timer["ActionTime"]
    when = timers.parse_iso(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", text) else None
    if when is None:
        raise V3Error("InvalidParameterValue.InvalidTimeFormat", f"{where}.ActionTime must be YYYY-MM-DDThh:mm:ssZ (UTC), got {text!r}")
    if when <= now + TIMER_LEAD:
        raise invalid_value(f"{where}.ActionTime {text} must be more than 5 minutes after now ({timers.iso_utc(now)})")
    return when
