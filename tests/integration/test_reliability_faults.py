# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 5.1: lost and failed answers at the create, the look-up and the wait never create twice or lose an instance.

For each fault kind of the emulator (busy, http_500, malformed, delay longer than the client's timeout,
drop_after_commit) and each place (the create RunInstancesHour, the look-up DescribeInstances before it,
the wait's DescribeInstances polls after it), once for one failed answer ("transient") and once for more
failed answers than the client has attempts ("outlasting"), a real cvm_instance_hour run must either succeed
with exactly goods_num instances, all reported, or fail with a message naming the API code or the network
error while reporting every instance ID it knows was created. A second run without faults must converge on
exactly goods_num. The emulator's instance list, read after each run, is the judge of "never more".

A fault at the wait is aimed with a no-op fault (a delay of 0 s) queued before it: the look-up consumes the
no-op, so the real fault meets the first DescribeInstances after the create.

The scenarios of one fault kind run in one ansible-playbook run (playbooks/reliability/faults.yml) against an
emulator of their own; the five kinds run side by side.

Both APIs: every scenario on the legacy API; on API 3.0 a representative subset (V3_KINDS: an API error, an HTTP
error and a lost answer, at every place and span, and the two special scenarios), which keeps the suite's time in
bounds. The 3.0 create is RunInstances, its look-up DescribeInstances with the instance-name filter.
"""

from __future__ import annotations

import re

from concurrent.futures import ThreadPoolExecutor

import pytest

from cvm_harness import APIS, FACES, owned_by, run_ansible, start_emulator
from reliability_support import no_traceback, playbook_command, record, wait_for

GOODS_NUM = 2
TIMEOUT = 2.0
DELAY = 3.0  # longer than TIMEOUT, and shorter than two timed-out attempts plus a backoff (see the delay/create check)
RETRIES_TRANSIENT = 2
RETRIES_OUTLASTING = 1
OUTLASTING_TIMES = RETRIES_OUTLASTING + 2  # more failed answers than the client makes attempts
KINDS = ("busy", "http_500", "malformed", "delay", "drop_after_commit")
PHASES = ("create", "lookup", "wait")
# What the failure message must name, by fault kind ({endpoint}: the emulator's endpoint, escaped; {busy}: the API's
# error class of the busy fault).
ERROR_TEXT = {
    "busy": r"{busy}",
    "http_500": r"HTTP 500 from {endpoint}(?![\w/])",
    "malformed": r"the answer from {endpoint} is not JSON",
    "delay": r"no answer from {endpoint} within 2(\.0)? seconds",
    "drop_after_commit": r"connection to {endpoint} failed: .*(Connection aborted|RemoteDisconnected|reset)",
}
# The legacy API's busy answer ends with its numeric code.
BUSY_TEXT = {"legacy": r"OperationFail\.SystemBusy: .*\(code 5100\)", "v3": r"ResourceInUse: "}
NOOP = {"action": "DescribeInstances", "kind": "delay", "seconds": 0, "times": 1}
V3_KINDS = ("busy", "http_500", "drop_after_commit")
CREATE = "create"


def fault(action, kind, times):
    return {"action": action, "kind": kind, "times": times, "seconds": DELAY if kind == "delay" else 0}


def make_scenarios():
    """The scenarios, by name; a fault aimed at the create names it CREATE (each API's action, see action_of)."""
    scenarios = []
    for kind in KINDS:
        for phase in PHASES:
            for span in ("transient", "outlasting"):
                times = 1 if span == "transient" else OUTLASTING_TIMES
                action = CREATE if phase == "create" else "DescribeInstances"
                scenarios.append(
                    {
                        "name": "f-{0}-{1}-{2}".format(kind.replace("_", ""), phase, span),
                        "kind": kind,
                        "phase": phase,
                        "span": span,
                        "wait": True,
                        "retries": RETRIES_TRANSIENT if span == "transient" else RETRIES_OUTLASTING,
                        "faults": ([NOOP] if phase == "wait" else []) + [fault(action, kind, times)],
                        "times": times,
                    }
                )
    # Every create attempt commits and loses its answer, and the look-up after it fails as well.
    scenarios.append(
        {
            "name": "f-dropaftercommit-create-lookupfails",
            "kind": "drop_after_commit",
            "phase": "create",
            "span": "outlasting",
            "wait": True,
            "retries": RETRIES_OUTLASTING,
            "lookup_fails": True,
            "times": OUTLASTING_TIMES,
            "faults": [NOOP, fault(CREATE, "drop_after_commit", OUTLASTING_TIMES), fault("DescribeInstances", "http_500", 10)],
        }
    )
    # Without wait, the listing of the new instances right after the create fails.
    scenarios.append(
        {
            "name": "f-http500-list-outlasting",
            "kind": "http_500",
            "phase": "wait",
            "span": "outlasting",
            "wait": False,
            "retries": RETRIES_OUTLASTING,
            "times": OUTLASTING_TIMES,
            "faults": [NOOP, fault("DescribeInstances", "http_500", OUTLASTING_TIMES)],
        }
    )
    return scenarios


SCENARIOS = make_scenarios()
KINDS_OF = {"legacy": KINDS, "v3": V3_KINDS}
# A known limitation, reproduced by the scenario named: xfail, strict, so that a fix shows.
V3_UNSEEN_CREATE_OF_SEVERAL = (
    "limitation: on API 3.0 a create of several instances whose every answer is lost and whose look-up by token tag fails "
    "too leaves them named NAME1, NAME2 (no run ever learned their IDs to name them as the task); the next run does not find "
    "them by name, sends the same client token, gets them back (nothing bought twice), names them and reports them as created"
)
KNOWN_BUGS = {("v3", "f-dropaftercommit-create-lookupfails"): V3_UNSEEN_CREATE_OF_SEVERAL}


def action_of(face, action):
    return face.create if action == CREATE else action


def cases():
    params = []
    for api in APIS:
        for scenario in SCENARIOS:
            if scenario["kind"] not in KINDS_OF[api]:
                continue
            reason = KNOWN_BUGS.get((api, scenario["name"]))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(api, scenario, id="{0}-{1}".format(api, scenario["name"]), marks=marks))
    return params


def play_kind(api, kind):
    """Run the scenarios of one fault kind against an emulator of their own; return (run, outcomes by name, request log)."""
    emulator = start_emulator("--create-delay", "0.3", api=api)
    try:
        scenarios = [dict(s, faults=[dict(f, action=action_of(emulator.face, f["action"])) for f in s["faults"]]) for s in SCENARIOS if s["kind"] == kind]
        run = run_ansible(
            "ansible-playbook", emulator, playbook_command("faults.yml", extra_vars={"control": emulator.base_url + "/_emulator", "scenarios": scenarios})
        )
        # A delayed request may still sleep in the emulator (logged, with neither code nor fault yet): let it finish.
        log = wait_for(lambda: settled_log(emulator), timeout=DELAY * 4, what="the emulator to answer every request")
        instances = emulator.instances()
        endpoint = emulator.endpoint
    finally:
        emulator.stop()
    outcomes = {}
    report = [r for r in run.results if r["task"] == "Report"]
    if report:
        outcomes = {o["name"]: o for o in report[-1]["result"]["outcomes"]}
    for name, outcome in outcomes.items():
        # The state after the clean run is the emulator's at the end: no later task touches a scenario's instances.
        outcome["after_clean"] = [i for i in instances if owned_by(name, i)]
    return run, outcomes, log, endpoint


def settled_log(emulator):
    entries = emulator.requests()
    return entries if all(e["code"] is not None or e["fault"] is not None for e in entries) else None


@pytest.fixture(scope="module")
def played():
    """By API, by kind: what play_kind returned. Each API's kinds run side by side, when its first test asks for them."""
    return {}


def played_on(played, api):
    if api not in played:
        kinds = KINDS_OF[api]
        with ThreadPoolExecutor(max_workers=len(kinds)) as pool:
            played[api] = dict(zip(kinds, pool.map(lambda kind: play_kind(api, kind), kinds)))
    return played[api]


def live_ids(instances):
    return sorted(i["unInstanceId"] for i in instances if i["status"] not in (5, 6))


def entries_of(face, log, scenario, instance_ids):
    """The request log entries of one scenario: by name (look-ups, creates) or by the IDs it owns (polls)."""
    mine = []
    for entry in log:
        listed = set(face.listed_ids(entry)) if entry["action"] == "DescribeInstances" else set()
        if face.name_of(entry) == scenario["name"] or (listed and listed <= set(instance_ids)):
            mine.append(entry)
    return mine


def faulted_entries(face, entries, scenario):
    """The entries that met the scenario's fault, at the place it was aimed at."""

    def at_phase(entry):
        if scenario["phase"] == "create":
            return entry["action"] == face.create
        if scenario["phase"] == "lookup":
            return face.is_lookup(entry)
        return entry["action"] == "DescribeInstances" and not face.is_lookup(entry)

    return [e for e in entries if e["fault"] == scenario["kind"] and at_phase(e)]


def should_succeed(scenario):
    # A malformed answer is not retried (it may be a wrong endpoint), so even one fails the task.
    return scenario["span"] == "transient" and scenario["kind"] != "malformed"


def attempts(scenario):
    return 1 if scenario["kind"] == "malformed" else scenario["retries"] + 1


@pytest.mark.parametrize("api", APIS)
def test_the_playbooks_ran(played, api):
    for kind, (run, outcomes, _log, _endpoint) in played_on(played, api).items():
        assert run.rc == 0, (kind, run)
        assert sorted(outcomes) == sorted(s["name"] for s in SCENARIOS if s["kind"] == kind), (kind, run)


@pytest.mark.parametrize("api, scenario", cases())
def test_fault(played, api, scenario):
    face = FACES[api]
    dummy, outcomes, log, endpoint = played_on(played, api)[scenario["kind"]]
    outcome = outcomes[scenario["name"]]
    faulted, clean = outcome["faulted"], outcome["clean"]
    after_fault, after_clean = live_ids(outcome["after_fault"]), live_ids(outcome["after_clean"])
    duplicates = max(0, len(after_fault) - GOODS_NUM) + max(0, len(after_clean) - GOODS_NUM)
    record("faults", scenarios=1, duplicates_found=duplicates)
    # Never more instances than asked for, after the faulted run and after the clean one.
    assert len(after_fault) <= GOODS_NUM, outcome
    assert len(after_clean) == GOODS_NUM, outcome

    entries = entries_of(face, log, scenario, [i["unInstanceId"] for i in outcome["after_clean"]])
    hit = faulted_entries(face, entries, scenario)
    # The fault met the place it was aimed at, once per attempt the client made (up to the faults injected).
    assert len(hit) == min(scenario["times"], attempts(scenario)), (hit, entries)
    record("faults", faulted_answers=len(hit))

    created = sorted(faulted.get("created_instance_ids", []))
    # What a run reports as created really exists, and is one of the instances of this task.
    assert set(created) <= set(after_fault), outcome
    if not faulted.get("failed"):
        assert should_succeed(scenario), outcome
        assert len(faulted["instance_ids"]) == GOODS_NUM
        assert sorted(faulted["instance_ids"]) == created == after_fault
        assert [i["instance_id"] for i in faulted["instances"]] == faulted["instance_ids"]
        assert {i["status"] for i in faulted["instances"]} == {"running"} or not scenario["wait"]
        record("faults", survived=1)
    else:
        assert not should_succeed(scenario), outcome
        text = ERROR_TEXT[scenario["kind"]].format(endpoint=re.escape(endpoint), busy=BUSY_TEXT[api])
        assert re.search(text, faulted["msg"]), (text, faulted["msg"])
        assert no_traceback(faulted), faulted
        if scenario.get("lookup_fails"):
            # The create went through, but the look-up after it failed: the module cannot know, and says so.
            assert "looking up its instances failed too" in faulted["msg"] and "HTTP 500" in faulted["msg"]
            assert created == [] and len(after_fault) == GOODS_NUM
        elif scenario["phase"] == "lookup":
            assert created == [] and after_fault == []
            assert not [e for e in entries if e["action"] == face.create and e["seq"] < first_clean_seq(face, entries)]
        else:
            # Every instance that exists is reported: none is lost track of.
            assert created == after_fault, outcome
            assert sorted(faulted["instance_ids"]) == created
            if scenario["phase"] == "create" and created:
                assert "went through" in faulted["msg"]
            if scenario["phase"] == "create" and scenario["kind"] in ("drop_after_commit", "delay"):
                # Every attempt committed (drop) or the first one did before the last timed out (delay).
                assert len(created) == GOODS_NUM, outcome
        record("faults", failed_cleanly=1)

    # A run without faults converges on exactly goods_num and keeps every instance reported before.
    assert not clean.get("failed"), clean
    assert sorted(clean["instance_ids"]) == after_clean
    assert set(created) <= set(clean["instance_ids"])
    if len(after_fault) == GOODS_NUM:
        assert clean["changed"] is False and clean["created_instance_ids"] == []
    # Every create of the scenario sent the same clientToken (the clean run's only when it had to create).
    tokens = {face.token(e) for e in entries if e["action"] == face.create}
    assert len(tokens) <= 1, tokens


def first_clean_seq(face, entries):
    """The seq of the clean run's first look-up, for a scenario whose faulted run failed at its look-up.

    Every look-up by name of such a faulted run met the fault, so the first look-up that did not is the clean
    run's (which may look up again after its create).
    """
    lookups = [e["seq"] for e in entries if face.is_lookup(e) and e["fault"] is None]
    return lookups[0] if lookups else float("inf")
