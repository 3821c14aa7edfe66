# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The backend interface: everything the modules and the inventory ask of an API.

Private: may change without notice. A backend serves one API in one region.
It takes and returns neutral values only (``Instance``, ``InstanceSpec``,
``Quote``, ``Page``), so the code above it never sees a parameter name, a
status code or a record of either API. ``open_backend`` (in
``_cvm/backends.py``) picks the implementation for the ``api`` option.
"""

from __future__ import annotations

import dataclasses

from typing import Any, List, Optional, Sequence

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import TaskFailure
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import Instance, InstanceSpec

# The most instances one listing page holds, on both APIs.
MAX_PAGE_SIZE = 100


class ZoneUnavailable(TaskFailure):
    """The zone does not sell (or has sold out) what the spec asks for: a create may try another zone."""

    def __init__(self, message, cause=None, sold_out=False):
        super().__init__(message, cause)
        self.sold_out = sold_out


@dataclasses.dataclass
class Page:
    """One page of a listing: how many instances match in all, and this page's."""

    total: int
    instances: List[Instance]


@dataclasses.dataclass
class Quote:
    """The API's price for ``count`` instances of a spec."""

    count: int
    instance_price: float
    bandwidth_price: float
    bandwidth_price_unit: str
    # The instances, plus the bandwidth when it is billed by the hour.
    hourly_price: float

    def as_dict(self):
        return {
            "goods_num": self.count,
            "instance_price": self.instance_price,
            "bandwidth_price": self.bandwidth_price,
            "bandwidth_price_unit": self.bandwidth_price_unit,
            "hourly_price": self.hourly_price,
        }


@dataclasses.dataclass
class Outcome:
    """What happened to one instance in a change that touches many; ``error`` is None on success."""

    instance_id: str
    error: Optional[Exception] = None

    @property
    def ok(self):
        return self.error is None


class Backend:
    """One API in one region. Every method may raise the errors of ``_api/errors.py``."""

    api: str = ""
    region: str = ""
    # Whether a new instance without security groups has every port open (legacy: no group is bound at create).
    open_without_security_groups: bool = False
    # Whether a create binds security groups itself (else they are bound once the instances run).
    binds_security_groups_at_create: bool = True
    # Whether listings report an instance's security groups in priority order.
    groups_ordered: bool = True
    # The Instance attributes complete_instances fills in (the listing does not report them).
    completed_attributes: frozenset = frozenset()

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far (benchmarks and tests read it)."""
        raise NotImplementedError

    # -- reading -------------------------------------------------------------

    def list_queries(self, instance_filter) -> List[Any]:
        """The request streams that list what ``instance_filter`` asks for in this region (opaque to callers).

        An empty list means nothing can match here. The streams may list more
        than the filter asks for; callers check every instance with the filter.
        """
        raise NotImplementedError

    def list_page(self, query: Any, offset: int, limit: int = MAX_PAGE_SIZE) -> Page:
        """One page of one stream of ``list_queries``."""
        raise NotImplementedError

    def find(self, zone_ids: Sequence[int], instance_name: str) -> List[Instance]:
        """Every listed instance named exactly ``instance_name`` in one of the zones, in any status."""
        raise NotImplementedError

    def find_by_client_token(self, client_token: str) -> List[Instance]:
        """The listed instances a create with ``client_token`` made, where the API can tell (API 3.0: a tag); [] elsewhere."""
        return []

    def get(self, instance_ids: Sequence[str]) -> List[Instance]:
        """The listed instances among ``instance_ids`` (an ID the API does not list is simply absent)."""
        raise NotImplementedError

    # -- buying --------------------------------------------------------------

    def quote(self, spec: InstanceSpec, count: int) -> Quote:
        """The price of ``count`` instances of ``spec``; raises ApiError when the API refuses the parameters."""
        raise NotImplementedError

    def dry_run(self, spec: InstanceSpec, count: int, client_token: Optional[str] = None) -> None:
        """Have the API check a create without buying, where it can (check mode); raises ApiError when it would refuse."""

    def create(self, spec: InstanceSpec, count: int, client_token: str) -> List[str]:
        """Buy ``count`` instances of ``spec`` in one request; the IDs the API answered.

        ``client_token`` makes the request idempotent: the same token gets the
        same answer back and buys nothing more.
        """
        raise NotImplementedError

    def complete_instances(self, instances: Sequence[Instance]) -> None:
        """Fill in what the listing does not report (legacy: the security groups; API 3.0: the expiry timers)."""

    def user_data(self, instance_ids: Sequence[str]) -> dict:
        """The user data of each instance, as text (None without any); {} where the API cannot tell."""
        return {}

    def unknown_security_groups(self, group_ids: Sequence[str]) -> List[str]:
        """The IDs among ``group_ids`` that are no security group of this region (empty where the API cannot tell cheaply)."""
        return []

    # -- changing in place -----------------------------------------------------

    def set_bandwidth(self, instance_ids: Sequence[str], bandwidth: int) -> List[Outcome]:
        """Change the public bandwidth (Mbps) of each instance; one Outcome per ID, in order."""
        raise NotImplementedError

    def set_security_groups(self, instance_ids: Sequence[str], group_ids: Sequence[str]) -> List[Outcome]:
        """Bind exactly ``group_ids`` (in priority order) to each instance; one Outcome per ID, in order."""
        raise NotImplementedError

    def set_expiry(self, instance_ids: Sequence[str], moment: Optional[str]) -> List[Outcome]:
        """Make each instance's expiry timer give it back at ``moment`` (ISO 8601 UTC); one Outcome per ID."""
        raise NotImplementedError

    def set_termination_protection(self, instance_ids: Sequence[str], protected: bool) -> List[Outcome]:
        """Turn the API's termination protection on or off; one Outcome per ID."""
        raise NotImplementedError

    def start(self, instance_ids: Sequence[str]) -> List[Outcome]:
        """Start stopped instances; one Outcome per ID, in order."""
        raise NotImplementedError

    def stop(self, instance_ids: Sequence[str], force: bool = False, stop_charging: bool = False) -> List[Outcome]:
        """Stop running instances (``force``: hard stop when a soft one fails; ``stop_charging``: API 3.0 only); one Outcome per ID."""
        raise NotImplementedError

    def restart(self, instance_ids: Sequence[str], force: bool = False) -> List[Outcome]:
        """Restart running instances; one Outcome per ID, in order."""
        raise NotImplementedError

    def after_create(self, instance_ids: Sequence[str], spec: InstanceSpec) -> List[Outcome]:
        """Whatever a create leaves to do before its instances look like the task's (API 3.0: the names); one Outcome per ID."""
        return [Outcome(instance_id) for instance_id in instance_ids]

    # -- giving back ---------------------------------------------------------

    def give_back(self, instance_ids: Sequence[str]) -> List[Outcome]:
        """Give the instances back; one Outcome per ID, in order. An instance already gone counts as given back."""
        raise NotImplementedError
