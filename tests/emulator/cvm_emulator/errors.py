# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API errors: the public ``code``, the ``codeDesc`` class and the module code.

Answers look like ``{"code": 4000, "message": "(100004)storageSize must be a
multiple of 10", "codeDesc": "InvalidParameter"}``.  Which numeric code goes
with which module error string is not documented ([UNK]); this table is the
emulator's convention (api-notes/legacy.md section 2.2 / 2.3 [EMU] columns).  The typo
``Invaild`` is Tencent's and is kept on purpose.
"""

# Module codes for the generic InvalidParameter family.
MISSING = 100001
NOT_INTEGER = 100002
NOT_ALLOWED = 100003
RULE = 100004
CONFLICT = 100005

# codeDesc -> (public code, module code)
TABLE = {
    "InvalidParameter": (4000, RULE),
    "InvalidParameter.PasswordNotConformSpecs": (4000, 100010),
    "InvalidParameter.InvaildZoneId": (4000, 100011),
    "InvalidParameter.InvalidIpFormat": (4000, 100012),
    "InvalidParameter.NotSupportReservedIp": (4000, 100013),
    "InvalidParameter.IpNotInCidrRange": (4000, 100014),
    "InvalidParameter.IpInUse": (4000, 100015),
    "AuthFailure": (4100, 100100),
    "AuthFailure.SecretIdNotFound": (4104, 100104),
    "AuthFailure.TokenFailure": (4105, 100105),
    "RequestLimitExceeded": (4400, 100400),
    "InvalidRequest.ReplayAttack": (4500, 100500),
    "ResourceNotFound": (5000, 100020),
    "OperationFail.SystemBusy": (5100, 100021),
    "OperationConstraints.InvaildInstanceStatus": (5100, 100022),
    "OperationFail.PurchaseFailed": (5200, 100023),
    "OperationConstraints.AccountBalanceNotEnough": (5300, 100024),
    "InnerError.VpcError": (6000, 100025),
    "InternalError": (6000, 100026),
    "InvalidAction": (6100, 100610),
    # Batch-async answers (Start/Stop/RestartInstances): outer code when all / some items failed.
    "OperationFail": (5100, 100027),
    "OperationFail.PartialFailure": (5400, 100028),
    "UnsupportedOperation.InstanceChargeType": (5100, 100030),
    # Security groups (dfw): 7000 "security group backend error", 7003 "instance state forbids association".
    "InvalidSecurityGroupId.NotFound": (7000, 100040),
    "LimitExceeded.AssociateUSGLimitExceeded": (7000, 100041),
    "OperationConstraints.InstanceStatusForbidsAssociation": (7003, 100042),
}


class ApiError(Exception):
    """An answer with ``code != 0``; raised anywhere, rendered by the pipeline."""

    def __init__(self, code_desc, text, module=None, extra=None):
        code, default_module = TABLE[code_desc]
        self.code = code
        self.code_desc = code_desc
        self.module = default_module if module is None else module
        self.text = text
        # Payload keys that travel beside code/message even in an error (a batch answer's ``detail``).
        self.extra = extra or {}
        super().__init__(f"{code} {code_desc}: {text}")

    @property
    def message(self):
        return f"({self.module}){self.text}"

    def body(self):
        body = {"code": self.code, "message": self.message, "codeDesc": self.code_desc}
        body.update(self.extra)
        return body


def invalid(text, module=RULE):
    return ApiError("InvalidParameter", text, module)


def missing(name):
    return ApiError("InvalidParameter", f"missing required parameter {name}", MISSING)
