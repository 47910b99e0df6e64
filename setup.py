# cffi_modules has no pyproject.toml spelling; everything else is there.
from setuptools import setup

setup(cffi_modules=["build_ffi.py:ffibuilder", "build_ffi.py:ssl_ffibuilder"])
