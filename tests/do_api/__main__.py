# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the double alone: python -m tests.do_api --droplets 10000 --latency 0.1 --port 0

Prints the URL and the token (also as shell exports), serves until interrupted, then prints the
request count and the most requests seen in any 60 s window."""

import argparse
import signal
import sys
import threading

from .server import DEFAULT_TOKEN, ApiDouble


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m tests.do_api', description=__doc__.splitlines()[0])
    parser.add_argument('--droplets', type=int, default=0, help='how many droplets to generate')
    parser.add_argument('--latency', type=float, default=0.0, help='seconds added to every answer')
    parser.add_argument('--port', type=int, default=0, help='0 for an ephemeral port')
    parser.add_argument('--https', action='store_true', help='serve TLS with a self-signed certificate')
    parser.add_argument('--token', default=DEFAULT_TOKEN)
    parser.add_argument('--error-rate', type=float, default=0.0, help='share of requests answered 5xx')
    parser.add_argument('--throttle-rate', type=float, default=0.0, help='share answered 429')
    parser.add_argument('--requests-per-minute', type=int, default=250, help="the API's limit, 0 for none")
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)

    api = ApiDouble(port=args.port, https=args.https, token=args.token, latency=args.latency,
                    requests_per_minute=args.requests_per_minute, seed=args.seed)
    api.faults.error_rate = args.error_rate
    api.faults.throttle_rate = args.throttle_rate
    api.seed_droplets(args.droplets, seed=args.seed)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with api:
        print('DIGITALOCEAN_API_URL=%s' % api.url)
        print('DIGITALOCEAN_TOKEN=%s' % api.token)
        if api.ca_file:
            print('# self-signed certificate: %s (or validate_certs: false)' % api.ca_file)
        sys.stdout.flush()
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
    print('requests: %d, most in any 60 s: %d' % (len(api.log.entries), api.log.max_in_window(60)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
