# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's version: the one place code reads it (the User-Agent does).

Private: may change without notice. galaxy.yml carries the same number for
ansible-galaxy; tests/unit/plugins/module_utils/test_version.py fails when the two differ.
"""

from __future__ import annotations

COLLECTION_VERSION = "0.1.0"
