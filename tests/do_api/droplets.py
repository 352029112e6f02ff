# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Droplets: GET /v2/droplets (paged, tag_name and name filters), GET /v2/droplets/{id},
and a deterministic generator of realistic droplets for tests and the benchmark."""

import random

from .router import ApiError, paginate

TABLE = 'droplets'

REGIONS = [
    ('nyc1', 'New York 1'), ('nyc3', 'New York 3'), ('sfo3', 'San Francisco 3'), ('ams3', 'Amsterdam 3'),
    ('fra1', 'Frankfurt 1'), ('lon1', 'London 1'), ('sgp1', 'Singapore 1'), ('tor1', 'Toronto 1'),
    ('blr1', 'Bangalore 1'), ('syd1', 'Sydney 1'),
]
SIZES = [
    ('s-1vcpu-1gb', 1, 1024, 25, 6.0), ('s-2vcpu-2gb', 2, 2048, 60, 18.0),
    ('s-2vcpu-4gb', 2, 4096, 80, 24.0), ('s-4vcpu-8gb', 4, 8192, 160, 48.0),
]
ROLES = ['web', 'worker', 'api', 'db']
ENVIRONMENTS = ['env:prod', 'env:staging']


def register(router):
    router.add('GET', '/droplets', list_droplets)
    router.add('GET', '/droplets/{id}', get_droplet)


def list_droplets(request):
    droplets = list(request.store.table(TABLE).values())
    tag = request.params.get('tag_name')
    if tag:
        droplets = [droplet for droplet in droplets if tag in droplet['tags']]
    name = request.params.get('name')
    if name:
        droplets = [droplet for droplet in droplets if droplet['name'] == name]
    return 200, paginate(request, droplets, 'droplets')


def get_droplet(request):
    droplet = request.store.table(TABLE).get(_int_id(request.path_params['id']))
    if droplet is None:
        raise ApiError(404, 'not_found', 'The resource you were accessing could not be found.')
    return 200, {'droplet': droplet}


def add(store, droplets):
    table = store.table(TABLE)
    with store.lock:
        for droplet in droplets:
            table[droplet['id']] = droplet
    return droplets


def generate(count, seed=0, first_id=300000000, duplicate_every=97, without_public_every=50,
             without_private_every=70, tags=True):
    """``count`` droplets, the same for the same arguments.

    Every ``duplicate_every``-th droplet reuses an earlier droplet's name (DigitalOcean allows
    that: 10,000 droplets give 103 repeats), every ``without_public_every``-th has no public IPv4
    and every ``without_private_every``-th no private IPv4; 0 turns a variation off.
    """
    rng = random.Random(seed)
    droplets = []
    for index in range(count):
        name = 'agentc2-%05d' % index
        if duplicate_every and index and index % duplicate_every == 0:
            name = droplets[rng.randrange(index)]['name']
        droplets.append(make_droplet(
            first_id + index, name, rng,
            public=not (without_public_every and index % without_public_every == without_public_every - 1),
            private=not (without_private_every and index % without_private_every == without_private_every - 1),
            tags=tags))
    return droplets


def make_droplet(droplet_id, name, rng=None, public=True, private=True, tags=True, status='active',
                 region=None):
    """One droplet in the API's shape (the fields the list endpoint returns)."""
    rng = rng or random.Random(droplet_id)
    slug, region_name = region or REGIONS[rng.randrange(len(REGIONS))]
    size_slug, vcpus, memory, disk, price = SIZES[rng.randrange(len(SIZES))]
    octets = (droplet_id >> 16 & 255, droplet_id >> 8 & 255, droplet_id & 255)
    v4 = []
    if private:
        v4.append({'ip_address': '10.%d.%d.%d' % octets, 'netmask': '255.255.0.0', 'gateway': '10.%d.0.1' % octets[0],
                   'type': 'private'})
    if public:
        v4.append({'ip_address': '203.%d.%d.%d' % octets, 'netmask': '255.255.240.0',
                   'gateway': '203.%d.%d.1' % octets[:2], 'type': 'public'})
    v6 = [{'ip_address': '2604:a880:%x:%x::%x' % octets, 'netmask': 64, 'gateway': '2604:a880::1',
           'type': 'public'}] if public and droplet_id % 3 == 0 else []
    droplet_tags = [ROLES[droplet_id % len(ROLES)], ENVIRONMENTS[droplet_id % 7 == 0], 'agentc2'] if tags else []
    return {
        'id': droplet_id, 'name': name, 'memory': memory, 'vcpus': vcpus, 'disk': disk, 'locked': False,
        'status': status, 'kernel': None, 'created_at': '2026-11-%02dT10:%02d:00Z' % (1 + droplet_id % 28, droplet_id % 60),
        'features': ['monitoring', 'droplet_agent', 'private_networking'] + (['ipv6'] if v6 else []),
        'backup_ids': [], 'next_backup_window': None, 'snapshot_ids': [], 'volume_ids': [],
        'image': {'id': 170000000, 'name': '13 x64', 'distribution': 'Debian', 'slug': 'debian-13-x64',
                  'public': True, 'regions': [r[0] for r in REGIONS], 'created_at': '2026-08-10T12:00:00Z',
                  'min_disk_size': 10, 'type': 'base', 'size_gigabytes': 1.2, 'description': 'Debian 13 x64',
                  'tags': [], 'status': 'available'},
        'size': {'slug': size_slug, 'memory': memory, 'vcpus': vcpus, 'disk': disk, 'transfer': 2.0,
                 'price_monthly': price, 'price_hourly': round(price / 672, 5),
                 'regions': [r[0] for r in REGIONS], 'available': True, 'description': 'Basic'},
        'size_slug': size_slug,
        'networks': {'v4': v4, 'v6': v6},
        'region': {'name': region_name, 'slug': slug, 'available': True,
                   'features': ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer'],
                   'sizes': [s[0] for s in SIZES]},
        'tags': droplet_tags,
        'vpc_uuid': '5a4981aa-%04x-4b3e-9a6b-%012x' % (REGIONS.index((slug, region_name)), 0xa9c0),
    }


def _int_id(text):
    try:
        return int(text)
    except ValueError:
        raise ApiError(404, 'not_found', 'The resource you were accessing could not be found.')
