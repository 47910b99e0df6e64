#!/usr/bin/env bash
# Memory safety: build cffisock's C extensions (cffisock._socket_cffi and
# cffisock._ssl_cffi, i.e. every cffi_src/ declaration and C helper) with
# AddressSanitizer and UndefinedBehaviorSanitizer, then run the default test
# suite against that build on CPython with the ASan runtime preloaded.
#
#   tools/sanitize.sh [PYTEST ARGS...]      e.g. tools/sanitize.sh -x -q
#
# PYTHON names the interpreter (default: python3; CPython only).  Everything
# is built in a throw-away directory under /tmp (a copy of the checkout's
# files, a venv): nothing is written into the tree.  Sanitizer reports go to
# files in a kept log directory, printed at the end; the exit status is
# non-zero if pytest failed or any report was written.  Not part of CI: a
# run takes several minutes (see the README's "Memory safety").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d /tmp/cffisock-sanitize.XXXXXX)
logs=$(mktemp -d /tmp/cffisock-sanitize-logs.XXXXXX)
trap 'rm -rf "$work"' EXIT

sanitizers="-fsanitize=address,undefined -fno-omit-frame-pointer"
asan_runtime=$(gcc -print-file-name=libasan.so)
if [ ! -e "$asan_runtime" ]; then
    echo "sanitize: gcc has no libasan.so (apt-get install gcc)" >&2
    exit 2
fi

# The checkout's files (tracked, and new ones not ignored): no build artefacts.
mkdir "$work/src"
git -C "$root" ls-files -z --cached --others --exclude-standard \
    | (cd "$root" && xargs -0 tar -cf - --ignore-failed-read 2>/dev/null) \
    | tar -C "$work/src" -xf -

"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check --upgrade pip
CFLAGS="$sanitizers -g -O1" LDFLAGS="$sanitizers" \
    "$work/venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir \
    "$work/src[test]"

# Both extensions must really be instrumented.
site=$("$work/venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
for module in "$site"/cffisock/_socket_cffi*.so "$site"/cffisock/_ssl_cffi*.so; do
    symbols=$(nm -D "$module")
    if ! grep -q __asan_init <<<"$symbols" || ! grep -q __ubsan_handle <<<"$symbols"; then
        echo "sanitize: $module is not instrumented" >&2
        exit 2
    fi
    echo "sanitize: instrumented $(basename "$module")"
done

# ASan opens its log file at its first message, which may come in the middle
# of a test that counts open descriptors (a refused huge allocation warns):
# a refused allocation at start-up opens it before any test runs.
cat > "$site/sitecustomize.py" <<'SITE'
try:
    bytearray(1 << 46)
except MemoryError:
    pass
SITE

# The venv's python becomes a wrapper that preloads the ASan runtime and
# sets the sanitizer options, so that every process the tests start with
# sys.executable (some with a scrubbed environment) runs sanitized too.
# detect_leaks=0: CPython itself does not free everything at exit.
# allocator_may_return_null=1: tests ask for huge buffers and expect
# MemoryError, as without ASan.  Reports go to $logs/asan.PID, ubsan.PID.
real=$(readlink -f "$work/venv/bin/python")
for name in python python3 "$(basename "$real")"; do
    rm -f "$work/venv/bin/$name"
    cat > "$work/venv/bin/$name" <<WRAPPER
#!/bin/bash
LD_PRELOAD="$asan_runtime" \\
ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:halt_on_error=1:log_path=$logs/asan" \\
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan" \\
exec -a "\$0" "$real" "\$@"
WRAPPER
    chmod +x "$work/venv/bin/$name"
done

# ASan makes everything slower, the fuzz tests' refused huge allocations
# most: a longer per-test timeout than the suite's 60 s.
status=0
(cd "$work" && PYTHONFAULTHANDLER=1 "$work/venv/bin/python" -m pytest -p no:cacheprovider \
    --timeout=600 "$work/src/tests" "$@") || status=$?

# A log holding only "failed to allocate" warnings (a test's huge buffer,
# refused as it should be) is no report.
reports=$(grep -l -E "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error:" \
          "$logs"/* 2>/dev/null | sort || true)
if [ -n "$reports" ]; then
    for report in $reports; do
        echo "==== $report"
        cat "$report"
    done
    echo "sanitize: sanitizer reports in $logs" >&2
    exit 1
fi
rm -rf "$logs"
if [ "$status" -ne 0 ]; then
    echo "sanitize: pytest exit status $status (no sanitizer report)" >&2
    exit "$status"
fi
echo "sanitize: no AddressSanitizer or UndefinedBehaviorSanitizer report"
