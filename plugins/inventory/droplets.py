# -*- coding: utf-8 -*-
# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: droplets
short_description: DigitalOcean droplets as inventory, fast, for the command line and AWX
version_added: 0.1.0
author:
  - AgentC2 platform team (@agentc2)
description:
  - Reads droplets from the DigitalOcean API v2 and makes every droplet a host.
  - Reads page 1 with 200 droplets, then the other pages concurrently; retries on 429, 5xx, timeouts
    and connection errors with jittered backoff; never sends more than 250 requests in a minute.
  - Droplet names are not unique in DigitalOcean. Every droplet becomes a host; a repeated name is made
    unique deterministically (the droplet with the lowest id keeps the name, the others get
    C(<name>-<id>)) with a warning. No droplet is dropped silently.
  - Sets C(ansible_host) from O(connect_with), groups hosts by tag and by region, and sets the chosen
    O(attributes) as host variables prefixed with O(hostvars_prefix). Values from the API are unsafe,
    they are never evaluated as templates.
  - The cache holds the raw API result, so O(cache_timeout), C(--flush-cache) and any cache plugin work.
    Its key is made from the inventory file's path, O(tag_name) and O(api_base_url) (never the token), so
    changing what is asked of the API reads the API again.
    Next to it, under the same key followed by C(_hosts), the cache holds the hosts built from that result
    and the options that shaped them; a cached run with the same options reads only these, half the size,
    and builds nothing again. O(filters), O(compose), O(groups) and O(keyed_groups) are evaluated on every
    run. With a Jinja2 expression in O(hostnames) the built hosts are not cached (it may use a lookup).
  - Uses a configuration file whose name ends in C(droplets.yml), C(digitalocean.yml) or C(do.yml)
    (or C(.yaml)).
extends_documentation_fragment:
  - agentc2.platform.api.plugin
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin; makes the file an inventory source for it.
    type: str
    required: true
    choices: [agentc2.platform.droplets]
  tag_name:
    description:
      - Only droplets with this tag, filtered by the API (fewer pages to read).
    type: str
  statuses:
    description:
      - Only droplets in one of these statuses. Empty means every status.
    type: list
    elements: str
    default: []
  regions:
    description:
      - Only droplets in one of these regions (slugs, for example V(nyc3)). Empty means every region.
    type: list
    elements: str
    default: []
  vpc_uuid:
    description:
      - Only droplets in this VPC.
    type: str
  filters:
    description:
      - Jinja2 conditionals, evaluated against each droplet's host variables (O(attributes),
        addresses and C(ansible_host)); a droplet becomes a host only when all are true.
      - Evaluated on the controller for each droplet, so prefer O(tag_name), O(statuses), O(regions)
        and O(vpc_uuid) when they can express the filter.
    type: list
    elements: str
    default: []
  connect_with:
    description:
      - The address written to C(ansible_host).
      - When a droplet has no such address, the next one is used in this order
        (unless O(connect_fallback) is false)
        V(public_ipv4) -> private_ipv4 -> public_ipv6;
        V(private_ipv4) -> public_ipv4 -> public_ipv6;
        V(public_ipv6) -> public_ipv4 -> private_ipv4.
        V(name) uses the droplet's name and needs no address.
      - A droplet with no usable address is left out, with a warning.
    type: str
    default: public_ipv4
    choices: [public_ipv4, private_ipv4, public_ipv6, name]
  connect_fallback:
    description:
      - Whether a droplet without the O(connect_with) address falls back to another address (true) or
        is left out with a warning (false).
    type: bool
    default: true
  hostnames:
    description:
      - How hosts are named, as an ordered list of preferences; the first that gives a non-empty value
        for a droplet wins.
      - V(name), V(id), V(name-id) (C(<name>-<id>), unique by construction), V(public_ipv4),
        V(private_ipv4), or a Jinja2 expression evaluated against the droplet's host variables,
        for example V(do_name ~ '.' ~ do_region.slug).
      - A host name has only letters, digits, C(.), C(-) (what DigitalOcean allows in a droplet
        name) and C(_) (which an expression may add). A value with any other character (for example
        Jinja2 delimiters in a name from a misbehaving API, which older ansible-core versions would
        evaluate in the host name) is skipped with a warning naming the droplet id, and the next
        preference is tried.
      - When no preference gives a usable value, the host is named C(<name>-<id>), or by its id alone
        when the name is not usable either.
    type: list
    elements: str
    default: [name]
  hostvars_prefix:
    description:
      - Prefix of the host variables made from droplet attributes and addresses.
    type: str
    default: do_
  address_variables:
    description:
      - Set C(<prefix>public_ipv4), C(<prefix>private_ipv4) and C(<prefix>public_ipv6) from the
        droplet's networks.
      - Turn off to store three variables fewer per host (about a sixth of the variables with the
        default O(attributes)) when C(ansible_host) and C(<prefix>networks) are enough.
    type: bool
    default: true
  attributes:
    description:
      - The droplet attributes that become host variables (the API's field names), for example
        V(image), V(size), V(features) or V(volume_ids) in addition to the default.
      - Each nested value costs time when ansible-core stores it, so with thousands of droplets keep
        this to what playbooks use.
    type: list
    elements: str
    default: [id, name, status, region, size_slug, memory, vcpus, disk, tags, networks, vpc_uuid, created_at]
  tag_groups:
    description:
      - Put each host in a group per tag, named O(tag_group_prefix), O(tag_group_separator), the tag.
      - Characters other than letters, digits and underscores become underscores
        (V(env:prod) gives C(tag_env_prod)).
    type: bool
    default: true
  tag_group_prefix:
    description: Prefix of the tag groups.
    type: str
    default: tag
  tag_group_separator:
    description: Between the prefix and the tag.
    type: str
    default: _
  region_groups:
    description:
      - Put each host in a group per region, named O(region_group_prefix), O(tag_group_separator), the
        region slug (C(region_nyc3)).
    type: bool
    default: true
  region_group_prefix:
    description: Prefix of the region groups.
    type: str
    default: region
"""

EXAMPLES = r"""
# digitalocean.yml: every droplet tagged agentc2; token from DIGITALOCEAN_TOKEN (AWX credential)
plugin: agentc2.platform.droplets
tag_name: agentc2
statuses: [active]

---
# Connect over the VPC, a vaulted token, droplets named <name>.<region>, cached for ten minutes
plugin: agentc2.platform.droplets
api_token: "{{ vault_digitalocean_token }}"
connect_with: private_ipv4
hostnames:
  - do_name ~ '.' ~ do_region.slug
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/agentc2-inventory
cache_timeout: 600

---
# Only big droplets in two regions, with a group per size and a composed variable
plugin: agentc2.platform.droplets
regions: [fra1, ams3]
filters:
  - do_memory >= 4096
keyed_groups:
  - key: do_size_slug
    prefix: size
compose:
  ansible_user: "'root'"
"""

import contextlib
import gc
import hashlib
import json
import re
import time

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.agentc2.platform.plugins.module_utils._api import DEFAULT_BASE_URL, DigitalOceanClient, DigitalOceanError

try:
    # ansible-core 2.19 and later trust no value by default: API values are already never templated,
    # and wrap_var would only copy them. Older cores need the explicit unsafe marking.
    from ansible.template import trust_as_template  # noqa: F401  pylint: disable=unused-import
    _VALUES_UNTRUSTED_BY_DEFAULT = True
except ImportError:
    _VALUES_UNTRUSTED_BY_DEFAULT = False

CONFIG_SUFFIXES = tuple(base + ext for base in ('droplets', 'digitalocean', 'do') for ext in ('.yml', '.yaml'))
ADDRESS_FALLBACKS = {
    'public_ipv4': ('public_ipv4', 'private_ipv4', 'public_ipv6'),
    'private_ipv4': ('private_ipv4', 'public_ipv4', 'public_ipv6'),
    'public_ipv6': ('public_ipv6', 'public_ipv4', 'private_ipv4'),
    'name': ('name',),
}
HOSTNAME_KEYWORDS = ('name', 'id', 'name-id', 'public_ipv4', 'private_ipv4')
# The options that shape the built hosts: the cached hosts are used only when these are unchanged.
RECIPE_OPTIONS = ('statuses', 'regions', 'vpc_uuid', 'connect_with', 'connect_fallback', 'hostnames', 'hostvars_prefix',
                  'address_variables', 'attributes', 'tag_groups', 'tag_group_prefix', 'tag_group_separator', 'region_groups',
                  'region_group_prefix')
# The options that change what the API returns: part of the cache key, so that a changed query is not
# answered from the cache. Never the token: a cache is not a place for secrets.
QUERY_OPTIONS = ('tag_name', 'api_base_url')
# Part of the recipe: a release that builds hosts differently must not use hosts cached by an older one.
BUILT_HOSTS_FORMAT = 2
BUILT_HOSTS_KEY_SUFFIX = '_hosts'
UNSAFE_GROUP_CHARS = re.compile(r'[^A-Za-z0-9_]')
# What DigitalOcean allows in a droplet name. Anything else came from a misbehaving API (or an expression
# gone wrong); ansible-core before 2.19 templates host names, so "{{" in one would be executed.
HOST_NAME = re.compile(r'[A-Za-z0-9._-]+')
WARNING_EXAMPLES = 10


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = 'agentc2.platform.droplets'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(CONFIG_SUFFIXES)

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._refuse_unknown_options(self._read_config_data(path), path)
        started = time.monotonic()
        with _cyclic_gc_paused():
            built, source = self._built_hosts(path, cache)
            read = time.monotonic()
            stored_in = self._populate(built)
        self.display.vv('%s: %d droplets read in %.2f s (%s), hosts built in %.2f s (%.2f s of it ansible-core '
                        'storing them)' % (self.NAME, built['droplets'], read - started, source,
                                           time.monotonic() - read, stored_in))

    def _refuse_unknown_options(self, config, path):
        """Ansible ignores unknown keys in inventory files; a misspelt filter would then widen the inventory."""
        known = set(self._options)
        for definition in self.option_definitions.values():
            known.update(definition.get('aliases') or ())
        unknown = sorted(set(config) - known)
        if unknown:
            raise AnsibleParserError('Unsupported parameters for (%s) inventory plugin in %s: %s. Supported parameters '
                                     'include: %s.' % (self.NAME, path, ', '.join(unknown), ', '.join(sorted(self._options))))

    # -- reading -------------------------------------------------------------------------

    def _built_hosts(self, path, cache):
        """The hosts built from the droplets, and where they came from.

        The cache holds the raw API result; next to it, under a key of its own, the hosts built from it
        with the options that shaped them, so that a cached run with the same options skips decoding
        the raw result (twice as large with the default attributes) and building the hosts again.
        """
        raw_key = self._raw_cache_key(path)
        # Derived from the raw key, so the built hosts are found only next to the raw result they came from.
        built_key = raw_key + BUILT_HOSTS_KEY_SUFFIX
        recipe = self._recipe()
        if self.get_option('cache') and cache:
            built = self._cache.get(built_key)
            if built is not None and built.get('recipe') == recipe:
                return built, 'cached hosts'
            droplets = self._cache.get(raw_key)
            if droplets is not None:
                # Not stored: ansible-core would write the raw entry again with it, and so keep the raw
                # result alive beyond cache_timeout.
                return self._build(droplets, recipe), 'cached API result'
        droplets = self._fetch()
        built = self._build(droplets, recipe)
        if self.get_option('cache'):
            if self._built_hosts_cacheable():
                # Set first so that it is written first and never outlives the raw result it came from.
                self._cache[built_key] = built
            self._cache[raw_key] = droplets
        return built, 'API'

    def _raw_cache_key(self, path):
        """The path's key and a digest of the query: the same file with another tag_name or API is another
        result. A digest, so that the key stays a short file name for any cache plugin."""
        query = {name: self.get_option(name) for name in QUERY_OPTIONS}
        query['api_base_url'] = self._base_url()
        digest = hashlib.sha256(json.dumps(query, sort_keys=True).encode('utf-8')).hexdigest()[:12]
        return '%s_%s' % (self.get_cache_key(path), digest)

    def _base_url(self):
        return self.get_option('api_base_url') or DEFAULT_BASE_URL

    def _recipe(self):
        """The options that shape the built hosts, as one comparable string."""
        recipe = {name: self.get_option(name) for name in RECIPE_OPTIONS}
        recipe['format'] = BUILT_HOSTS_FORMAT
        return json.dumps(recipe, sort_keys=True)

    def _built_hosts_cacheable(self):
        """Hostname expressions may use lookups, whose results must not be frozen in the cache."""
        return all(preference in HOSTNAME_KEYWORDS for preference in self.get_option('hostnames'))

    def _fetch(self):
        client = DigitalOceanClient(
            self._token(),
            base_url=self._base_url(),
            timeout=self.get_option('timeout'),
            validate_certs=self.get_option('validate_certs'),
            max_retries=self.get_option('max_retries'),
            concurrency=self.get_option('concurrency'),
        )
        params = {'tag_name': self.get_option('tag_name')} if self.get_option('tag_name') else {}
        try:
            droplets = client.list_all('/droplets', 'droplets', params)
        except DigitalOceanError as error:
            raise AnsibleParserError('DigitalOcean API: %s' % to_native(error))
        self.display.vvv('%s: %d API requests, %d retries'
                         % (self.NAME, client.stats['requests'], client.stats['retries']))
        return droplets

    def _token(self):
        token = self.get_option('api_token')
        if token and self.templar.is_template(token):
            token = self.templar.template(token)
        if not token:
            raise AnsibleParserError('No DigitalOcean API token: set api_token or one of the environment '
                                     'variables DIGITALOCEAN_TOKEN, DIGITALOCEAN_ACCESS_TOKEN, DO_API_TOKEN, '
                                     'DO_API_KEY, DO_OAUTH_TOKEN.')
        return to_native(token)

    # -- building the hosts --------------------------------------------------------------

    def _build(self, droplets, recipe):
        """Every selected droplet as [host name, host variables, built-in groups], by id, with what to warn
        about; plain JSON data, so that the cache can hold it."""
        _refuse_ids_that_are_not_numbers(droplets)
        selected = sorted((droplet for droplet in droplets if self._selected(droplet)), key=lambda d: d['id'])
        names, renamed, skipped = self._hostnames(selected)
        hosts, unreachable = [], []
        for droplet in selected:
            hostvars = self._hostvars(droplet)
            if hostvars is None:
                unreachable.append('%s (id %s)' % (droplet.get('name'), droplet['id']))
                continue
            hosts.append([names[droplet['id']], hostvars, list(self._builtin_groups(droplet))])
        return {'recipe': recipe, 'droplets': len(droplets), 'hosts': hosts, 'renamed': renamed,
                'skipped': skipped, 'unreachable': unreachable}

    def _selected(self, droplet):
        """The server-independent filters: statuses, regions, VPC."""
        statuses, regions, vpc = self.get_option('statuses'), self.get_option('regions'), self.get_option('vpc_uuid')
        return ((not statuses or droplet.get('status') in statuses)
                and (not regions or (droplet.get('region') or {}).get('slug') in regions)
                and (not vpc or droplet.get('vpc_uuid') == vpc))

    def _hostnames(self, droplets):
        """droplet id -> host name, unique: the lowest id keeps a repeated name, the others get -<id>;
        the renamings; and the droplets whose unusable names were skipped. The droplets come sorted by id."""
        names, taken, renamed, skipped = {}, set(), [], []
        for droplet in droplets:
            name, unusable = self._preferred_name(droplet)
            if unusable:
                skipped.append('id %s: %s -> %s' % (droplet['id'], ', '.join(unusable), name))
            if name in taken:
                unique = '%s-%s' % (name, droplet['id'])
                renamed.append('%s -> %s' % (name, unique))
                name = unique
            taken.add(name)
            names[droplet['id']] = name
        return names, renamed, skipped

    def _preferred_name(self, droplet):
        """The first usable name in the hostnames preferences, and the unusable ones skipped on the way
        (repr: they may hold anything, control characters too)."""
        unusable = []
        for preference in self.get_option('hostnames'):
            name = self._name_from(preference, droplet)
            if not name:
                continue
            name = to_native(name)
            if _usable_host_name(name):
                return name, unusable
            unusable.append(repr(name))
        return self._last_resort_name(droplet), unusable

    @staticmethod
    def _last_resort_name(droplet):
        """<name>-<id>, or the id alone when the name is not usable: every droplet gets a host name."""
        named = '%s-%s' % (droplet.get('name') or 'droplet', droplet['id'])
        return named if _usable_host_name(named) else str(droplet['id'])

    def _name_from(self, preference, droplet):
        if preference == 'name':
            return droplet.get('name')
        if preference == 'id':
            return str(droplet['id'])
        if preference == 'name-id':
            return '%s-%s' % (droplet.get('name'), droplet['id'])
        if preference in ('public_ipv4', 'private_ipv4'):
            return _addresses(droplet).get(preference)
        try:
            return self._compose(preference, _untrusted(self._attribute_vars(droplet)))
        except Exception as error:  # pylint: disable=broad-except
            if self.get_option('strict'):
                raise AnsibleError('Could not evaluate hostnames entry %r for droplet %s: %s'
                                   % (preference, droplet['id'], to_native(error)))
            return None

    def _hostvars(self, droplet):
        """The droplet's host variables with ansible_host, or None when it has no usable address."""
        hostvars = self._attribute_vars(droplet)
        addresses = _addresses(droplet)
        if self.get_option('address_variables'):
            prefix = self.get_option('hostvars_prefix')
            for kind in ('public_ipv4', 'private_ipv4', 'public_ipv6'):
                hostvars[prefix + kind] = addresses.get(kind)
        order = ADDRESS_FALLBACKS[self.get_option('connect_with')]
        if not self.get_option('connect_fallback'):
            order = order[:1]
        address = next((addresses.get(kind) for kind in order if addresses.get(kind)), None)
        if not address:
            return None
        hostvars['ansible_host'] = address
        return hostvars

    def _attribute_vars(self, droplet):
        prefix = self.get_option('hostvars_prefix')
        return {prefix + name: droplet.get(name) for name in self.get_option('attributes')}

    def _builtin_groups(self, droplet):
        separator = self.get_option('tag_group_separator')
        if self.get_option('tag_groups'):
            for tag in droplet.get('tags') or ():
                yield _group_name(self.get_option('tag_group_prefix'), separator, tag)
        region = (droplet.get('region') or {}).get('slug')
        if self.get_option('region_groups') and region:
            yield _group_name(self.get_option('region_group_prefix'), separator, region)

    # -- adding them to the inventory --------------------------------------------------

    def _populate(self, built):
        """Add the built hosts that pass the filters; the seconds spent in ansible-core storing them."""
        self._warn_about(built['renamed'], built['skipped'], built['unreachable'])
        stored_in = 0.0
        for name, hostvars, groups in built['hosts']:
            hostvars = _untrusted(hostvars)
            if not self._passes_filters(hostvars, name):
                continue
            started = time.perf_counter()
            self._store(name, hostvars, groups)
            stored_in += time.perf_counter() - started
            self._construct(name, hostvars)
        return stored_in

    def _warn_about(self, renamed, skipped, unreachable):
        if skipped:
            self.display.warning('%d droplet(s) got a value from hostnames that is not a valid host name (only '
                                 'letters, digits, ".", "-" and "_"); it was skipped: %s' % (len(skipped), _examples(skipped)))
        if renamed:
            self.display.warning('%d droplet(s) share a host name with another droplet and were renamed: %s'
                                 % (len(renamed), _examples(renamed)))
        if unreachable:
            self.display.warning('%d droplet(s) left out: no address for connect_with=%s%s: %s' % (
                len(unreachable), self.get_option('connect_with'),
                '' if self.get_option('connect_fallback') else ' (connect_fallback is off)', _examples(unreachable)))

    def _passes_filters(self, hostvars, name):
        for condition in self.get_option('filters'):
            try:
                if not self._compose(condition, hostvars):
                    return False
            except Exception as error:  # pylint: disable=broad-except
                if self.get_option('strict'):
                    raise AnsibleError('Could not evaluate filter %r for host %s: %s'
                                       % (condition, name, to_native(error)))
                return False
        return True

    def _store(self, name, hostvars, groups):
        """ansible-core's part: what any plugin pays to put these hosts, variables and groups into Ansible."""
        inventory = self.inventory
        inventory.add_host(name)
        for variable, value in hostvars.items():
            inventory.set_variable(name, variable, value)
        for group in groups:
            inventory.add_child(inventory.add_group(group), name)

    def _construct(self, name, hostvars):
        """compose, groups and keyed_groups, only when configured: templating costs per host."""
        strict = self.get_option('strict')
        if self.get_option('compose'):
            self._set_composite_vars(self.get_option('compose'), hostvars, name, strict=strict)
        if self.get_option('groups'):
            self._add_host_to_composed_groups(self.get_option('groups'), hostvars, name, strict=strict)
        if self.get_option('keyed_groups'):
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hostvars, name, strict=strict)


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector while the hosts are read and stored, then restore it.

    Reading and storing 10,000 droplets allocates millions of objects without creating cycles, and
    each allocation burst starts a collection that walks every live object again: with ansible-core
    2.19, which copies and tags every stored value, that walking was a quarter of the run. Reference
    counting still frees everything meanwhile; any cycle is collected once the collector is back.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _addresses(droplet):
    """The droplet's first public and private IPv4 and first public IPv6, where it has them."""
    networks = droplet.get('networks') or {}
    found = {}
    for entry in networks.get('v4') or ():
        found.setdefault('%s_ipv4' % entry.get('type'), entry.get('ip_address'))
    for entry in networks.get('v6') or ():
        if entry.get('type') == 'public':
            found.setdefault('public_ipv6', entry.get('ip_address'))
    found['name'] = droplet.get('name')
    return found


def _refuse_ids_that_are_not_numbers(droplets):
    """Ids name hosts when nothing else can (and make repeated names unique), so they must be usable too;
    DigitalOcean's are integers, anything else means the API cannot be trusted with the inventory."""
    wrong = [repr(droplet.get('id')) for droplet in droplets if not isinstance(droplet.get('id'), int)]
    if wrong:
        raise AnsibleParserError('DigitalOcean API: %d droplet(s) with an id that is not a number: %s'
                                 % (len(wrong), _examples(wrong)))


def _usable_host_name(name):
    return HOST_NAME.fullmatch(name) is not None


def _untrusted(hostvars):
    """Values from the API as ansible-core must see them: never evaluated as templates."""
    return hostvars if _VALUES_UNTRUSTED_BY_DEFAULT else wrap_var(hostvars)


def _group_name(prefix, separator, value):
    return UNSAFE_GROUP_CHARS.sub('_', '%s%s%s' % (prefix, separator, value) if prefix else str(value))


def _examples(items):
    items = list(items)
    shown = ', '.join(items[:WARNING_EXAMPLES])
    return shown + (' and %d more' % (len(items) - WARNING_EXAMPLES) if len(items) > WARNING_EXAMPLES else '')
