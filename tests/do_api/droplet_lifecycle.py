# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Droplet life cycle: POST and DELETE /v2/droplets, droplet actions, GET /v2/actions/{id},
and tags (GET/POST /v2/tags, POST/DELETE /v2/tags/{name}/resources).

``store.table('history')`` records, in order, every tagging, untagging and deletion of a droplet
with the time and the droplet's tags at that moment, so tests can prove an ordering such as
"taken out of the load balancer before it was deleted".

Like the API, a new droplet is ``new`` and turns ``active`` a moment later (the delay is
``store.table('config')['droplet_boot_seconds']``, 0.3 s unless set), and actions are
``in-progress`` before ``completed``. Invalid input is answered 422 with DigitalOcean's body.
``store.table('config')['public_ipv4_pool']``, a list of addresses, gives new droplets those public
addresses in turn (the lab maps the droplets scale.yml creates onto its containers this way).
"""

import re
import threading
import time

from . import catalogue
from .droplets import TABLE, make_droplet
from .router import ApiError

ACTIONS = 'actions'
TAGS = 'tags'
NAME = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$')
TAG_NAME = re.compile(r'^[A-Za-z0-9:_-]{1,255}$')
ACTION_TYPES = ('power_off', 'power_on', 'shutdown', 'reboot', 'resize')


def register(router):
    router.add('POST', '/droplets', create_droplet)
    router.add('DELETE', '/droplets/{id}', delete_droplet)
    router.add('POST', '/droplets/{id}/actions', droplet_action)
    router.add('GET', '/actions/{id}', get_action)
    router.add('GET', '/tags/{name}', get_tag)
    router.add('POST', '/tags', create_tag)
    router.add('POST', '/tags/{name}/resources', tag_resources)
    router.add('DELETE', '/tags/{name}/resources', untag_resources)


def record(store, event, droplet):
    """Note an event in the history, with the droplet's tags as they are now."""
    with store.lock:
        history = store.table('history')
        history[len(history)] = {'event': event, 'droplet_id': droplet['id'], 'name': droplet['name'],
                                 'tags': list(droplet['tags']), 'at': time.monotonic()}


def unprocessable(message):
    return ApiError(422, 'unprocessable_entity', message)


def not_found():
    return ApiError(404, 'not_found', 'The resource you were accessing could not be found.')


def later(store, key, default, change):
    """Apply change after the configured delay, as the API's asynchronous states do."""
    delay = store.table('config').get(key, default)
    if delay <= 0:
        change()
        return
    timer = threading.Timer(delay, change)
    timer.daemon = True
    timer.start()


def create_droplet(request):
    body = request.body or {}
    name, region, size_slug = body.get('name'), body.get('region'), body.get('size')
    if not name or not NAME.match(str(name)):
        raise unprocessable('Name is invalid: only letters, numbers, dots and dashes are allowed.')
    region_object = catalogue.available_region(region)
    if region_object is None:
        raise unprocessable('Region is not available.')
    size = catalogue.size(size_slug)
    if size is None:
        raise unprocessable('Size is not available in this region.')
    image = body.get('image')
    if not isinstance(image, int) and image not in catalogue.IMAGES:
        raise unprocessable('You specified an invalid image for Droplet creation.')
    tags = body.get('tags') or []
    bad_tags = [tag for tag in tags if not TAG_NAME.match(str(tag))]
    if bad_tags:
        raise unprocessable('Tag names may contain letters, numbers, colons, dashes and underscores: %s' % bad_tags)
    store = request.store
    droplet_id = store.next_id()
    droplet = make_droplet(droplet_id, name, status='new', region=(region, region_object['name']))
    droplet.update(size=size, size_slug=size_slug, memory=size['memory'], vcpus=size['vcpus'], disk=size['disk'],
                   tags=sorted(set(tags)), region=region_object,
                   features=(['monitoring'] if body.get('monitoring') else []) + ['droplet_agent', 'private_networking'])
    droplet['image'] = dict(droplet['image'], slug=image if isinstance(image, str) else None,
                            id=image if isinstance(image, int) else droplet['image']['id'])
    if body.get('vpc_uuid'):
        droplet['vpc_uuid'] = body['vpc_uuid']
    if not body.get('ipv6'):
        droplet['networks']['v6'] = []
    use_pooled_public_address(store, droplet)
    with store.lock:
        store.table(TABLE)[droplet_id] = droplet
        record(store, 'create', droplet)
        for tag in droplet['tags']:
            store.table(TAGS).setdefault(tag, {'name': tag})
    action = new_action(store, droplet_id, 'create')

    def boot():
        with store.lock:
            if droplet_id in store.table(TABLE):
                droplet['status'] = 'active'
    later(store, 'droplet_boot_seconds', 0.3, boot)
    return 202, {'droplet': droplet, 'links': {'actions': [{'id': action['id'], 'rel': 'create',
                                                            'href': '%s/actions/%d' % (request.base_url, action['id'])}]}}


def use_pooled_public_address(store, droplet):
    """Give a new droplet the next address of the ``public_ipv4_pool`` setting, if one is left, so
    that a test can map the droplets it creates onto machines it runs (the lab's containers)."""
    with store.lock:
        pool = store.table('config').get('public_ipv4_pool') or []
        if not pool:
            return
        address = pool.pop(0)
    for network in droplet['networks']['v4']:
        if network['type'] == 'public':
            network['ip_address'] = address


def droplet_or_404(request):
    try:
        droplet_id = int(request.path_params['id'])
    except ValueError:
        raise not_found() from None
    droplet = request.store.table(TABLE).get(droplet_id)
    if droplet is None:
        raise not_found()
    return droplet


def delete_droplet(request):
    droplet = droplet_or_404(request)
    with request.store.lock:
        record(request.store, 'delete', droplet)
        request.store.table(TABLE).pop(droplet['id'], None)
    return 204, None


def new_action(store, droplet_id, action_type):
    action = {'id': store.next_id(), 'status': 'in-progress', 'type': action_type, 'started_at': '2026-12-04T10:00:00Z',
              'completed_at': None, 'resource_id': droplet_id, 'resource_type': 'droplet', 'region_slug': None}
    with store.lock:
        store.table(ACTIONS)[action['id']] = action
    return action


def droplet_action(request):
    droplet = droplet_or_404(request)
    body = request.body or {}
    action_type = body.get('type')
    if action_type not in ACTION_TYPES:
        raise unprocessable('Action type %r is not valid.' % action_type)
    size = None
    if action_type == 'resize':
        size = catalogue.size(body.get('size'))
        if size is None:
            raise unprocessable('Size is not available in this region.')
        if droplet['status'] != 'off':
            raise unprocessable('Droplet must be powered off before it can be resized.')
    store = request.store
    action = new_action(store, droplet['id'], action_type)

    def finish():
        with store.lock:
            if action_type in ('power_off', 'shutdown'):
                droplet['status'] = 'off'
            elif action_type in ('power_on', 'reboot'):
                droplet['status'] = 'active'
            elif action_type == 'resize':
                droplet.update(size=size, size_slug=size['slug'], memory=size['memory'], vcpus=size['vcpus'])
            action.update(status='completed', completed_at='2026-12-04T10:01:00Z')
    later(store, 'action_seconds', 0.2, finish)
    return 201, {'action': action}


def get_action(request):
    try:
        action = request.store.table(ACTIONS).get(int(request.path_params['id']))
    except ValueError:
        action = None
    if action is None:
        raise not_found()
    return 200, {'action': action}


def tag_object(store, name):
    droplets = [d for d in store.table(TABLE).values() if name in d['tags']]
    return {'name': name, 'resources': {'count': len(droplets), 'droplets': {'count': len(droplets)}}}


def get_tag(request):
    name = request.path_params['name']
    if name not in request.store.table(TAGS):
        raise not_found()
    return 200, {'tag': tag_object(request.store, name)}


def create_tag(request):
    name = (request.body or {}).get('name')
    if not name or not TAG_NAME.match(str(name)):
        raise unprocessable('Tag names may contain letters, numbers, colons, dashes and underscores.')
    with request.store.lock:
        request.store.table(TAGS).setdefault(name, {'name': name})
    return 201, {'tag': tag_object(request.store, name)}


def tagged_droplets(request):
    name = request.path_params['name']
    if name not in request.store.table(TAGS):
        raise not_found()
    resources = (request.body or {}).get('resources') or []
    if not resources:
        raise unprocessable('resources must list at least one resource.')
    droplets = []
    for resource in resources:
        if resource.get('resource_type') != 'droplet':
            raise unprocessable('Only droplets can be tagged by this double.')
        droplet = request.store.table(TABLE).get(int(resource.get('resource_id')))
        if droplet is None:
            raise unprocessable('Droplet %s does not exist.' % resource.get('resource_id'))
        droplets.append(droplet)
    return name, droplets


def tag_resources(request):
    name, droplets = tagged_droplets(request)
    with request.store.lock:
        for droplet in droplets:
            droplet['tags'] = sorted(set(droplet['tags']) | {name})
            record(request.store, 'tag:' + name, droplet)
    return 204, None


def untag_resources(request):
    name, droplets = tagged_droplets(request)
    with request.store.lock:
        for droplet in droplets:
            droplet['tags'] = [tag for tag in droplet['tags'] if tag != name]
            record(request.store, 'untag:' + name, droplet)
    return 204, None
