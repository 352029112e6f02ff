# -*- coding: utf-8 -*-
# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The DigitalOcean API options shared by every module (api) and plugin (api.plugin).

    Keep them in step with api_argument_spec() in plugins/module_utils/_api.py.
    """

    # Modules: extends_documentation_fragment: agentc2.platform.api
    DOCUMENTATION = r"""
options:
  api_token:
    description:
      - DigitalOcean API token (a personal access token with read scope for reads, write for changes).
      - If not set, the first of the environment variables E(DIGITALOCEAN_TOKEN),
        E(DIGITALOCEAN_ACCESS_TOKEN), E(DO_API_TOKEN), E(DO_API_KEY), E(DO_OAUTH_TOKEN) that is set.
      - It is never logged and never part of an error message.
    type: str
    aliases: [oauth_token]
  api_base_url:
    description:
      - Base URL of the DigitalOcean API v2.
      - If not set, the environment variable E(DIGITALOCEAN_API_URL), then the default.
    type: str
    default: https://api.digitalocean.com/v2
  timeout:
    description:
      - Seconds to wait for one HTTP response before that attempt counts as failed and is retried.
    type: int
    default: 30
  validate_certs:
    description:
      - Verify the API's TLS certificate. Only turn this off for a test double.
    type: bool
    default: true
  max_retries:
    description:
      - How many times one request is retried after a 429, a 5xx, a timeout or a connection error,
        with jittered exponential backoff that honours C(Retry-After) and C(ratelimit-reset).
      - A circuit breaker stops retrying after 5 consecutive failures, whatever this value.
    type: int
    default: 8
  concurrency:
    description:
      - How many pages of a listing are fetched at the same time after the first.
      - Never more than 250 requests are started in any minute, whatever this value.
    type: int
    default: 8
notes:
  - Requests are limited to the API's 250 per minute, and retried as described for O(max_retries).
"""

    # Plugins: extends_documentation_fragment: agentc2.platform.api.plugin
    PLUGIN = r"""
options:
  api_token:
    description:
      - DigitalOcean API token (read scope is enough for the inventory).
      - Templatable, so a vaulted variable or a lookup works (see the examples).
      - It is never logged and never part of an error message.
    type: str
    aliases: [oauth_token]
    env:
      - name: DIGITALOCEAN_TOKEN
      - name: DIGITALOCEAN_ACCESS_TOKEN
      - name: DO_API_TOKEN
      - name: DO_API_KEY
      - name: DO_OAUTH_TOKEN
  api_base_url:
    description:
      - Base URL of the DigitalOcean API v2.
    type: str
    default: https://api.digitalocean.com/v2
    env:
      - name: DIGITALOCEAN_API_URL
  timeout:
    description:
      - Seconds to wait for one HTTP response before that attempt counts as failed and is retried.
    type: int
    default: 30
  validate_certs:
    description:
      - Verify the API's TLS certificate. Only turn this off for a test double.
    type: bool
    default: true
  max_retries:
    description:
      - How many times one request is retried after a 429, a 5xx, a timeout or a connection error,
        with jittered exponential backoff that honours C(Retry-After) and C(ratelimit-reset).
      - A circuit breaker stops retrying after 5 consecutive failures, whatever this value.
    type: int
    default: 8
  concurrency:
    description:
      - How many pages of a listing are fetched at the same time after the first.
      - Never more than 250 requests are started in any minute, whatever this value.
    type: int
    default: 8
"""
