# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What Galaxy and execution-environment builders do with the collection."""

from __future__ import annotations

import os
import tarfile

from ecosystem_tools import COLLECTION_ROOT, run_tool


def test_tarball_holds_content_and_no_local_clutter(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert "plugins/modules/cvm_instance_hour.py" in names and "plugins/inventory/cvm.py" in names
    assert "meta/runtime.yml" in names and "meta/execution-environment.yml" in names
    assert not [n for n in names if n.startswith((".venv", ".build", ".git/")) or "__pycache__" in n]


def test_galaxy_importer_accepts_the_tarball(tarball, tmp_path):
    code, output = run_tool(
        ["python", "-m", "galaxy_importer.main", tarball],
        cwd=tmp_path,
        env_extra={"GALAXY_IMPORTER_TMP_ROOT_DIR": str(tmp_path), "GALAXY_IMPORTER_RUN_ANSIBLE_TEST": "False"},
    )
    assert code == 0, output
    assert "ERROR" not in output, output
    assert "Importing with galaxy-importer" in output or "qcloud" in output, output


def test_ansible_builder_reads_the_collections_python_needs():
    code, output = run_tool(["ansible-builder", "introspect", os.environ["ANSIBLE_COLLECTIONS_PATH"]])
    assert code == 0, output
    assert "requests" in output and "qcloud.cvm" in output, output


def test_ansible_builder_creates_a_build_context(tmp_path):
    code, output = run_tool(
        [
            "ansible-builder",
            "create",
            "-f",
            COLLECTION_ROOT / "tests" / "ee" / "execution-environment.yml",
            "--context",
            tmp_path / "context",
            "--output-filename",
            "Containerfile",
        ]
    )
    assert code == 0, output
    containerfile = (tmp_path / "context" / "Containerfile").read_text()
    assert "ansible-galaxy" in containerfile
    requirements = (tmp_path / "context" / "_build" / "requirements.yml").read_text()
    assert "qcloud.cvm" in requirements
