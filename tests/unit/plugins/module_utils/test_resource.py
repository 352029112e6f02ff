# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.agentc2.platform.plugins.module_utils._resource import (
    AmbiguousResource,
    canonical,
    find_unique,
    range_error,
)


def test_canonical_ignores_order_at_every_depth():
    one = {'rules': [{'ports': '22', 'sources': {'addresses': ['b', 'a']}}, {'ports': '80', 'sources': {}}]}
    two = {'rules': [{'sources': {}, 'ports': '80'}, {'sources': {'addresses': ['a', 'b']}, 'ports': '22'}]}
    assert canonical(one) == canonical(two)
    assert canonical({'a': [1, 2]}) != canonical({'a': [1, 2, 2]})


def test_find_unique():
    items = [{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}, {'id': 3, 'name': 'b'}]
    assert find_unique(items, 'name', 'a', 'droplet') == items[0]
    assert find_unique(items, 'name', 'z', 'droplet') is None
    with pytest.raises(AmbiguousResource, match=r"2 droplet resources are named 'b' \(ids 2, 3\)"):
        find_unique(items, 'name', 'b', 'droplet')


def test_range_error():
    assert range_error('x', 3, 3, 300) is None
    assert range_error('x', None, 3, 300) is None
    assert range_error('x', 301, 3, 300) == 'x must be between 3 and 300, got 301'
