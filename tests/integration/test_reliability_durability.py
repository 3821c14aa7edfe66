# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 5.7: the emulator with --state-file, killed hard (SIGKILL) in the middle of a run and restarted on the
same port with the same file, has lost no instance that it answered as created.

Ten hosts (forks 5) each ensure four sets of two instances, without waiting. Once several creates were
answered, the next creates are held in the emulator (a delay fault) and the emulator is killed with them in
flight; it is restarted at once. The modules' retries carry them over the gap.
Every ID a task reported in created_instance_ids (the emulator's answers, as the record_results callback kept
them) must be in the restarted emulator, every set must hold exactly its two instances (a create that was
committed before the kill and retried after it gets its first answer back, through the clientToken kept in
the file), and the restarted emulator must have received creates (the kill was mid-run). Both APIs.
"""

from __future__ import annotations

import pytest

from cvm_harness import APIS, start_emulator
from reliability_support import playbook_command, read_results, record, start_process, wait_for
from test_reliability_concurrency import fleet_inventory

HOSTS = 10
FORKS = 5
SETS_PER_HOST = 4
GOODS_NUM = 2
PREFIX = "dur"
KILL_AFTER_CREATES = 8
# Retries wait at least 0.25 + 0.5 + 1 + 2 + 4 * 4 s in all: far longer than a restart.
RETRIES = 8


@pytest.mark.parametrize("api", APIS)
def test_no_answered_instance_is_lost_to_a_hard_kill(tmp_path, api):
    state = tmp_path / "state.sqlite3"
    flags = ("--state-file", str(state), "--create-delay", "0.2")
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    first = start_emulator(*flags, workdir=tmp_path / "first", api=api)
    face = first.face
    restarted = None
    process = None
    try:
        hosts = fleet_inventory(tmp_path / "fleet.ini", HOSTS)
        process, result_log, output = start_process(
            "ansible-playbook",
            first,
            playbook_command(
                "fleet.yml",
                inventory=str(hosts),
                args=["-f", str(FORKS)],
                extra_vars={"set_prefix": PREFIX, "goods_num": GOODS_NUM, "sets_per_host": SETS_PER_HOST, "wait": False, "retries": RETRIES},
            ),
        )
        answered = wait_for(
            lambda: len([e for e in first.creates() if e["code"] == 0]) >= KILL_AFTER_CREATES and len([e for e in first.creates() if e["code"] == 0]),
            what="creates to be answered",
        )
        # Hold the next creates in the emulator (arrived, not answered) so that the kill surely cuts some off.
        first.fault(face.create, "delay", times=FORKS, seconds=60)
        in_flight = wait_for(lambda: [e for e in first.creates() if e["code"] is None and e["fault"] is None], what="a create in flight")
        first.process.kill()
        first.process.wait()
        restarted = start_emulator(*flags, "--port", str(first.port), workdir=tmp_path / "second", api=api)
        assert restarted.port == first.port
        process.wait(timeout=600)
        text = output.read_text(errors="replace")
        assert process.returncode == 0, text[-5000:]
        # (set name, loop item result) of every set; the name is the playbook's instance_name.
        items = [
            ("{0}-{1}-{2}".format(PREFIX, r["host"], item["item"]), item)
            for r in read_results(result_log)
            if r["task"] == "Ensure"
            for item in r["result"]["results"]
        ]
        assert len(items) == HOSTS * SETS_PER_HOST
        reported = [i for dummy, item in items for i in item["created_instance_ids"]]
        instances = restarted.instances()
        existing = {i["unInstanceId"] for i in instances}
        lost = sorted(set(reported) - existing)
        assert lost == []
        duplicates = 0
        for name, item in items:
            mine = sorted(i["unInstanceId"] for i in instances if i["instanceName"] == name and i["status"] not in (5, 6))
            duplicates += max(0, len(mine) - GOODS_NUM)
            assert len(mine) == GOODS_NUM, (name, mine)
            assert sorted(item["instance_ids"]) == mine
        assert len(reported) == len(set(reported)) == HOSTS * SETS_PER_HOST * GOODS_NUM
        creates_after = restarted.creates()
        assert creates_after, "the kill came after the last create"
        # The creates cut off by the kill were sent again, with the same clientToken, and answered.
        answered_after = {face.token(e) for e in creates_after if e["code"] == 0}
        assert {face.token(e) for e in in_flight} <= answered_after
        record(
            "durability",
            sets=len(items),
            creates_answered_before_kill=answered,
            creates_cut_off_by_kill=len(in_flight),
            creates_after_restart=len(creates_after),
            instances_reported=len(reported),
            lost=len(lost),
            duplicates_found=duplicates,
        )
    finally:
        if process is not None and process.poll() is None:
            process.kill()
        for server in (first, restarted):
            if server is not None and server.process.poll() is None:
                server.stop()
