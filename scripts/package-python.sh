#!/usr/bin/env bash
# Builds the Python distribution (wheel + sdist) of this jsii library without PyPI.
#
# Why not plain `jsii-pacmak --target python` (the package:python task): pacmak makes a venv and
# pip-installs setuptools~=75.3.2, build~=1.5.0, twine~=7.0.0 and packaging>=26.3 from PyPI, then
# runs `python -m build`, whose isolated environment downloads setuptools and build again. Where PyPI
# cannot be reached that fails ("No matching distribution found for setuptools~=75.3.2").
#
# So pacmak only generates the Python sources here (--code-only), and Debian's python3 builds them
# with its own setuptools, wheel and pip (python3-setuptools, python3-wheel, python3-pip): no build
# isolation, no index. The wheel's contents are the ones pacmak's own build would package (its
# setup.py and package data); only the setuptools that writes the metadata differs.
#
# Usage (after `npx projen compile`, which writes .jsii):
#   scripts/package-python.sh [OUTDIR]        OUTDIR defaults to dist/python, where pacmak puts them
# Environment: PACKAGE_PYTHON, the interpreter to build with (default /usr/bin/python3).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
out=${1:-dist/python}
mkdir -p "$out"
out=$(cd "$out" && pwd)
python=${PACKAGE_PYTHON:-/usr/bin/python3}
[ -x "$python" ] || python=$(command -v python3)

if [ ! -f .jsii ]; then
  echo "package-python: no .jsii here; run 'npx projen compile' first" >&2
  exit 1
fi

has_build_tools() { "$python" -c 'import setuptools, wheel, pip' 2>/dev/null; }
if ! has_build_tools; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "package-python: installing python3-setuptools python3-wheel python3-pip" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      python3-setuptools python3-wheel python3-pip >&2
  fi
  if ! has_build_tools; then
    echo "package-python: $python lacks setuptools, wheel or pip;" \
      "apt-get install python3-setuptools python3-wheel python3-pip" >&2
    exit 1
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Python sources, setup.py and the .jsii.tgz assembly, as pacmak generates them.
npx jsii-pacmak --code-only --target python --outdir "$work" "$root"
src="$work/python"

# 2. The wheel and the sdist, offline: no index, no find-links, no pip config (a machine's pip.conf
#    may name local indexes or constraints); --no-build-isolation uses the interpreter's setuptools
#    in place of the setuptools~=75.3.2 pinned in the generated pyproject.toml.
rm -f "$out"/cdk_cloudtrail_alarms-*.whl "$out"/cdk-cloudtrail-alarms-*.tar.gz "$out"/cdk_cloudtrail_alarms-*.tar.gz
env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT \
  PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
  "$python" -m pip wheel --quiet --no-deps --no-build-isolation --no-index --wheel-dir "$out" "$src"
(cd "$src" && "$python" setup.py --quiet sdist --dist-dir "$out")

# 3. In place of pacmak's `twine check`: the wheel holds the module, the assembly and sound metadata.
"$python" - "$out" <<'PY'
import email.parser, glob, sys, zipfile
out = sys.argv[1]
wheels = glob.glob(f"{out}/cdk_cloudtrail_alarms-*.whl")
assert len(wheels) == 1, f"expected one wheel in {out}, found {wheels}"
with zipfile.ZipFile(wheels[0]) as whl:
    names = whl.namelist()
    assert "cdk_cloudtrail_alarms/__init__.py" in names, "module missing"
    assert "cdk_cloudtrail_alarms/py.typed" in names, "py.typed missing"
    assert any(n.startswith("cdk_cloudtrail_alarms/_jsii/") and n.endswith(".jsii.tgz") for n in names), "assembly missing"
    meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
    meta = email.parser.Parser().parsestr(whl.read(meta_name).decode())
assert meta["Name"] == "cdk-cloudtrail-alarms", meta["Name"]
requires = [r.split()[0].split("(")[0].split(">")[0].split("<")[0].split("=")[0] for r in meta.get_all("Requires-Dist") or []]
for dep in ("aws-cdk-lib", "constructs", "jsii", "publication"):
    assert dep in requires, f"Requires-Dist lacks {dep}: {requires}"
assert meta.get_payload().strip(), "long description (README) empty"
print(f"package-python: {wheels[0]} ({meta['Name']} {meta['Version']}, {len(names)} files)")
PY
ls -l "$out"
