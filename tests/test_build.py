"""The compiled module: missing or stale builds fail loudly at import.

Each case copies the installed package to a temporary directory, breaks the
copy in one way, and imports it in a fresh interpreter."""

import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import _cffi_backend

import cffisock

PACKAGE = Path(cffisock.__file__).resolve().parent


def import_copy(tmp_path, break_copy):
    copy = tmp_path / "cffisock"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    break_copy(copy)
    # -S: no site, so an editable install's import hook (which would find
    # the checkout's modules for what the copy lacks) is not loaded; the
    # copy and cffi's backend are all the path holds.
    path = [str(tmp_path)]
    if hasattr(_cffi_backend, "__file__"):  # built into PyPy
        path.append(os.path.dirname(_cffi_backend.__file__))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    return subprocess.run([sys.executable, "-S", "-c", "import cffisock"],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path),
                          timeout=60)


def test_the_extension_is_compiled_in_api_mode():
    # ABI mode would leave a pure-Python module that dlopen()s a library;
    # API mode makes a C extension module.
    from cffisock import _socket_cffi

    assert _socket_cffi.__file__.endswith(tuple(EXTENSION_SUFFIXES))
    assert _socket_cffi.ffi.sizeof("struct sockaddr_storage") >= 128


def test_missing_compiled_module_says_how_to_build(tmp_path):
    def remove_extension(copy):
        for path in copy.glob("_socket_cffi*"):
            path.unlink()

    result = import_copy(tmp_path, remove_extension)
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "is missing or cannot be loaded" in result.stderr
    assert "pip install ." in result.stderr


def test_stale_compiled_module_is_refused(tmp_path):
    def bump_abi_level(copy):
        abi = copy / "_abi.py"
        abi.write_text(abi.read_text().replace(
            "ABI_LEVEL = ", "ABI_LEVEL = 1000 + "))

    result = import_copy(tmp_path, bump_abi_level)
    assert result.returncode != 0
    assert "it is stale" in result.stderr
