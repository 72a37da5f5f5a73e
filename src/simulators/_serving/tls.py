"""A throw-away test CA made at start-up, so a simulator serves HTTPS that its clients can be told to trust."""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import trustme

__all__ = ["TlsFiles", "issue_test_certificate"]

_LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class TlsFiles:
    """PEM files: `ca_cert` is what clients trust; `cert_chain` and `key` are what the server presents."""

    ca_cert: Path
    cert_chain: Path
    key: Path

    def client_context(self) -> ssl.SSLContext:
        """An SSL context that trusts only this CA (httpx: `verify=files.client_context()`)."""
        return ssl.create_default_context(cafile=str(self.ca_cert))


def issue_test_certificate(directory: Path, hostnames: Sequence[str] = ()) -> TlsFiles:
    """A new CA and a server certificate for `hostnames` plus the loopback names, written to `directory`."""
    ca = trustme.CA(organization_name="API simulators test CA (not for production)")
    server = ca.issue_cert(*dict.fromkeys([*hostnames, *_LOOPBACK]))
    directory.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(directory / "ca.pem", directory / "server-chain.pem", directory / "server-key.pem")
    ca.cert_pem.write_to_path(str(files.ca_cert))
    with files.cert_chain.open("wb") as chain:
        for blob in server.cert_chain_pems:
            chain.write(blob.bytes())
    server.private_key_pem.write_to_path(str(files.key))
    files.key.chmod(0o600)
    return files
