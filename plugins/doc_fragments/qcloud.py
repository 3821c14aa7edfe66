# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options every module and the inventory plugin share: credentials,
    # region, endpoint and transport. The environment fallbacks named here are
    # implemented once, in module_utils/_ansible/options.py (COMMON_OPTION_ENV).
    DOCUMENTATION = r"""
options:
  secret_id:
    description:
      - The SecretId of a Tencent Cloud API key (it starts with C(AKID)).
      - If not set, the environment variable E(TENCENTCLOUD_SECRET_ID) is used.
      - Required, through the option or the environment.
    type: str
  secret_key:
    description:
      - The SecretKey of the same API key. It signs every request and is never sent, logged or returned.
      - If not set, the environment variable E(TENCENTCLOUD_SECRET_KEY) is used.
      - Required, through the option or the environment.
    type: str
  security_token:
    description:
      - The session token of temporary (STS) credentials (the C(Token) common parameter of the legacy API, the C(X-TC-Token) header of API 3.0).
      - Leave it unset for permanent API keys.
      - If not set, the environment variable E(TENCENTCLOUD_SECURITY_TOKEN) is used.
    type: str
  api:
    description:
      - Which Tencent Cloud API to call. The options of every module mean the same on both, and the same task moves from
        one to the other without buying anything again (the instances are found by the same identity, with the same IDs).
      - V(legacy) is the legacy API 2.0 (C(RunInstancesHour) on C(cvm.api.qcloud.com/v2/index.php), HmacSHA256 over form
        POST), the collection's original job. Tencent has served it to no new account since 2023-01-01 and is retiring it
        for the rest.
      - V(v3) is Tencent Cloud API 3.0 (C(RunInstances) with C(InstanceChargeType=POSTPAID_BY_HOUR) on
        C(cvm.tencentcloudapi.com), TC3-HMAC-SHA256 over JSON POST), what an account made today needs.
      - If not set, the environment variable E(QCLOUD_CVM_API) is used, and if that is not set either, V(legacy).
    type: str
    choices: [legacy, v3]
  region:
    description:
      - The region to work in, as a legacy short code such as V(gz), V(sh) or V(bj),
        or as its API 3.0 name such as V(ap-guangzhou); both spellings work with both values of O(api).
      - The legacy API is sent the short code, API 3.0 the 3.0 name; results always carry the 3.0 name.
      - If not set, the environment variable E(TENCENTCLOUD_REGION) is used.
      - Required, through the option or the environment.
    type: str
  endpoint:
    description:
      - The URL of the chosen API.
      - Point it at a local emulator for tests, for example V(http://127.0.0.1:8080/v2/index.php) with O(api=legacy)
        or V(http://127.0.0.1:8080) with O(api=v3). Every action of the API is then sent to that URL, those of
        other hosts included (the legacy security-group actions of C(dfw.api.qcloud.com), the 3.0 C(vpc) service).
      - If not set, the environment variable E(QCLOUD_CVM_ENDPOINT) is used, and if that is not set either,
        V(https://cvm.api.qcloud.com/v2/index.php) for O(api=legacy) and V(https://cvm.tencentcloudapi.com) for O(api=v3)
        (V(https://cvm.<region>.tencentcloudapi.com) for the finance regions, which only their own host serves).
      - A malformed URL (no scheme, a port that is not a number from 1 to 65535, a broken IPv6 literal) fails before any request.
    type: str
  validate_certs:
    description:
      - Whether to verify the endpoint's TLS certificate.
      - To trust a private certificate authority, point the environment variable E(REQUESTS_CA_BUNDLE)
        at its PEM file instead of turning verification off.
      - Turning verification off is for tests only; the collection warns when it is off.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for the endpoint to answer one HTTP request before giving up on that attempt.
    type: float
    default: 30
  retries:
    description:
      - How many times to retry a request that failed in a way that is safe to retry
        (the API answered that it is busy or rate-limited, an HTTP 5xx answer, a connection error or a timeout).
      - Retries wait with capped exponential backoff and jitter, and send the same request again
        (signed anew; a create keeps its client token, so it never creates twice).
      - V(0) disables retries.
    type: int
    default: 4
requirements:
  - requests >= 2.25
notes:
  - With O(api=legacy) every request is signed with HmacSHA256; with O(api=v3) with TC3-HMAC-SHA256.
"""

    # The instance filters of the inventory plugin and of cvm_instance_info
    # (one implementation: module_utils/_cvm/filters.py).
    FILTERS = r"""
options:
  zone_ids:
    description:
      - Only instances in one of these zones, for example V(100003).
      - A zone is asked for in its own region only (the region follows from the leading digits of the zone ID, as for
        every documented zone, for example V(100003) is in V(ap-guangzhou)), so a zone of a region that is not listed
        matches nothing and is not asked for.
        A zone whose region is not known is looked for in every listed region, in code.
    type: list
    elements: int
  project_ids:
    description:
      - Only instances in one of these projects; V(0) is the default project.
    type: list
    elements: int
  instance_ids:
    description:
      - Only these instances, by their C(ins-...) IDs.
    type: list
    elements: str
  instance_names:
    description:
      - Only instances whose name is exactly one of these (case-sensitive), so that a play can target exactly the
        instances a M(qcloud.cvm.cvm_instance_hour) task with the same O(qcloud.cvm.cvm_instance_hour#module:instance_name) manages.
    type: list
    elements: str
  search_word:
    description:
      - Only instances whose name contains this text, compared case-insensitively.
    type: str
  statuses:
    description:
      - Only instances in one of these states, for example V(running), V(pending) and V(stopped).
      - When not set, every instance except those given back (V(terminated)) or being given back (V(terminating)).
      - An empty list lists every state.
    type: list
    elements: str
    choices: [pending, launch_failed, running, operating, stopped, starting, stopping, rebooting, terminating, terminated, fault, maintenance]
  expires_within:
    description:
      - Only instances whose expiry timer gives them back within this time from now, for example V(24h) or V(2d)
        (see O(qcloud.cvm.cvm_instance_hour#module:expire_after)); instances without a timer never match.
      - Timers exist on API 3.0 only, so on the legacy API nothing matches.
    type: str
"""
