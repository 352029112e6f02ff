# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Regions and sizes: GET /v2/regions and GET /v2/sizes, which modules check input against."""

from .droplets import REGIONS, SIZES
from .router import paginate

# Larger sizes than the generated droplets use, so the seed's 32 GB droplets can be asked for.
EXTRA_SIZES = [('s-8vcpu-16gb', 8, 16384, 320, 96.0), ('g-8vcpu-32gb', 8, 32768, 100, 252.0)]
# A region that exists but takes no new resources, as DigitalOcean marks some.
UNAVAILABLE_REGIONS = [('nyc2', 'New York 2')]
IMAGES = ['debian-13-x64', 'debian-12-x64', 'ubuntu-24-04-x64']


def register(router):
    router.add('GET', '/regions', list_regions)
    router.add('GET', '/sizes', list_sizes)


def all_sizes():
    return SIZES + EXTRA_SIZES


def size(slug):
    """The size object for slug, or None."""
    for entry in all_sizes():
        if entry[0] == slug:
            return size_object(entry)
    return None


def size_object(entry):
    slug, vcpus, memory, disk, price = entry
    return {'slug': slug, 'memory': memory, 'vcpus': vcpus, 'disk': disk, 'transfer': 4.0,
            'price_monthly': price, 'price_hourly': round(price / 672, 5),
            'regions': [region[0] for region in REGIONS], 'available': True, 'description': 'Basic'}


def region_object(entry, available=True):
    slug, name = entry
    return {'slug': slug, 'name': name, 'available': available,
            'features': ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer'],
            'sizes': [item[0] for item in all_sizes()] if available else []}


def available_region(slug):
    """The available region object for slug, or None."""
    for entry in REGIONS:
        if entry[0] == slug:
            return region_object(entry)
    return None


def list_regions(request):
    regions = [region_object(entry) for entry in REGIONS]
    regions += [region_object(entry, available=False) for entry in UNAVAILABLE_REGIONS]
    return 200, paginate(request, regions, 'regions')


def list_sizes(request):
    return 200, paginate(request, [size_object(entry) for entry in all_sizes()], 'sizes')
