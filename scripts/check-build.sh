#!/usr/bin/env bash
# The collection as users get it: build the tarball, install it into an empty collections path,
# and render every role, module and plugin with ansible-doc from that installed copy (not from
# the working tree), so that build_ignore never drops something the collection needs.
set -euo pipefail

cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

ansible-galaxy collection build --force --output-path "$out" >/dev/null
tarball=$(ls "$out"/agentc2-platform-*.tar.gz)
echo "built $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"
ansible-galaxy collection install --force --offline --no-deps -p "$out/installed" "$tarball" >/dev/null 2>&1
echo "installed into a clean collections path"

export ANSIBLE_COLLECTIONS_PATH="$out/installed"
installed="$out/installed/ansible_collections/agentc2/platform"
[ -d "$installed/molecule" ] && { echo "molecule/ was shipped despite build_ignore" >&2; exit 1; }

# ansible-doc exits 0 even for a name it cannot find: a rendering must also say something.
render() {
  local type=$1 name=$2
  if ansible-doc -t "$type" "agentc2.platform.$name" >"$out/doc.out" 2>"$out/doc.err" &&
    [ -s "$out/doc.out" ] && ! grep -q . "$out/doc.err"; then
    echo "ansible-doc -t $type agentc2.platform.$name: ok"
  else
    echo "ansible-doc -t $type agentc2.platform.$name FAILED:" >&2
    cat "$out/doc.err" >&2
    return 1
  fi
}

status=0
[ -d "$installed/roles/nodejs" ] || { echo "the installed collection has no roles" >&2; exit 1; }
for role in "$installed"/roles/*/; do render role "$(basename "$role")" || status=1; done
for module in "$installed"/plugins/modules/*.py; do render module "$(basename "$module" .py)" || status=1; done
for plugin in "$installed"/plugins/inventory/*.py; do render inventory "$(basename "$plugin" .py)" || status=1; done
exit "$status"
