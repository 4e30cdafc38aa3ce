"""Who is calling: the remote address of an HTTP request, also behind a gateway.

Behind the gateway (nginx, a load balancer) every request comes from the proxy's address; the
client's is in `X-Forwarded-For` (each proxy appends the address it got the request from) or
`X-Real-IP`. Those headers are anyone's to write, so they are believed only from a proxy of
KRING_TRUSTED_PROXIES (docs/contract.md §2): walking `X-Forwarded-For` from the right, the
first address that is no trusted proxy is the client's.
"""
import ipaddress

DEFAULT_TRUSTED = ("127.0.0.1/32", "::1/128")


def networks(text):
    """KRING_TRUSTED_PROXIES (addresses or networks separated by commas) as networks;
    ValueError naming an entry that is neither."""
    found = []
    for entry in (part.strip() for part in (text or "").split(",")):
        if entry:
            try:
                found.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"not an IP address or network: {entry!r}") from None
    return tuple(found)


def _address(text):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def trusted(address, proxies):
    return address is not None and any(address in network for network in proxies)


def client_address(remote_addr, headers, proxies):
    """The client's address as text: `remote_addr` unless that is a trusted proxy, then what
    the proxies say (X-Forwarded-For, else X-Real-IP); an unreadable entry ends the walk at
    the last address that could be read."""
    peer = _address(remote_addr or "")
    if not trusted(peer, proxies):
        return str(peer) if peer is not None else (remote_addr or "unknown")
    chain = [part for part in (headers.get("X-Forwarded-For") or "").split(",") if part.strip()]
    if not chain and headers.get("X-Real-IP"):
        chain = [headers.get("X-Real-IP")]
    client = peer
    for entry in reversed(chain):
        address = _address(entry)
        if address is None:
            break
        client = address
        if not trusted(address, proxies):
            break
    return str(client)
