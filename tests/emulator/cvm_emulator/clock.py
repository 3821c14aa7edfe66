# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's clock: wall-clock time plus an offset that ``POST /_emulator/clock`` advances.

Everything the emulator *decides* by time reads this clock: status
transitions (create, power, terminate delays), ``forget_delay``, action
timers (firing, the "more than 5 minutes ahead" rule, DONE retention),
spot reclaim, ``CreatedTime``/``createTime``, the ``creation-*-time``
filters, added security groups' ``createTime`` and the rate-limit buckets
(advancing refills them).  What a *client* decides by its own clock is not
shifted: the legacy ``Timestamp`` window and nonce memory and the 3.0
``X-TC-Timestamp`` window compare with wall-clock time (a client signs with
its real clock), and the request log's ``time``, ``--latency`` and the
``delay`` fault are wall-clock too.

The offset only grows (a clock going back would undo transitions already
seen); it is kept in the state file, so a restart with ``--state-file``
continues at the advanced time, and reset puts it back to 0.
"""

import time


class Clock:
    def __init__(self, base=time.time):
        self.base = base
        self.offset = 0.0

    def __call__(self):
        return self.base() + self.offset

    def monotonic(self):
        """For intervals (rate-limit buckets): monotonic time plus the same offset."""
        return time.monotonic() + self.offset
