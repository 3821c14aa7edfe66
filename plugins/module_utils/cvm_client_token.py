# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The clientToken a create sends when the user gives none.

RunInstancesHour treats requests with the same clientToken as one request
(spec 3.1), so a create whose answer was lost is not repeated when it is sent
again. The token is a hash of the request and of the IDs of the matching
instances that already exist: every retry of one create sends the same token,
while a later run, which sees different instances (after a give-back, or after
the first create succeeded), sends a new one.
"""

from __future__ import annotations

import hashlib
import json

TOKEN_PREFIX = "ansible-"
MAX_TOKEN_LENGTH = 64
# Never hashed: the password is a secret, and a hash of a short one could be
# guessed back from a token, which travels in requests and results. It does not
# define which instances a task manages either.
EXCLUDED_PARAMETERS = frozenset(("password", "clientToken"))


def derive_client_token(region, params, existing_ids):
    """``ansible-`` + 56 hex digits of SHA-256 over the region, the create parameters and the sorted existing IDs."""
    canonical = {
        "region": region,
        "params": {name: value for name, value in params.items() if name not in EXCLUDED_PARAMETERS},
        "existing": sorted(existing_ids),
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return TOKEN_PREFIX + digest[:MAX_TOKEN_LENGTH - len(TOKEN_PREFIX)]
