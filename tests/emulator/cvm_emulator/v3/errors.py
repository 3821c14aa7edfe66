# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API 3.0 errors: ``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`` (api-notes/v3.md 1.6).

Codes are the documented strings (sections 1.7 and 3.x); clients decide on
``Code`` only, the messages are the emulator's own and name the parameter
and the rule.
"""


class V3Error(Exception):
    def __init__(self, code, message):
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


def invalid_value(message):
    return V3Error("InvalidParameterValue", message)


def out_of_range(message):
    return V3Error("InvalidParameterValue.Range", message)


def too_many(message):
    return V3Error("InvalidParameterValue.LimitExceeded", message)


def combination(message):
    return V3Error("InvalidParameterCombination", message)
