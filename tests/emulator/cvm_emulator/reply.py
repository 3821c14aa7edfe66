# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the HTTP layer sends: status, body, Content-Type (``application/json`` exactly unless said), or a drop."""

import json


class Reply:
    __slots__ = ("status", "body", "content_type", "drop")

    def __init__(self, status, body, content_type="application/json", drop=False):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.drop = drop

    @classmethod
    def json(cls, payload, status=200):
        return cls(status, json.dumps(payload).encode("ascii"))
