# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The image table (``..images``) as DescribeImages and ``Instance.OsName`` show it.

``Platform`` is the distribution (``CentOS``, ``Ubuntu``, ``Debian``,
``FreeBSD``) or ``Windows``; ``ImageType`` is ``PUBLIC_IMAGE``,
``PRIVATE_IMAGE`` or ``SHARED_IMAGE`` as documented, and ``MARKET_IMAGE``
for the marketplace image ([EMU]: v3.md 5.1 finds no documented value).
"""

from .. import images

IMAGE_TYPES = {images.PRIVATE: "PRIVATE_IMAGE", images.PUBLIC: "PUBLIC_IMAGE", images.MARKETPLACE: "MARKET_IMAGE", images.SHARED: "SHARED_IMAGE"}
# image id -> (Platform, OsName)
OS = {
    "img-3wnd9xpl": ("CentOS", "CentOS 7.2 64bit"),
    "img-31tjrtph": ("Ubuntu", "Ubuntu Server 16.04.1 LTS 64bit"),
    "img-lkxqa4kj": ("Debian", "Debian 8.2 64bit"),
    "img-bsd11x64": ("FreeBSD", "FreeBSD 11.1 64bit"),
    "img-win2016d": ("Windows", "Windows Server 2016 Datacenter 64bit Chinese"),
    "img-priv0001": ("CentOS", "CentOS 7.2 64bit"),
    "img-mkt00001": ("CentOS", "CentOS 7.2 64bit"),
    "img-shr00001": ("Ubuntu", "Ubuntu Server 16.04.1 LTS 64bit"),
}
CREATED = "2017-03-01T02:00:00Z"
SOURCES = {images.PRIVATE: "CREATE_IMAGE", images.PUBLIC: "OFFICIAL", images.MARKETPLACE: "OFFICIAL", images.SHARED: "CREATE_IMAGE"}


def os_name(image_id):
    return OS[image_id][1]


def image_item(image):
    """A DescribeImages ``ImageSet`` item."""
    platform, name = OS[image.image_id]
    return {
        "ImageId": image.image_id,
        "OsName": name,
        "ImageType": IMAGE_TYPES[image.image_type],
        "CreatedTime": CREATED,
        "ImageName": image.title,
        "ImageDescription": image.title,
        "ImageSize": 50 if image.windows else 20,
        "Architecture": "x86_64",
        "ImageState": "NORMAL",
        "Platform": platform,
        "ImageCreator": "" if image.image_type == images.PUBLIC else "100000000001",
        "ImageSource": SOURCES[image.image_type],
        "SyncPercent": None,
        "IsSupportCloudinit": not image.windows,
        "SnapshotSet": [],
        "Tags": [],
        "LicenseType": "TencentCloud",
        "ImageFamily": "",
        "ImageDeprecated": False,
    }
