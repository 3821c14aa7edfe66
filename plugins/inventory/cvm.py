# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: cvm
short_description: Tencent Cloud CVM instances as inventory hosts
version_added: 0.1.0
author:
  - qcloud.cvm developers (@qcloud-ansible)
description:
  - Lists the CVM instances of one or more regions (C(DescribeInstances)) and adds one host per instance, named by its
    instance ID unless O(hostnames) says otherwise, with the instance's keys as host variables and default groups by
    region, zone and state.
  - Uses a YAML configuration file whose name ends with C(cvm.yml) or C(cvm.yaml).
  - The credentials, region and endpoint options are the ones every module of the collection takes, with the
    same environment variables. They may be templates, for example a lookup or a variable given with
    C(--extra-vars); see the examples.
  - "Host variables: the keys of the instances that M(qcloud.cvm.cvm_instance_info) and M(qcloud.cvm.cvm_instance_hour)
    return, the same on both APIs, each prefixed with C(cvm_):"
  # BEGIN instance keys (scripts/render-instance-docs.py)
  - >-
      C(cvm_instance_id): The instance ID.
  - >-
      C(cvm_instance_name): The name.
  - >-
      C(cvm_uuid): The instance's UUID.
  - >-
      C(cvm_region): The region, as its API 3.0 name.
  - >-
      C(cvm_zone): The zone, as its API 3.0 name.
  - >-
      C(cvm_zone_id): The numeric zone ID, as O(qcloud.cvm.cvm_instance_hour#module:zone_id) takes it.
  - >-
      C(cvm_status): The state: V(pending), V(launch_failed), V(running), V(operating), V(stopped), V(starting),
      V(stopping), V(rebooting), V(terminating), V(terminated), V(fault) or V(maintenance).
  - >-
      C(cvm_instance_type): The instance type (family, vCPUs and memory), as API 3.0 names it; V(null) when the API
      does not report the family.
  - >-
      C(cvm_instance_family): The instance family, as API 3.0 names it
      (O(qcloud.cvm.cvm_instance_hour#module:instance_type) V(CVM.S1) is V(S1)); V(null) when the API does not
      report it.
  - >-
      C(cvm_cpu): vCPUs.
  - >-
      C(cvm_memory): Memory in GB.
  - >-
      C(cvm_image_id): The image ID.
  - >-
      C(cvm_instance_charge_type): How the instance is billed; V(POSTPAID_BY_HOUR) for pay-by-hour instances.
  - >-
      C(cvm_private_ip): The primary private IP.
  - >-
      C(cvm_public_ips): The public IPs; empty when there are none.
  - >-
      C(cvm_vpc_id): The VPC ID; V(null) in the basic network.
  - >-
      C(cvm_subnet_id): The subnet ID; V(null) in the basic network.
  - >-
      C(cvm_vpc_gateway): Whether the instance is a public gateway of its VPC.
  - >-
      C(cvm_bandwidth): Public bandwidth in Mbps (the peak with V(PayByTraffic)).
  - >-
      C(cvm_bandwidth_type): How public bandwidth is billed, in the words of
      O(qcloud.cvm.cvm_instance_hour#module:bandwidth_type): V(PayByHour) or V(PayByTraffic) (another API 3.0 name
      for other billing).
  - >-
      C(cvm_project_id): The project ID; V(0) is the default project.
  - >-
      C(cvm_system_disk): The system disk.
  - >-
      C(cvm_data_disks): The data disks; empty without one.
  - >-
      C(cvm_created_time): When the instance was created, ISO 8601 in UTC.
  - >-
      C(cvm_security_group_ids): The security groups bound to the instance, in priority order where the API reports
      one (API 3.0; the legacy API lists them in the order it lists the groups); empty when none is bound (on the
      legacy API every port is then open).
  - >-
      C(cvm_expire_time): When the instance's expiry timer gives it back, ISO 8601 in UTC (API 3.0 C(ActionTimer));
      V(null) without a timer, and always on the legacy API, which has none.
  - >-
      C(cvm_stop_charging_mode): How a stopped instance is billed: V(keep_charging) (CPU and memory still billed) or
      V(stop_charging) (API 3.0 only); V(null) while it is not stopped.
  - >-
      C(cvm_termination_protection): Whether the API refuses to give the instance back (API 3.0
      C(DisableApiTermination); always V(false) on the legacy API, which has no such protection).
  - >-
      C(cvm_tags): The instance's tags (API 3.0 only: the legacy API reports none, so there it is always empty).
      Instances created by the collection on API 3.0 carry C(ansible-cvm-client-token).
  # END instance keys
  - "C(ansible_host) is set as O(connect_with) says; O(compose) can override it."
  - "A O(keyed_groups) key that is a number (for example C(cvm_zone_id)) is used as its text."
  - "Default groups, made without any configuration: C(cvm) holds every instance of this source;
    its children C(cvm_region_<region>) (for example C(cvm_region_ap_guangzhou)) hold the zone groups
    C(cvm_zone_<zone>) (for example C(cvm_zone_ap_guangzhou_3)), which hold the hosts; the children
    C(cvm_status_<status>) (for example C(cvm_status_running)) of C(cvm) hold the hosts by state.
    Group names are sanitised like every other group name."
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - qcloud.cvm.qcloud
  - qcloud.cvm.qcloud.filters
options:
  plugin:
    description: Marks this file as a configuration of this plugin.
    type: str
    required: true
    choices: [qcloud.cvm.cvm]
  regions:
    description:
      - The regions to list, as legacy short codes (V(gz)) or API 3.0 names (V(ap-guangzhou)); hosts carry the 3.0 name.
      - The regions are listed concurrently (see O(max_workers)).
      - Default is the one region that O(region) (or E(TENCENTCLOUD_REGION)) configures.
    type: list
    elements: str
  hostnames:
    description:
      - How to name the hosts, as a list of preferences; the first that gives a non-empty value wins.
      - A preference is the name of a host variable, with or without the C(cvm_) prefix (for example
        V(instance_id), V(instance_name), V(private_ip), V(uuid)), or V(public_ip) (the first public IP).
      - Anything else is a Jinja2 expression over the host variables, for example
        V(cvm_instance_name ~ '-' ~ cvm_zone_id), or a template such as V({{ cvm_instance_name }}.example.com).
        An expression that fails counts as empty, unless O(strict) is true.
      - When no preference gives a value, or the name is already taken by another instance of this source,
        the host is named by its instance ID (with a warning for the second case).
    type: list
    elements: str
    default: [instance_id]
  connect_with:
    description:
      - Which address becomes C(ansible_host).
      - V(public_ip_first) is the first public IP, or the private IP for an instance without public IP.
      - V(public_ip) is the first public IP; an instance without one gets no C(ansible_host).
      - V(private_ip) is the private IP.
      - V(inventory_hostname) sets no C(ansible_host), so Ansible connects to the host's name.
    type: str
    default: public_ip_first
    choices: [public_ip_first, public_ip, private_ip, inventory_hostname]
  max_workers:
    description:
      - How many requests to send at the same time, over all regions.
      - The first page of each region (and of each filter value, see the notes) is fetched first;
        then every other page of every region is fetched by this many worker threads.
    type: int
    default: 4
  skip_failing_regions:
    description:
      - When false, a region whose listing fails (after the retries of O(retries)) fails the whole inventory source,
        with an error naming the region and the API's error.
      - When true, such a region is left out with a warning naming it, and the hosts of the other regions are kept.
        The cache is not updated by a run that left a region out.
      - Ansible itself reports a failing inventory source as a warning and goes on with the other sources
        (without any host of the failing one), unless E(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED) or
        E(ANSIBLE_INVENTORY_UNPARSED_FAILED) makes it fatal.
    type: bool
    default: false
notes:
  - Instances are fetched 100 per page. The filters O(zone_ids), O(project_ids), O(statuses) and O(instance_names)
    take one value per request in the API, so each value is its own sequence of pages (a value's pages hold only
    matching instances, which costs at most one request more per value than listing everything, and saves every
    page of instances that do not match). With more than 64 combinations in a region, the filter with the most
    values is checked in code instead. Every instance is also checked in code against every filter.
  - The default O(statuses) is checked in code, so it costs no extra request.
  - "With O(cache), the instances (their host variables, which hold no credentials) are cached, and a cache hit
    rebuilds hosts, groups and composed variables from them without any API request.
    The cache key covers everything that changes the answer: the configuration file's path, the API (O(api)), the regions
    (after templating), the API key's SecretId (never the key itself), the endpoint and the filters. Use C(--flush-cache) or
    C(meta: refresh_inventory) to list again."
seealso:
  - module: qcloud.cvm.cvm_instance_info
  - module: qcloud.cvm.cvm_instance_hour
"""

EXAMPLES = r"""
# demo.cvm.yml: every instance of the configured region (TENCENTCLOUD_REGION), named by instance ID.
plugin: qcloud.cvm.cvm

# Several regions, only running instances, named by instance name, grouped by project and OS.
plugin: qcloud.cvm.cvm
regions: [gz, sh, ap-beijing]
statuses: [running]
hostnames:
  - instance_name
  - instance_id
keyed_groups:
  - key: cvm_project_id
    prefix: project
  - key: cvm_instance_family
    prefix: family
groups:
  big: cvm_cpu >= 8
compose:
  ansible_host: cvm_private_ip
  ansible_user: "'root'"

# Exactly the instances a cvm_instance_hour task called "web" manages, connecting over the private network.
plugin: qcloud.cvm.cvm
instance_names: [web]
zone_ids: [100003]
connect_with: private_ip

# Credentials from a lookup and from --extra-vars (for example a vaulted variables file), cached for an hour.
plugin: qcloud.cvm.cvm
secret_id: "{{ lookup('ansible.builtin.env', 'MY_QCLOUD_ID') }}"
secret_key: "{{ qcloud_secret_key }}"
region: ap-guangzhou
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/qcloud-cvm-inventory
cache_timeout: 3600

# A hostname built from several fields.
plugin: qcloud.cvm.cvm
hostnames:
  - "cvm_instance_name ~ '-' ~ cvm_instance_id[-4:]"
"""

import hashlib
import json
import re

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.options import checked_region, connection_from_options, resolve_common_options
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import QcloudError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import check_region_served, open_backend
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.filters import FILTER_OPTIONS, InstanceFilter
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.listing import list_instances
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import INSTANCE_KEYS

HOSTVAR_PREFIX = "cvm_"
TOP_GROUP = "cvm"
# Bumped when the cached shape changes, so an old cache entry is never read as a new one.
CACHE_FORMAT = 3

# A hostnames preference may name any instance key, or public_ip (the first public IP).
HOSTNAME_FIELDS = INSTANCE_KEYS | {"public_ip"}

# Options that may hold templates (credentials from lookups or vaulted extra vars).
TEMPLATABLE_OPTIONS = ("secret_id", "secret_key", "security_token", "region", "endpoint")

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Words Jinja2 reads as literals or operators, never as a variable name.
_JINJA_WORDS = frozenset(("true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else"))
# The values a bare variable name evaluates to unchanged (a container would come back as a copy).
_SCALARS = (str, int, float, bool, type(None))
# What a template that names no variable of the host looks up to (never a scalar).
_NOT_A_VARIABLE = object()


def _first(value):
    """A host name candidate: a list's first element; None for empty values."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if value is None or value == "":
        return None
    return str(value)


def field_preference(field):
    """A hostnames preference reading one key of the instance."""
    if field == "public_ip":
        return lambda instance, hostvars: _first(instance.get("public_ips"))
    return lambda instance, hostvars: _first(instance.get(field))


def ansible_host_for(instance, connect_with):
    """The address ``connect_with`` picks for one instance (a dict of its keys), or None."""
    if connect_with == "inventory_hostname":
        return None
    public_ips = instance.get("public_ips") or []
    if connect_with == "private_ip":
        return instance.get("private_ip") or None
    if public_ips:
        return public_ips[0]
    if connect_with == "public_ip":
        return None
    return instance.get("private_ip") or None


def default_group_names(instance):
    """(region group, zone group, status group) of one instance, unsanitised; None where unknown."""
    region = instance.get("region")
    zone = instance.get("zone")
    status = instance.get("status")
    return (
        "cvm_region_{0}".format(region) if region else None,
        "cvm_zone_{0}".format(zone) if zone else None,
        "cvm_status_{0}".format(status) if status else None,
    )


# One string per variable name, shared by every host: "cvm_" + key made anew for each host would be 30-odd
# more strings per host, all kept for the whole run (about 25 MiB at 10,000 hosts, tests/perf/README.md).
PREFIXED_KEYS = {key: HOSTVAR_PREFIX + key for key in INSTANCE_KEYS}


def prefixed_hostvars(instance):
    return {PREFIXED_KEYS.get(key) or HOSTVAR_PREFIX + key: value for key, value in instance.items()}


def cached_form(instances):
    """The instances as the cache keeps them: one JSON text, not a structure.

    Ansible keeps a cache value alive for the whole run (the cache plugin and
    its adjudicator both hold it), and 10,000 records held as Python objects
    are about 400,000 more objects for every garbage collection of the run to
    walk, through the long ``--list`` output too (tests/perf/README.md: the
    cached run measured 1.11 x the no-network floor that way). Held as one
    string, the records are decoded into a list that is gone once the hosts
    are added.
    """
    return json.dumps(instances, separators=(",", ":"))


def instances_from_cache(value):
    """The instances of a cache value; None when it is not one ``cached_form`` wrote (then the cache is a miss)."""
    if not isinstance(value, str):
        return None
    try:
        instances = json.loads(value)
    except ValueError:
        return None
    return instances if isinstance(instances, list) else None


def cache_key_material(path, connection, regions, instance_filter):
    """Everything that changes the answer, as text: never a secret (the SecretId is not one, the key is)."""
    return json.dumps(
        {
            "format": CACHE_FORMAT,
            "path": path,
            "api": connection.api,
            "secret_id": connection.credentials.secret_id,
            "endpoint": connection.endpoint,
            "regions": regions,
            "filters": instance_filter.as_key(),
        },
        sort_keys=True,
    )


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "qcloud.cvm.cvm"

    def verify_file(self, path):
        """Only configuration files named ``*cvm.yml`` or ``*cvm.yaml``."""
        return super().verify_file(path) and path.endswith(("cvm.yml", "cvm.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        try:
            instance_filter = InstanceFilter.from_options({name: self.get_option(name) for name in FILTER_OPTIONS})
            options = self._common_options()
            regions = self._regions(options)
            # The options are checked once, here, so that a bad one fails before any thread starts.
            connection = connection_from_options(dict(options, region=regions[0]), read_only=True)
            for region in regions:
                check_region_served(connection.api, region, option="regions" if self.get_option("regions") else "region")
        except QcloudError as error:
            raise AnsibleParserError(to_native(error)) from None
        preferences = self._hostname_preferences(self.get_option("hostnames") or ["instance_id"])

        digest = hashlib.sha256(cache_key_material(path, connection, regions, instance_filter).encode("utf-8")).hexdigest()
        cache_key = "{0}_{1}".format(self.get_cache_key(path), digest[:16])
        use_cache = self.get_option("cache")
        instances = None
        update_cache = False
        if use_cache and cache:
            try:
                instances = instances_from_cache(self._cache[cache_key])
            except KeyError:
                pass
            update_cache = instances is None
        elif use_cache:
            # --flush-cache or meta: refresh_inventory: list again and store the result.
            update_cache = True
        if instances is None:
            instances, complete = self._fetch(connection, regions, instance_filter)
            if update_cache and complete:
                self._cache[cache_key] = cached_form(instances)
        self._populate(instances, preferences)

    # -- options ---------------------------------------------------------

    def _template(self, value):
        """``value`` rendered when it is a template string (extra vars and lookups available).

        On ansible-core 2.19 and later only strings trusted as templates are
        rendered: those of the configuration file, which core loads as trusted,
        never values from the environment or from API answers. Older cores
        render any template string.
        """
        if isinstance(value, str) and ("{{" in value or "{%" in value):
            self.templar.available_variables = self._vars or {}
            try:
                return self.templar.template(value)
            except Exception as error:
                raise AnsibleParserError("cannot render the template {0!r}: {1}".format(value, to_native(error))) from None
        return value

    def _common_options(self):
        def get_option(name):
            value = self.get_option(name)
            return self._template(value) if name in TEMPLATABLE_OPTIONS else value

        return resolve_common_options(get_option)

    def _regions(self, options):
        """The regions to list, as 3.0 names, after templating; ConfigError for an unknown one."""
        names = [self._template(name) for name in (self.get_option("regions") or [])]
        if not names:
            if not options.get("region"):
                raise AnsibleParserError("no region to list: set 'regions', 'region' or the environment variable TENCENTCLOUD_REGION")
            return [checked_region(options["region"])]
        regions = []
        for name in names:
            region = checked_region(str(name), option="regions")
            if region not in regions:
                regions.append(region)
        return regions

    def _hostname_preferences(self, preferences):
        compiled = []
        for preference in preferences:
            # The string itself, not a copy: on ansible-core 2.19+ a copy (str(), strip()) loses
            # the trust the configuration file gave it, and an untrusted expression is not evaluated.
            if not isinstance(preference, str) or not preference.strip():
                raise AnsibleParserError("option 'hostnames': {0!r} is not a field name or an expression".format(preference))
            if _IDENTIFIER.match(preference):
                field = (
                    preference[len(HOSTVAR_PREFIX) :]
                    if preference.startswith(HOSTVAR_PREFIX) and preference[len(HOSTVAR_PREFIX) :] in HOSTNAME_FIELDS
                    else preference
                )
                if field not in HOSTNAME_FIELDS:
                    raise AnsibleParserError(
                        "option 'hostnames': unknown field {0!r}; use one of {1}, or a Jinja2 expression".format(preference, ", ".join(sorted(HOSTNAME_FIELDS)))
                    )
                compiled.append(field_preference(field))
            else:
                compiled.append(self._expression_preference(preference))
        return compiled

    def _expression_preference(self, expression):
        is_template = "{{" in expression or "{%" in expression

        def evaluate(instance, hostvars):
            try:
                if is_template:
                    self.templar.available_variables = self._host_template_vars(hostvars)
                    value = self.templar.template(expression)
                else:
                    value = self._compose(expression, hostvars)
            except Exception as error:
                if self.get_option("strict"):
                    raise AnsibleParserError(
                        "hostnames: cannot evaluate {0!r} for instance {1}: {2}".format(expression, instance.get("instance_id"), to_native(error))
                    ) from None
                return None
            return _first(value)

        return evaluate

    def _host_template_vars(self, hostvars):
        if self.get_option("use_extra_vars") and self._vars:
            merged = dict(self._vars)
            merged.update(hostvars)
            return merged
        return hostvars

    # -- listing ---------------------------------------------------------

    def _fetch(self, connection, regions, instance_filter):
        """(instances, complete): the matching instances of every region, as dicts; complete is False when a region was skipped."""
        max_workers = self.get_option("max_workers")
        if max_workers is None or max_workers < 1:
            raise AnsibleParserError("option 'max_workers' must be 1 or more, got {0}".format(max_workers))
        if not connection.validate_certs:
            self.display.warning("qcloud.cvm.cvm: validate_certs is false: the endpoint's TLS certificate is not verified. Use it for tests only.")
        outside = instance_filter.zones_outside(regions)
        if outside:
            self.display.warning(
                "qcloud.cvm.cvm: zone_ids {0} belong to regions that are not listed ({1}); they match nothing".format(
                    ", ".join(str(zone) for zone in outside), ", ".join(regions)
                )
            )
        try:
            listing = list_instances(
                lambda region: open_backend(connection.for_region(region)),
                regions,
                instance_filter,
                max_workers=max_workers,
                skip_failing_regions=self.get_option("skip_failing_regions"),
            )
        except QcloudError as error:
            raise AnsibleError("qcloud.cvm.cvm: listing CVM instances failed in {0}".format(to_native(error))) from None
        for failure in listing.failed_regions:
            self.display.warning("qcloud.cvm.cvm: skipping region {0}: listing its CVM instances failed: {1}".format(failure.region, to_native(failure.error)))
        return [instance.as_dict() for instance in listing.instances], not listing.failed_regions

    # -- hosts and groups --------------------------------------------------

    _in_keyed_groups = False
    # Whether a bare variable name may be looked up in the host's variables (no extra variables to prefer).
    _plain_lookups = False

    def _add_host_to_keyed_groups(self, keys, variables, host, strict=False, fetch_hostvars=True):
        self._in_keyed_groups = True
        try:
            super()._add_host_to_keyed_groups(keys, variables, host, strict=strict, fetch_hostvars=fetch_hostvars)
        finally:
            self._in_keyed_groups = False

    def _compose(self, template, variables, disable_lookups=...):
        # A compose value or keyed_groups key that is one variable's name (`cvm_private_ip`, `cvm_zone`) is looked up
        # instead of templated: the same value, without a Jinja2 evaluation per host and expression, which was most of
        # the plugin's time with `compose` and two `keyed_groups` (tests/perf/README.md, the anchor). Extra variables,
        # which would take precedence, and containers (templating returns a copy) take Ansible's way.
        value = variables.get(template, _NOT_A_VARIABLE) if self._plain_lookups and isinstance(template, str) else _NOT_A_VARIABLE
        if isinstance(value, _SCALARS) and template not in _JINJA_WORDS and _IDENTIFIER.match(template):
            result = value
        else:
            result = super()._compose(template, variables)
        # Most CVM fields are numbers (zone, project, CPU, ...). ansible-core 2.19+ evaluates a keyed_groups key
        # to a native int and then refuses it as a group name; older cores rendered it as text. Numbers used
        # as keyed group keys are taken as their text, so `key: cvm_zone_id` works on every core.
        if self._in_keyed_groups and isinstance(result, (int, float)) and not isinstance(result, bool):
            return str(result)
        return result

    def _populate(self, instances, preferences):
        inventory = self.inventory
        top = inventory.add_group(TOP_GROUP)
        connect_with = self.get_option("connect_with")
        compose = self.get_option("compose")
        groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")
        strict = self.get_option("strict")
        self._plain_lookups = not (self.get_option("use_extra_vars") and self._vars)
        known_groups = {}
        claimed = {}
        collisions = []

        def group(name, parent):
            sanitised = known_groups.get(name)
            if sanitised is None:
                sanitised = inventory.add_group(self._sanitize_group_name(name))
                inventory.add_child(parent, sanitised)
                known_groups[name] = sanitised
            return sanitised

        for instance in instances:
            hostvars = prefixed_hostvars(instance)
            instance_id = instance.get("instance_id")
            hostname = None
            for preference in preferences:
                hostname = preference(instance, hostvars)
                if hostname:
                    break
            if not hostname or (hostname in claimed and claimed[hostname] != instance_id):
                if hostname:
                    collisions.append("{0} ({1}, {2})".format(hostname, claimed[hostname], instance_id))
                hostname = instance_id
            claimed[hostname] = instance_id

            address = ansible_host_for(instance, connect_with)
            if address:
                hostvars["ansible_host"] = address
            region_group, zone_group, status_group = default_group_names(instance)
            parent = group(region_group, top) if region_group else top
            inventory.add_host(hostname, group=group(zone_group, parent) if zone_group else parent)
            if status_group:
                inventory.add_child(group(status_group, top), hostname)
            for name, value in hostvars.items():
                inventory.set_variable(hostname, name, value)

            if compose:
                # The host's whole variables, so that compose may use inventory_hostname, group_names, ...
                self._set_composite_vars(compose, inventory.get_host(hostname).get_vars(), hostname, strict=strict)
            if groups:
                self._add_host_to_composed_groups(groups, hostvars, hostname, strict=strict)
            if keyed_groups:
                self._add_host_to_keyed_groups(keyed_groups, hostvars, hostname, strict=strict)

        if collisions:
            self.display.warning(
                "qcloud.cvm.cvm: {0} instance(s) would have had the host name of another instance, so they are named by their instance ID: {1}{2}".format(
                    len(collisions), ", ".join(collisions[:5]), ", ..." if len(collisions) > 5 else ""
                )
            )
