"""Learning from real traffic: check exchanges against the patched specs (proxy, cassettes, reports, transport).

Stands beside the simulators (it reuses their compiled request validators) and above specforge's document
layer; the SDKs never import it (ARCHITECTURE.md). Needs the `sim` extra (jsonschema-rs, Starlette, uvicorn).
"""

from .check import Checked, Deviation, TrafficChecker
from .transport import DeviationError, ValidatingTransport

__all__ = ["Checked", "Deviation", "DeviationError", "TrafficChecker", "ValidatingTransport"]
