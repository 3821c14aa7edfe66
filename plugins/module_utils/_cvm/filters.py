# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which instances a user asked for: the filters of cvm_instance_info and of the inventory.

Private: may change without notice. ``InstanceFilter.matches`` checks one
neutral Instance; each backend turns the filter into its own request streams
(``Backend.list_queries``), which may list more than asked, never less, since
every instance is checked here as well.
"""

from __future__ import annotations

import time

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ConfigError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.expiry import TimeFormatError, parse_duration, parse_time
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import GONE_STATUSES, STATUS_NAMES
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.regions import zone_region

# The filter options, the same for the module and the inventory plugin.
FILTER_OPTIONS = ("zone_ids", "project_ids", "instance_ids", "instance_names", "search_word", "statuses", "expires_within")

# Without ``statuses``: everything but what was given back or is being given back.
DEFAULT_EXCLUDED_STATUSES = GONE_STATUSES


def filter_argument_spec():
    """The filter options as an Ansible argument spec (the module's; the plugin documents the same)."""
    return {
        "zone_ids": {"type": "list", "elements": "int"},
        "project_ids": {"type": "list", "elements": "int"},
        "instance_ids": {"type": "list", "elements": "str"},
        "instance_names": {"type": "list", "elements": "str"},
        "search_word": {"type": "str"},
        "statuses": {"type": "list", "elements": "str", "choices": list(STATUS_NAMES)},
        "expires_within": {"type": "str"},
    }


def _int_list(name, values):
    result = []
    for value in values or ():
        try:
            result.append(int(value))
        except (TypeError, ValueError):
            raise ConfigError("option '{0}': {1!r} is not an integer".format(name, value)) from None
    return result


def _str_list(values):
    return [str(value) for value in values or () if value is not None and str(value) != ""]


def _statuses(values):
    if values is None:
        return None
    statuses = _str_list(values)
    unknown = [status for status in statuses if status not in STATUS_NAMES]
    if unknown:
        raise ConfigError(
            "option 'statuses': unknown status {0}; use some of {1}".format(", ".join(repr(status) for status in unknown), ", ".join(STATUS_NAMES))
        )
    return sorted(set(statuses))


class InstanceFilter:
    """Every given filter must hold (AND); the values of one filter are alternatives (OR)."""

    def __init__(
        self, zone_ids=None, project_ids=None, instance_ids=None, instance_names=None, search_word=None, statuses=None, expires_within=None, clock=time.time
    ):
        self.zone_ids = sorted(set(_int_list("zone_ids", zone_ids)))
        self.project_ids = sorted(set(_int_list("project_ids", project_ids)))
        self.instance_ids = sorted(set(_str_list(instance_ids)))
        self.instance_names = sorted(set(_str_list(instance_names)))
        self.search_word = search_word or None
        # None: the default (all but DEFAULT_EXCLUDED_STATUSES); []: every status.
        self.statuses = _statuses(statuses)
        self._zone_set = frozenset(self.zone_ids)
        self._project_set = frozenset(self.project_ids)
        self._id_set = frozenset(self.instance_ids)
        self._name_set = frozenset(self.instance_names)
        self._status_set = frozenset(self.statuses) if self.statuses else None
        self._search_folded = self.search_word.casefold() if self.search_word else None
        self.expires_within = expires_within or None
        self._expiry_limit = None
        if self.expires_within:
            try:
                self._expiry_limit = clock() + parse_duration(self.expires_within)
            except TimeFormatError as error:
                raise ConfigError("option 'expires_within': {0}".format(error)) from None

    @classmethod
    def from_options(cls, options):
        """An InstanceFilter from a mapping holding (some of) FILTER_OPTIONS."""
        return cls(**{name: options.get(name) for name in FILTER_OPTIONS})

    def as_key(self):
        """The filter as plain data (part of the inventory's cache key)."""
        return {name: getattr(self, name) for name in FILTER_OPTIONS}

    def matches(self, instance):
        """Whether one Instance passes every filter."""
        status = instance.status
        if self._status_set is not None:
            if status not in self._status_set:
                return False
        elif self.statuses is None and status in DEFAULT_EXCLUDED_STATUSES:
            return False
        if self._zone_set and instance.zone_id not in self._zone_set:
            return False
        if self._project_set and instance.project_id not in self._project_set:
            return False
        if self._id_set and instance.instance_id not in self._id_set:
            return False
        name = instance.instance_name or ""
        if self._name_set and name not in self._name_set:
            return False
        # A case-insensitive substring: never stricter than the legacy API's fuzzy searchWord.
        if self._search_folded and self._search_folded not in name.casefold():
            return False
        return True

    def matches_completed(self, instance):
        """The checks that need what ``Backend.complete_instances`` fills in (the expiry); True when none applies."""
        if self._expiry_limit is None:
            return True
        return bool(instance.expire_time) and parse_time(instance.expire_time) <= self._expiry_limit

    def names_wanted(self):
        """The exact names to ask the API for (None: any name); [] when none can match the search word."""
        if not self.instance_names:
            return None
        return [name for name in self.instance_names if not self._search_folded or self._search_folded in name.casefold()]

    def zones_in(self, region):
        """The zones of the filter that may be in ``region``: None for "any zone" (no zone filter, or one of unknown region)."""
        if not self.zone_ids or any(zone_region(zone) is None for zone in self.zone_ids):
            return None
        return [zone for zone in self.zone_ids if zone_region(zone) == region]

    def zones_outside(self, regions):
        """The zone IDs that belong to a known region not in ``regions`` (they can match nothing)."""
        return [zone for zone in self.zone_ids if zone_region(zone) is not None and zone_region(zone) not in regions]
