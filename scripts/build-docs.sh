#!/usr/bin/env bash
# Build the collection's HTML docs as docs.ansible.com would: antsibull-docs
# turns the installed collection (plugin docs, docs/docsite/) into RST, Sphinx
# turns that into HTML. Any Sphinx warning fails the build.
#   scripts/build-docs.sh DEST_DIR      (HTML ends up in DEST_DIR/build/html)
set -euo pipefail
dest="$1"
rm -rf "$dest"
mkdir -p "$dest"
antsibull-docs sphinx-init --use-current --fail-on-error --dest-dir "$dest" qcloud.cvm >/dev/null
here="$(cd "$(dirname "$0")" && pwd)"
cd "$dest"
# Intersphinx would fetch the Python, Jinja and Ansible inventories from the
# internet, which a test machine may not reach; the collection's pages link to
# other docs through plain URLs, so nothing needs them.
echo 'intersphinx_mapping = {}' >> conf.py
mkdir -p rst
chmod og-w rst  # antsibull-docs wants that directory writable by itself only
antsibull-docs --config-file antsibull-docs.cfg collection --cleanup everything --fail-on-error \
    --use-current --dest-dir rst qcloud.cvm
cp "$here/docs-offline-references.rst" rst/ansible-docsite-references.rst
sphinx-build -M html rst build -c . -W --keep-going -q
echo "HTML docs: $dest/build/html/index.html"
