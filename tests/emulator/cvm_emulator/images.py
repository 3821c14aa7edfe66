# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's image table ([EMU]: the real catalogue is per account and region).

Every image is available in every region.  ``platform`` decides the password
rules, the rootSize rule and whether ``keyId`` is allowed ("bsd" follows the
Linux rules, as api-notes/legacy.md 3.3 groups Linux/BSD together).
"""

PRIVATE, PUBLIC, MARKETPLACE, SHARED = 1, 2, 3, 4

IMAGE_TYPE_LABELS = {
    PRIVATE: "私有镜像",
    PUBLIC: "公有镜像",
    MARKETPLACE: "镜像市场",
    SHARED: "共享镜像",
}


class Image:
    __slots__ = ("image_id", "image_type", "platform", "os", "title")

    def __init__(self, image_id, image_type, platform, os_name, title):
        self.image_id = image_id
        self.image_type = image_type
        self.platform = platform
        self.os = os_name
        self.title = title

    @property
    def windows(self):
        return self.platform == "windows"


_TABLE = (
    # The three ids used by Tencent's own examples, as public Linux images.
    Image("img-3wnd9xpl", PUBLIC, "linux", "centos7.2x86_64", "CentOS 7.2 64位"),
    Image("img-31tjrtph", PUBLIC, "linux", "ubuntu16.04.1x86_64", "Ubuntu Server 16.04.1 LTS 64位"),
    Image("img-lkxqa4kj", PUBLIC, "linux", "debian8.2x86_64", "Debian 8.2 64位"),
    Image("img-bsd11x64", PUBLIC, "bsd", "freebsd11.1x86_64", "FreeBSD 11.1 64位"),
    Image("img-win2016d", PUBLIC, "windows", "Windows Server 2016 数据中心版 64位中文版", "Windows Server 2016 数据中心版 64位中文版"),
    Image("img-priv0001", PRIVATE, "linux", "centos7.2x86_64", "private: app base (CentOS 7.2)"),
    Image("img-mkt00001", MARKETPLACE, "linux", "centos7.2x86_64", "marketplace: LAMP stack (CentOS 7.2)"),
    Image("img-shr00001", SHARED, "linux", "ubuntu16.04.1x86_64", "shared by another account (Ubuntu 16.04)"),
)

IMAGES = {image.image_id: image for image in _TABLE}
