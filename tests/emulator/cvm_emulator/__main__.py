# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Command line: ``PYTHONPATH=tests/emulator python -m cvm_emulator [flags]``."""

import argparse
import signal
import sqlite3
import sys

from . import DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY
from .config import DRY_RUN_MODES, STOP_CHARGING_MODES, TIMER_DELETE_MODES, Settings
from .emulator import Emulator
from .server import EmulatorHTTPServer, write_port_file

STOP_POLL = 0.2

DESCRIPTION = f"""\
Local emulator of Tencent Cloud's CVM APIs over one store, on one port:
  /v2/index.php  the legacy API: RunInstancesHour, DescribeInstances, ReturnInstance,
                 InquiryInstancePriceHour, StartInstances, StopInstances, RestartInstances,
                 UpdateInstanceBandwidthHour, and the dfw actions ModifySecurityGroupsOfInstance,
                 DescribeSecurityGroupEx, DescribeInstancesOfSecurityGroup;
  /              API 3.0 (TC3-HMAC-SHA256, version 2017-03-12): the cvm actions RunInstances,
                 DescribeInstances, TerminateInstances, ImportInstancesActionTimer,
                 DescribeInstancesAttributes, ... and vpc DescribeSecurityGroups
                 (tests/emulator/README.md lists them);
plus a JSON control API under /_emulator/ (instances, requests, faults, config, seed,
security_groups, clock, reclaim, stock, reset).

Default credentials (the one accepted key pair):
  SecretId  {DEFAULT_SECRET_ID}
  SecretKey {DEFAULT_SECRET_KEY}
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m cvm_emulator", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    add("--port", type=int, default=0, help="port to bind; 0 picks a free one (default %(default)s)")
    add("--port-file", help="write the bound port here (atomically) once ready to serve")
    add("--secret-id", default=DEFAULT_SECRET_ID, help="accepted SecretId (default %(default)s)")
    add("--secret-key", default=DEFAULT_SECRET_KEY, help="its SecretKey (default %(default)s)")
    add("--security-token", help="if set, every request must carry Token equal to it (else 4105)")
    add("--create-delay", type=float, default=1.0, metavar="SECONDS", help="creating (3) -> running (2) after this long (default %(default)s)")
    add("--return-delay", type=float, default=1.0, metavar="SECONDS", help="returning (6) -> returned (5) after this long (default %(default)s)")
    add(
        "--power-delay",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="stopping (9) -> stopped (4), starting (8) -> running (2), rebooting (7) -> running (2) after this long (default %(default)s)",
    )
    add("--forget-delay", type=float, default=60.0, metavar="SECONDS", help="returned instances stay in DescribeInstances this long (default %(default)s)")
    add(
        "--timestamp-window",
        type=float,
        default=7200.0,
        metavar="SECONDS",
        help="allowed clock skew and nonce memory; 0 disables both checks (default %(default)s)",
    )
    add(
        "--v3-timestamp-window",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="API 3.0 face: allowed X-TC-Timestamp skew; 0 disables the check (default %(default)s)",
    )
    add(
        "--dry-run-mode",
        choices=DRY_RUN_MODES,
        default=DRY_RUN_MODES[0],
        help="API 3.0 RunInstances DryRun that passes: answer a bare RequestId (request-id) or the DryRunOperation error (error) (default %(default)s)",
    )
    add(
        "--reclaim-delay",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="a spot instance reclaimed through POST /_emulator/reclaim stays TERMINATING this long (default %(default)s)",
    )
    add("--timer-keep", type=float, default=86400.0, metavar="SECONDS", help="DONE action timers stay listed this long (default %(default)s)")
    add(
        "--stop-charging-mode",
        choices=STOP_CHARGING_MODES,
        default=STOP_CHARGING_MODES[0],
        help="API 3.0 StopInstances STOP_CHARGING of an instance with a local disk: refuse the call (strict) or stop it with charging (lenient) "
        "(default %(default)s)",
    )
    add(
        "--timer-delete-mode",
        choices=TIMER_DELETE_MODES,
        default=TIMER_DELETE_MODES[0],
        help="API 3.0 DeleteInstancesActionTimer of an unknown or already run timer: refuse the call (strict) or skip the id (ignore) (default %(default)s)",
    )
    add("--state-file", metavar="PATH", help="SQLite file that keeps the state (and the clock offset) across restarts")
    add("--tls-cert", metavar="PATH", help="serve HTTPS with this certificate (PEM)")
    add("--tls-key", metavar="PATH", help="private key for --tls-cert (PEM)")
    add(
        "--balance",
        default="1000000",
        metavar="AMOUNT",
        help="account balance in CNY; a create costing more in its first hour answers 5300 (default %(default)s)",
    )
    add(
        "--latency",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="added before every API answer (not the control API); requests still run in parallel (default %(default)s)",
    )
    add("--rate-limits", action="store_true", help="enforce the per-(SecretId, action) request rate limits (see README); exceeded -> 4400")
    add("--access-log", action="store_true", help="log every HTTP request to stderr")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    for name in (
        "create_delay",
        "return_delay",
        "power_delay",
        "forget_delay",
        "timestamp_window",
        "v3_timestamp_window",
        "latency",
        "reclaim_delay",
        "timer_keep",
    ):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must be >= 0")
    if args.latency > 3600:
        parser.error("--latency must be at most 3600")
    return Settings(**vars(args))


def main(argv=None):
    settings = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        emulator = Emulator(settings)
    except (ValueError, sqlite3.Error) as exc:
        sys.exit(f"cvm_emulator: {exc}")
    try:
        server = EmulatorHTTPServer(settings, emulator)
    except OSError as exc:  # port taken, unreadable certificate, bad TLS key ...
        emulator.close()
        sys.exit(f"cvm_emulator: cannot serve on {settings.host}:{settings.port}: {exc}")
    # The handler only records the signal: raising from it could leave a lock
    # taken half-way inside threading or socketserver and hang the exit.
    stop = []
    signal.signal(signal.SIGTERM, lambda signum, _frame: stop.append(signum))
    signal.signal(signal.SIGINT, lambda signum, _frame: stop.append(signum))
    server.timeout = STOP_POLL
    try:
        # Log first: whoever waits for the port file may read the log line right after.
        print(f"cvm_emulator listening on {server.url}", file=sys.stderr, flush=True)
        if settings.port_file:
            write_port_file(settings.port_file, server.port)
        while not stop:
            server.handle_request()
    finally:
        server.server_close()
        emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
