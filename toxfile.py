"""tox inline plugin: let tox find pyenv's interpreters.

pyenv's shims serve only the default version, so tox would not find 3.9-3.13.
Appending (not prepending, which would shadow the shims' default) every
``/root/.pyenv/versions/3.*/bin`` directory to PATH makes ``python3.X``
resolvable for tox's interpreter discovery and for the test environments.
"""

import glob
import os

_PYENV_BINS = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin")))
_path = os.environ.get("PATH", "").split(os.pathsep)
os.environ["PATH"] = os.pathsep.join(
    _path + [directory for directory in _PYENV_BINS if directory not in _path])
