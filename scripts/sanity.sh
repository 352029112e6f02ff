#!/usr/bin/env bash
# ansible-test sanity needs the collection at ansible_collections/<namespace>/<name>: copy the
# files git knows (tracked, and untracked but not ignored) into such a tree under .build/ and
# run it there, with its own virtualenvs (--venv) and no ignore file.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
tree=$root/.build/sanity/ansible_collections/agentc2/platform
python=${SANITY_PYTHON:-3.11}

install_get_pip_standin() {
  local version
  version=$(python3 - <<'PY'
import re, ansible_test, pathlib
source = (pathlib.Path(ansible_test.__file__).parent / "_internal/python_requirements.py").read_text()
print(re.search(r"pip='([0-9.]+)'", source).group(1))
PY
)
  mkdir -p ~/.ansible/test/cache
  cp scripts/sanity/get_pip_standin.py ~/.ansible/test/cache/get_pip_"${version//./_}".py
}

copy_collection() {
  rm -rf "$tree"
  mkdir -p "$tree"
  git ls-files -z --cached --others --exclude-standard |
    tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$tree"
  # ansible-test wants a git work tree to tell what belongs to the collection.
  git -C "$tree" init -q && git -C "$tree" add -A >/dev/null
}

install_get_pip_standin
copy_collection
cd "$tree"
ansible-test sanity --venv --python "$python" --color no
