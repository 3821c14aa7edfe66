# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Buying instances with a client token that never replays a finished create.

Private: may change without notice. The rule (documented for users under
the module's ``client_token`` option):

* the derived token is a hash of the region, the spec, the count and the IDs
  of every listed instance of the task (given-back and failed ones
  included), so every retry of one create, and a re-run after a lost
  answer, sends the same token: the API answers it with the same instances
  and buys nothing more;
* an answer whose instances are not new (listed before this create, given
  back, or not listed at all) replays a finished create: the token
  belongs to an earlier create whose instances are gone (a teardown, a
  failed create, the listing forgot them). The create is sent again with
  the next token of a chain that also hashes those stale IDs, so it is new to
  the API; a run that lost such an answer walks the same chain and gets
  its own answer back, so nothing is ever bought twice;
* a token given by the user is sent as is; an answer with old instances
  fails the task, naming the token.
"""

from __future__ import annotations

import time

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import QcloudError, TaskFailure
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.client_token import derive_client_token
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import GONE_STATUSES

# How many replayed answers one create walks past before giving up: each is an
# earlier create of the same spec and count whose instances are gone.
MAX_STALE_ANSWERS = 16
# A new instance is listed at once on both APIs; these pauses only cover a
# listing that lags, before an ID it does not show is taken for a forgotten one.
NOT_LISTED_PAUSES = (0.5, 1.0, 2.0)


class Purchase:
    """What one create bought: the token that bought it and the new IDs."""

    def __init__(self, token, instance_ids, instances, stale_tokens):
        self.token = token
        self.instance_ids = instance_ids
        # The Instances as listed right after the create, by ID.
        self.instances = instances
        # The tokens that were answered with a finished create, in order.
        self.stale_tokens = stale_tokens


def _old_ids(backend, instance_ids, known_ids, sleep):
    """(old IDs, listed Instances by ID): the answered IDs that are not new instances of this create.

    An instance the task knew before this create, one given back, or one the
    API no longer lists belongs to a finished create. An unknown ID that
    already failed is this create's own result (it failed at once), not an old one:
    an earlier create's failed instances are listed, so the task knew them.
    """
    known = [i for i in instance_ids if i in known_ids]
    rest = [i for i in instance_ids if i not in known_ids]
    listed = {}
    for pause in (0.0,) + NOT_LISTED_PAUSES:
        if pause:
            sleep(pause)
        listed.update((instance.instance_id, instance) for instance in backend.get([i for i in rest if i not in listed]))
        if all(i in listed for i in rest) or any(listed[i].status in GONE_STATUSES for i in listed):
            break
    finished = [i for i in rest if i not in listed or listed[i].status in GONE_STATUSES]
    return known + finished, listed


def buy(backend, spec, count, known_ids, user_token=None, sleep=time.sleep, on_token=None, on_answer=None):
    """Create ``count`` instances of ``spec``; a Purchase. ``known_ids``: every listed instance of the task.

    ``on_token(token)`` is told each token before it is sent, so that a
    failure (a lost answer) still reports the token of the create in flight;
    ``on_answer(ids)`` each answer before it is checked, so that a failure of
    the check still reports the IDs the API answered.
    Raises the backend's errors, and TaskFailure for a user-given token
    answered with old instances or a chain of stale answers too long.
    """
    known_ids = set(known_ids)
    stale_ids = []
    stale_tokens = []
    for _attempt in range(MAX_STALE_ANSWERS + 1):
        token = user_token or derive_client_token(backend.region, spec, count, sorted(known_ids) + stale_ids)
        if on_token is not None:
            on_token(token)
        answered = backend.create(spec, count, token)
        if on_answer is not None:
            on_answer(answered)
        try:
            old, listed = _old_ids(backend, answered, known_ids, sleep)
        except QcloudError as error:
            # Name them as the task (API 3.0 numbers a create of several) so that the re-run's look-up by name finds
            # them; renaming an earlier create's instances of this spec changes nothing.
            backend.after_create(answered, spec)
            raise TaskFailure(
                "the API answered the create (client token {0}) with {1}, but listing them failed, so whether they are "
                "new could not be checked: {2}. Run the task again: it finds them, or the same token gets the same "
                "answer".format(token, ", ".join(answered) or "no instance", error),
                error,
            ) from None
        if not old:
            return Purchase(token, answered, listed, stale_tokens)
        if on_answer is not None:
            # Not this create's: nothing was bought by it.
            on_answer([])
        if user_token:
            raise TaskFailure(
                "the API answered client_token {0} with instances of an earlier create ({1}), which are listed "
                "before this run, given back or no longer listed: a client token is good for one create. "
                "Nothing was bought; unset client_token to let the module derive one, or give a new one".format(token, ", ".join(old))
            )
        stale_tokens.append(token)
        stale_ids.extend(i for i in answered if i not in stale_ids)
    raise TaskFailure(
        "the API answered {0} client tokens in a row with earlier creates whose instances are gone ({1}); "
        "nothing was bought. Give a client_token of your own to create anew".format(len(stale_tokens), ", ".join(stale_tokens))
    )
