# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test-time TLS material for the emulator tests: a CA and a 127.0.0.1 server certificate (openssl CLI),
and a copy of the certifi package whose bundle also trusts that CA.

The Python SDK (and so tccli) verifies HTTPS against ``certifi.where()`` and
offers tccli no option for another CA file; a client process run with the
certifi copy first on PYTHONPATH trusts the test CA and nothing else changes.
"""

import shutil
import subprocess

from pathlib import Path


def make_certificates(directory):
    """(ca.pem, server.pem, server.key) in ``directory``; the server certificate is for IP 127.0.0.1."""
    directory = Path(directory)
    openssl = "/usr/bin/openssl" if Path("/usr/bin/openssl").exists() else "openssl"

    def run(*args):
        subprocess.run([openssl, *args], cwd=str(directory), check=True, capture_output=True)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=cvm_emulator test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (directory / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
    )
    run(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    )
    return directory / "ca.pem", directory / "server.pem", directory / "server.key"


def certifi_trusting(ca_file, directory):
    """A directory holding a copy of the installed certifi whose cacert.pem also has ``ca_file``; put it first on PYTHONPATH."""
    import certifi  # pylint: disable=import-outside-toplevel

    directory = Path(directory)
    target = directory / "certifi"
    shutil.copytree(Path(certifi.__file__).parent, target, ignore=shutil.ignore_patterns("__pycache__"))
    bundle = target / "cacert.pem"
    bundle.write_text(bundle.read_text(encoding="ascii") + "\n" + Path(ca_file).read_text(encoding="ascii"), encoding="ascii")
    return directory
