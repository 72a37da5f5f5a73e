"""Distributions: assemble each wheel's source tree from generated/ + src/, and move client versions on release.

The generator never writes hand-written code and generated/ stays output only: a client distribution is put
together here, in a staging folder, from generated/<api>/<project>/ and the API's hand-written layer
(src/<sdk module>/), the way openai-python's `lib/` meets its generated code, but at build time.
"""

from .assemble import Distribution, assemble, distributions
from .release import bump, release

__all__ = ["Distribution", "assemble", "bump", "distributions", "release"]
