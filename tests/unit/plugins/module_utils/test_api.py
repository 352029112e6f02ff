# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DigitalOcean client against the API double: pagination, retries, breaker, limiter, errors."""

import re
import socket
import time

import pytest

from ansible_collections.agentc2.platform.plugins.module_utils import _api
from ansible_collections.agentc2.platform.plugins.module_utils._api import (
    CircuitBreaker, CircuitOpenError, DigitalOceanClient, DigitalOceanError, RateLimiter)
from ansible_collections.agentc2.platform.tests.do_api import ApiError


class FakeTime:
    """A clock that moves only when the code under test sleeps, so retry waits cost nothing."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def client_for(api, fake=None, **options):
    if fake is not None:
        options.update(clock=fake.clock, sleep=fake.sleep)
    options.setdefault('validate_certs', False)
    return DigitalOceanClient(api.token, base_url=api.url, **options)


@pytest.fixture
def fake_time():
    return FakeTime()


# -- pagination ----------------------------------------------------------------------------

@pytest.mark.parametrize('count, pages', [(0, 1), (1, 1), (200, 1), (201, 2), (10000, 50)])
def test_list_all_reads_every_droplet_once_in_order(do_api, count, pages):
    created = do_api.seed_droplets(count)
    droplets = client_for(do_api).list_all('/droplets', 'droplets')
    assert [d['id'] for d in droplets] == [d['id'] for d in created]
    assert do_api.log.count(method='GET', path='/droplets') == pages
    assert all('per_page=200' in entry.query for entry in do_api.log.entries)


def test_pages_after_the_first_are_fetched_concurrently_within_the_bound(do_api_factory):
    api = do_api_factory(latency=0.2)
    api.seed_droplets(2000)
    droplets = client_for(api, concurrency=4).list_all('/droplets', 'droplets')
    assert len(droplets) == 2000
    # 9 pages after the first, 0.2 s each: with 4 workers they overlap, and never more than 4.
    assert api.max_in_flight == 4


def test_server_side_tag_filter_is_passed_through(do_api):
    do_api.seed_droplets(300)
    droplets = client_for(do_api).list_all('/droplets', 'droplets', {'tag_name': 'web'})
    assert droplets and all('web' in d['tags'] for d in droplets)
    assert all('tag_name=web' in entry.query for entry in do_api.log.entries)


def test_listing_without_page_totals_follows_next_links(do_api):
    def no_totals(request):
        body = {'things': [{'id': int(request.params.get('page', 1))}], 'links': {'pages': {}}}
        if int(request.params.get('page', 1)) < 3:
            body['links']['pages']['next'] = 'next'
        return 200, body

    do_api.router.add('GET', '/things', no_totals)
    assert [t['id'] for t in client_for(do_api).list_all('/things', 'things')] == [1, 2, 3]


def test_an_item_repeated_on_a_later_page_is_kept_once(do_api):
    def shifted(request):
        page = int(request.params['page'])
        return 200, {'things': [{'id': page}, {'id': page + 1}], 'links': {}, 'meta': {'total': 4}}

    do_api.router.add('GET', '/things', shifted)
    things = client_for(do_api).list_all('/things', 'things', {'per_page': 2})
    assert [t['id'] for t in things] == [1, 2, 3]


# -- verbs and bodies ------------------------------------------------------------------------

def add_echo_route(do_api):
    def echo(request):
        return (204, None) if request.method == 'DELETE' else (201, {'method': request.method, 'got': request.body})

    for method in ('POST', 'PUT', 'PATCH', 'DELETE'):
        do_api.router.add(method, '/echo', echo)


def test_verbs_send_json_bodies_and_decode_answers(do_api):
    add_echo_route(do_api)
    client = client_for(do_api)
    assert client.post('/echo', {'name': 'a'}) == {'method': 'POST', 'got': {'name': 'a'}}
    assert client.put('echo', {'n': 1}) == {'method': 'PUT', 'got': {'n': 1}}
    assert client.patch('/echo', {'n': 2})['method'] == 'PATCH'
    assert client.delete('/echo') is None


def test_a_missing_resource_is_a_404_error_not_retried(do_api):
    with pytest.raises(DigitalOceanError) as raised:
        client_for(do_api).get('/droplets/42')
    assert raised.value.status == 404 and raised.value.error_id == 'not_found'
    assert do_api.log.count() == 1


# -- retries ---------------------------------------------------------------------------------

@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_5xx_is_retried_with_growing_jittered_backoff(do_api, fake_time, status):
    do_api.seed_droplets(3)
    do_api.faults.script(status, count=3, path='/droplets')
    client = client_for(do_api, fake_time, circuit_breaker=CircuitBreaker(threshold=10))
    assert len(client.list_all('/droplets', 'droplets')) == 3
    assert do_api.log.count(status=status) == 3 and client.stats['retries'] == 3
    steps = [0.5, 1.0, 2.0]
    assert all(step / 2 <= slept <= step for slept, step in zip(fake_time.sleeps, steps))


@pytest.mark.parametrize('method', ['post', 'patch'])
def test_a_5xx_answer_to_a_create_or_change_is_not_sent_twice(do_api, fake_time, method):
    add_echo_route(do_api)
    do_api.faults.script(503, count=1, path='/echo')
    client = client_for(do_api, fake_time)
    with pytest.raises(DigitalOceanError) as raised:
        getattr(client, method)('/echo', {'name': 'web-1'})
    assert raised.value.status == 503
    assert do_api.log.count() == 1 and client.stats['retries'] == 0


def test_a_dropped_post_is_not_sent_twice(do_api, fake_time):
    add_echo_route(do_api)
    do_api.faults.script(kind='drop', count=1)
    client = client_for(do_api, fake_time)
    with pytest.raises(DigitalOceanError):
        client.post('/echo', {'name': 'web-1'})
    assert client.stats['retries'] == 0


def test_a_429_answer_to_a_post_is_retried(do_api, fake_time):
    add_echo_route(do_api)
    do_api.faults.script(429, count=1, retry_after=2)
    client = client_for(do_api, fake_time)
    assert client.post('/echo', {'name': 'web-1'})['got'] == {'name': 'web-1'}
    assert client.stats['retries'] == 1


def test_429_waits_for_retry_after_and_holds_back_every_thread(do_api, fake_time):
    do_api.seed_droplets(3)
    do_api.faults.script(429, count=2, retry_after=7)
    client = client_for(do_api, fake_time)
    assert len(client.list_all('/droplets', 'droplets')) == 3
    assert fake_time.now - 1000.0 >= 14.0
    assert all(7.0 <= slept <= 7.7 for slept in fake_time.sleeps[:1])


def test_429_without_retry_after_waits_for_ratelimit_reset(do_api, fake_time):
    do_api.faults.script(429, count=1, headers={'ratelimit-remaining': '0',
                                                'ratelimit-reset': str(int(time.time()) + 20)})
    client = client_for(do_api, fake_time)
    assert client.get('/droplets') is not None
    assert 18.0 <= fake_time.sleeps[0] <= 22.0


def test_a_storm_of_429s_is_waited_out_and_does_not_open_the_breaker(do_api, fake_time):
    do_api.seed_droplets(450)
    do_api.faults.script(429, count=20, retry_after=1)
    client = client_for(do_api, fake_time, max_retries=25)
    assert len(client.list_all('/droplets', 'droplets')) == 450
    assert do_api.log.count(status=429) == 20


def test_timeouts_are_retried(do_api):
    do_api.faults.script(kind='hang', seconds=1.5, count=1)
    client = client_for(do_api, timeout=1, backoff_base=0.01)
    assert client.get('/droplets')['meta']['total'] == 0
    assert client.stats['retries'] == 1


def test_dropped_connections_are_retried(do_api, fake_time):
    do_api.faults.script(kind='drop', count=2)
    client = client_for(do_api, fake_time)
    assert client.get('/droplets')['droplets'] == []
    assert client.stats == {'requests': 3, 'retries': 2}


def test_retries_stop_after_max_retries_with_the_last_error(do_api, fake_time):
    do_api.faults.script(503, count=100)
    client = client_for(do_api, fake_time, max_retries=2, circuit_breaker=CircuitBreaker(threshold=100))
    with pytest.raises(DigitalOceanError) as raised:
        client.get('/droplets')
    assert raised.value.status == 503 and do_api.log.count() == 3


def test_retries_stop_when_the_wait_would_pass_max_retry_time(do_api, fake_time):
    do_api.faults.script(429, count=5, retry_after=100)
    client = client_for(do_api, fake_time, max_retry_time=150)
    with pytest.raises(DigitalOceanError) as raised:
        client.get('/droplets')
    assert raised.value.status == 429 and do_api.log.count() == 2


def test_api_unreachable_is_retried_then_a_clear_error(fake_time):
    with socket.socket() as free:
        free.bind(('127.0.0.1', 0))
        port = free.getsockname()[1]
    client = DigitalOceanClient('secret-token', base_url='http://127.0.0.1:%d/v2' % port,
                                clock=fake_time.clock, sleep=fake_time.sleep)
    with pytest.raises(DigitalOceanError) as raised:
        client.get('/droplets')
    assert 'connection failed' in str(raised.value) and 'GET /v2/droplets' in str(raised.value)
    assert client.stats['requests'] == 5  # then the breaker refuses the sixth
    assert isinstance(raised.value, CircuitOpenError)


# -- circuit breaker -------------------------------------------------------------------------

def test_breaker_opens_after_5_consecutive_failures_and_probes_after_cooldown(do_api, fake_time):
    do_api.faults.script(500, count=5)
    breaker = CircuitBreaker(threshold=5, cooldown=30, clock=fake_time.clock)
    client = client_for(do_api, fake_time, circuit_breaker=breaker, max_retries=10)
    with pytest.raises(CircuitOpenError) as raised:
        client.get('/droplets')
    assert do_api.log.count() == 5 and breaker.is_open
    assert 'HTTP 500' in str(raised.value)
    with pytest.raises(CircuitOpenError):
        client.get('/droplets')
    assert do_api.log.count() == 5
    fake_time.sleep(30)
    assert client.get('/droplets')['droplets'] == []
    assert not breaker.is_open


def test_a_failed_probe_opens_the_breaker_again(fake_time):
    breaker = CircuitBreaker(threshold=2, cooldown=10, clock=fake_time.clock)
    breaker.record_failure('x')
    breaker.record_failure('x')
    fake_time.sleep(10)
    breaker.before_request('GET', '/p')
    breaker.record_failure('y')
    with pytest.raises(CircuitOpenError):
        breaker.before_request('GET', '/p')


def test_a_success_resets_the_failure_count(fake_time):
    breaker = CircuitBreaker(threshold=2, clock=fake_time.clock)
    breaker.record_failure('x')
    breaker.record_success()
    breaker.record_failure('x')
    breaker.before_request('GET', '/p')


# -- rate limit ------------------------------------------------------------------------------

def test_sliding_window_never_admits_more_than_the_limit_in_any_period(fake_time):
    limiter = RateLimiter(limit=5, period=60.0, clock=fake_time.clock, sleep=fake_time.sleep)
    starts = []
    for _request in range(23):
        slot = limiter.acquire()
        starts.append(fake_time.now)
        fake_time.now += 2.0  # the response takes 2 s
        limiter.release(slot)
        fake_time.now += 5.0
    for index, start in enumerate(starts):
        # arrivals lie anywhere in [start, start + 2]: even the latest arrival of one request and the
        # earliest of the later ones are never 5 + 1 within 60 s
        assert sum(1 for other in starts[index + 1:] if other < start + 2.0 + 60.0) <= 4


def test_a_slot_is_held_while_its_request_is_in_flight(fake_time):
    limiter = RateLimiter(limit=2, period=1.0, clock=fake_time.clock, sleep=fake_time.sleep)
    first = limiter.acquire()
    limiter.acquire()
    assert limiter._reserve_or_wait() == (None, RateLimiter._POLL)
    fake_time.now += 30.0
    limiter.release(first)
    assert limiter._reserve_or_wait()[0] is None
    fake_time.now += 1.0
    assert limiter._reserve_or_wait()[0] is not None


def test_client_stays_under_the_limit_against_the_double(do_api):
    do_api.seed_droplets(2400)
    limiter = RateLimiter(limit=4, period=1.0)
    client = client_for(do_api, rate_limiter=limiter, concurrency=8)
    started = time.monotonic()
    assert len(client.list_all('/droplets', 'droplets')) == 2400
    assert do_api.log.count() == 12
    assert do_api.log.max_in_window(1.0) <= 4
    assert time.monotonic() - started >= 2.0


def test_default_limit_is_the_apis_250_per_minute(do_api):
    do_api.seed_droplets(10000)
    client = client_for(do_api)
    client.list_all('/droplets', 'droplets')
    assert client._limiter.limit == 250 and client._limiter.period == 60.0
    assert do_api.log.max_in_window(60) == 50


# -- errors ----------------------------------------------------------------------------------

def test_bad_token_is_one_clear_401_without_the_token(do_api):
    client = DigitalOceanClient('dop_v1_wrong_secret', base_url=do_api.url)
    with pytest.raises(DigitalOceanError) as raised:
        client.list_all('/droplets', 'droplets')
    message = str(raised.value)
    assert message.startswith('GET /v2/droplets?page=1&per_page=200: HTTP 401 unauthorized')
    assert 'dop_v1_wrong_secret' not in message and do_api.log.count() == 1


def test_the_token_is_redacted_even_when_the_api_echoes_it(do_api, fake_time):
    do_api.faults.script(400, message='bad request for token %s' % do_api.token)
    with pytest.raises(DigitalOceanError) as raised:
        client_for(do_api, fake_time).get('/droplets')
    assert do_api.token not in str(raised.value) and '<redacted>' in str(raised.value)


def test_malformed_json_names_the_page(do_api):
    do_api.seed_droplets(450)
    client = client_for(do_api, concurrency=1)
    do_api.faults.script(kind='malformed', path='/droplets', after=1)
    with pytest.raises(DigitalOceanError, match=r'GET /v2/droplets\?page=2&per_page=200: HTTP 200: malformed JSON'):
        client.list_all('/droplets', 'droplets')
    assert client.stats['retries'] == 0


def test_an_unexpected_shape_names_the_page_and_the_missing_key(do_api):
    do_api.router.add('GET', '/odd', lambda request: (200, {'droplets': {'not': 'a list'}}))
    with pytest.raises(DigitalOceanError, match=r"GET /v2/odd\?page=1&per_page=200: .*'droplets' list"):
        client_for(do_api).list_all('/odd', 'droplets')


def test_handler_errors_come_back_with_their_id(do_api):
    def refuse(request):
        raise ApiError(422, 'unprocessable_entity', 'Name is invalid')

    do_api.router.add('POST', '/refusals', refuse)
    with pytest.raises(DigitalOceanError) as raised:
        client_for(do_api).post('/refusals', {'name': '!'})
    assert str(raised.value) == 'POST /v2/refusals: HTTP 422 unprocessable_entity: Name is invalid'


def test_https_works_and_an_unverified_certificate_is_a_clear_unretried_error(do_api_tls):
    do_api_tls.seed_droplets(5)
    assert len(client_for(do_api_tls).list_all('/droplets', 'droplets')) == 5
    strict = DigitalOceanClient(do_api_tls.token, base_url=do_api_tls.url, validate_certs=True)
    with pytest.raises(DigitalOceanError, match='certificate'):
        strict.get('/droplets')
    assert strict.stats['requests'] == 1


def test_no_token_is_refused_before_any_request():
    with pytest.raises(DigitalOceanError, match='no API token'):
        DigitalOceanClient('')


# -- module glue -----------------------------------------------------------------------------

class FakeModule:
    def __init__(self, params):
        self.params = params

    def fail_json(self, **result):
        raise RuntimeError(result['msg'])


def test_client_from_module_uses_the_module_params(do_api):
    params = dict(api_token=do_api.token, api_base_url=do_api.url, timeout=5, validate_certs=False,
                  max_retries=1, concurrency=2)
    client = _api.client_from_module(FakeModule(params))
    assert (client.base_url, client.timeout, client.max_retries, client.concurrency) == (do_api.url, 5, 1, 2)
    assert client.get('/droplets')['meta']['total'] == 0


def test_client_from_module_without_token_names_the_environment_variables():
    with pytest.raises(RuntimeError, match='DIGITALOCEAN_TOKEN'):
        _api.client_from_module(FakeModule({'api_token': None}))


def test_argument_spec_matches_the_doc_fragment():
    import yaml
    from ansible_collections.agentc2.platform.plugins.doc_fragments.api import ModuleDocFragment

    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    plugin_documented = yaml.safe_load(ModuleDocFragment.PLUGIN)['options']
    spec = _api.api_argument_spec()
    assert set(spec) == set(documented) == set(plugin_documented)
    for name, option in spec.items():
        assert option.get('default') == documented[name].get('default') == plugin_documented[name].get('default')
        assert option['type'] == documented[name]['type']
    assert [entry['name'] for entry in plugin_documented['api_token']['env']] == list(_api.TOKEN_ENV_VARS)
    assert re.search(r'\bDIGITALOCEAN_API_URL\b', str(plugin_documented['api_base_url']['env']))
