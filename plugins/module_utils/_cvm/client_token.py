# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client token a create sends when the user gives none.

Private: may change without notice. Both APIs treat creates with the same
token as one request (api-notes/legacy.md 3.1, api-notes/v3.md 4.1), so a
create whose answer was lost is not repeated when it is sent again. The token
is a hash of the region, the spec, the count and the IDs of the task's
instances that are listed: every retry of one create sends the same token,
while a later run, which sees other instances, sends another.
"""

from __future__ import annotations

import hashlib
import json

TOKEN_PREFIX = "ansible-"
MAX_TOKEN_LENGTH = 64


def derive_client_token(region, spec, count, existing_ids):
    """``ansible-`` + 56 hex digits of SHA-256 over the region, the spec (never its password), the count and the sorted IDs.

    The password is never hashed: a hash of a short one could be guessed back
    from the token, which travels in requests and results.
    """
    canonical = {
        "region": region,
        "spec": spec.fingerprint(),
        "count": count,
        "existing": sorted(existing_ids),
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return TOKEN_PREFIX + digest[: MAX_TOKEN_LENGTH - len(TOKEN_PREFIX)]
