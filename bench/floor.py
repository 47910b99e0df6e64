"""The C floor module (``floor_build.py``), compiled on first use.

``load()`` returns ``(ffi, lib)``.  The module is compiled with the
interpreter's own cffi into ``bench/.build/<interpreter cache tag>/`` and
named after a hash of its C source and declarations, so an edited floor is
rebuilt and a stale one is never loaded; two interpreters keep separate
builds.  Compilation happens in a private temporary directory and the
finished module is moved into place (replacing older builds), so
concurrent runs do not collide.
"""

import contextlib
import glob
import hashlib
import importlib
import importlib.machinery
import os
import shutil
import sys
import tempfile

import floor_build

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_ROOT = os.path.join(HERE, ".build")


def _module_name():
    digest = hashlib.sha256(
        (floor_build.CDEF + floor_build.SOURCE).encode("utf-8")).hexdigest()
    return "%s_%s" % (floor_build.MODULE_NAME, digest[:12])


def _compiled(directory, name):
    return [path for suffix in importlib.machinery.EXTENSION_SUFFIXES
            for path in glob.glob(os.path.join(directory, name + suffix))]


def _remove_older_builds(directory, name):
    current = set(_compiled(directory, name))
    for path in _compiled(directory, floor_build.MODULE_NAME + "_*"):
        if path not in current:
            with contextlib.suppress(OSError):  # another run may remove it too
                os.remove(path)


def load(log=print):
    """Import the floor module, compiling it first if this interpreter has
    no build of the current source; return ``(ffi, lib)``."""
    name = _module_name()
    directory = os.path.join(BUILD_ROOT, sys.implementation.cache_tag)
    if not _compiled(directory, name):
        log("compiling the C floor module into %s" % directory)
        os.makedirs(directory, exist_ok=True)
        scratch = tempfile.mkdtemp(prefix="floor-", dir=directory)
        try:
            built = floor_build.builder(name).compile(tmpdir=scratch, verbose=False)
            os.replace(built, os.path.join(directory, os.path.basename(built)))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        _remove_older_builds(directory, name)
    sys.path.insert(0, directory)
    try:
        module = importlib.import_module(name)
    finally:
        sys.path.remove(directory)
    return module.ffi, module.lib
