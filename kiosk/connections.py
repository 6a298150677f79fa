"""HTTP/1.1 to the platform over the standard library: kept-alive connections, pooled per host.

The platform client (``kiosk.platform``) speaks through one :class:`Connections`. What it
keeps from the ``requests`` session it replaces (whose import alone cost more than the
kiosk's window on the start path):

- **One pool per host.** A connection goes back to its pool once its answer is read in
  full, and is taken again by the next request to that host; one that the server closed
  meanwhile is dropped before use, never sent on. Threads each take their own.
- **Timeouts.** ``timeout`` bounds the connection and then every read, as ``requests``'
  single timeout did.
- **TLS, verified.** Against the one CA file ``verify`` names (the settings' ``ca_bundle``
  or the system's bundle: ``kiosk.transport.trust_store``), host name checked; nothing in the
  environment (``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``, ``SSL_CERT_FILE``) is read.
- **Proxies from the environment** (``https_proxy``, ``http_proxy``, ``all_proxy``,
  ``no_proxy``, any case, lower case first) still apply, as with ``requests``: https through
  the proxy's ``CONNECT`` tunnel, http by absolute URL; a user name and password in the
  proxy's URL go as ``Proxy-Authorization``.
- **No redirects** are followed: a signed request is for the path it was signed for.

Failures are exceptions of the standard library: ``ssl.SSLError`` (TLS: the certificate is
not trusted, or the handshake failed), ``TimeoutError``, other ``OSError`` (refused, reset,
unreachable; ``ConnectionRefusedError`` too while a training link is cut:
:meth:`Connections.cut_when`) and ``http.client.HTTPException`` (a broken answer);
:func:`failure_name` names them for the log as ``requests`` did.
"""
from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import os
import select
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

__all__ = ["Connections", "Response", "failure_name"]


@dataclass(frozen=True)
class Response:
    """An answer read in full."""

    status_code: int
    headers: http.client.HTTPMessage
    content: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self):
        """The body as JSON (``ValueError`` if it is not)."""
        return json.loads(self.content)

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc) -> None:
        return None


class ConnectTimeout(TimeoutError):
    """No connection within the timeout."""


class ReadTimeout(TimeoutError):
    """Connected, but the answer did not come within the timeout."""


def failure_name(exc: BaseException) -> str:
    """What went wrong, in a word for the log (the names ``requests`` gave them)."""
    if isinstance(exc, ssl_error()):
        return "SSLError"
    if isinstance(exc, (ConnectTimeout, ReadTimeout)):
        return type(exc).__name__
    if isinstance(exc, TimeoutError):
        return "ReadTimeout"
    return "ConnectionError"


def ssl_error() -> type[BaseException]:
    """``ssl.SSLError`` (``ssl`` is imported by ``http.client`` already when it exists)."""
    import ssl

    return ssl.SSLError


@dataclass(frozen=True)
class _Route:
    """Where a request to a host goes: straight there, or through a proxy."""

    scheme: str  # of the target: http or https
    host: str
    port: int
    proxy: tuple[str, int] | None = None
    proxy_auth: str | None = None  # "Basic …" for Proxy-Authorization

    def target(self, path: str) -> str:
        """The request target: the path, or (plain http through a proxy) the absolute URL."""
        if self.proxy is not None and self.scheme == "http":
            return f"http://{_host_port(self.host, self.port, 80)}{path}"
        return path


def _host_port(host: str, port: int, default: int) -> str:
    host = f"[{host}]" if ":" in host else host
    return host if port == default else f"{host}:{port}"


class Connections:
    """Kept-alive connections to the hosts of one client, and how they are made.

    ``verify``: the CA file TLS is verified against (a path, never "trust anything", never
    the environment's); given as a callable, it is asked at the first access (the system's
    bundle is found only when it is needed)."""

    def __init__(self, verify: str | Callable[[], str], user_agent: str = "credit-care-kiosk"):
        self._verify = verify
        self.user_agent = user_agent
        self._lock = threading.Lock()
        self._idle: dict[_Route, list[http.client.HTTPConnection]] = {}
        self._generation = 0  # close() makes the connections in use not come back
        self._tls = None  # the ssl.SSLContext, made at the first https connection
        self._cut: Callable[[], bool] | None = None

    @property
    def verify(self) -> str:
        if callable(self._verify):
            self._verify = self._verify()
        return self._verify

    @verify.setter
    def verify(self, path: str) -> None:
        self._verify = path
        self._tls = None

    def cut_when(self, cut: Callable[[], bool]) -> None:
        """Training only: while ``cut()`` is true every request fails as a refused
        connection, nothing is sent (``kiosk.adapters.sync_transport.TrainingLink``)."""
        self._cut = cut

    def close(self) -> None:
        """Close every kept-alive connection; those in use close when their answer is read
        (a cable pulled: the next request connects afresh)."""
        with self._lock:
            idle, self._idle = self._idle, {}
            self._generation += 1
        for connections in idle.values():
            for conn in connections:
                conn.close()

    # -- requests ---------------------------------------------------------------------------
    def request(self, method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
                timeout: float) -> Response:
        """Send and read the whole answer; the connection goes back to its pool."""
        if self._cut is not None and self._cut():
            raise ConnectionRefusedError("training: the link to the platform is cut")
        parts = urlsplit(url)
        route = self._route(parts)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sent = {"User-Agent": self.user_agent, **(headers or {})}
        if route.proxy_auth is not None and route.scheme == "http":
            sent["Proxy-Authorization"] = route.proxy_auth
        conn, generation = self._take(route, timeout)
        try:
            conn.request(method, route.target(path), body=body, headers=sent)
            try:
                answer = conn.getresponse()
            except TimeoutError as exc:
                raise ReadTimeout(str(exc)) from None
            content = answer.read()
        except BaseException:
            conn.close()
            raise
        self._give_back(route, conn, generation, keep=not answer.will_close)
        return Response(answer.status, answer.headers, content)

    def get(self, url: str, *, timeout: float) -> Response:
        return self.request("GET", url, timeout=timeout)

    # -- the pool ---------------------------------------------------------------------------
    def _take(self, route: _Route, timeout: float) -> tuple[http.client.HTTPConnection, int]:
        with self._lock:
            generation = self._generation
            idle = self._idle.get(route) or []
            while idle:
                conn = idle.pop()
                if _still_open(conn):
                    conn.timeout = timeout
                    conn.sock.settimeout(timeout)
                    return conn, generation
                conn.close()  # the server closed it while it waited: never sent on
        conn = self._new(route, timeout)
        try:
            conn.connect()
        except TimeoutError as exc:
            conn.close()
            raise ConnectTimeout(str(exc)) from None
        except BaseException:
            conn.close()
            raise
        return conn, generation

    def _give_back(self, route: _Route, conn: http.client.HTTPConnection, generation: int, *, keep: bool) -> None:
        if keep and conn.sock is not None:
            with self._lock:
                if generation == self._generation:
                    self._idle.setdefault(route, []).append(conn)
                    return
        conn.close()

    def _new(self, route: _Route, timeout: float) -> http.client.HTTPConnection:
        host, port = route.proxy or (route.host, route.port)
        if route.scheme == "https":
            conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=self._context())
            if route.proxy is not None:
                tunnel = {"Proxy-Authorization": route.proxy_auth} if route.proxy_auth else None
                conn.set_tunnel(route.host, route.port, headers=tunnel)
            return conn
        return http.client.HTTPConnection(host, port, timeout=timeout)

    def _context(self):
        if self._tls is None:
            import ssl

            context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=self.verify)  # this file only
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            self._tls = context
        return self._tls

    def _route(self, parts) -> _Route:
        scheme = parts.scheme
        if scheme not in ("http", "https") or not parts.hostname:
            raise http.client.InvalidURL(f"not an http(s) URL: {scheme}://…")
        port = parts.port or (443 if scheme == "https" else 80)
        proxy = _environment_proxy(scheme, parts.hostname, port)
        if proxy is None:
            return _Route(scheme, parts.hostname, port)
        auth = None
        if proxy.username is not None:
            pair = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}".encode()
            auth = "Basic " + base64.b64encode(pair).decode("ascii")
        return _Route(scheme, parts.hostname, port, (proxy.hostname, proxy.port or 80), auth)


def _still_open(conn: http.client.HTTPConnection) -> bool:
    """A kept-alive connection the server has not closed: nothing to read on it (an idle
    HTTP connection that is readable has been closed or broken)."""
    sock = conn.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


# -- proxies from the environment (what requests and urllib read) ---------------------------------

def _proxy_variables() -> dict[str, str]:
    """``*_proxy`` variables by lower-case name; a lower-case variable wins over its upper-case twin."""
    found: dict[str, str] = {}
    for name, value in os.environ.items():
        if value and name.lower().endswith("_proxy") and name.lower() not in found:
            found[name.lower()] = value
    for name, value in os.environ.items():  # lower case first
        if value and name.endswith("_proxy") and name == name.lower():
            found[name] = value
    return found


def _environment_proxy(scheme: str, host: str, port: int):
    """The proxy the environment names for this host (``urlsplit`` result), or None."""
    variables = _proxy_variables()
    if not variables:
        return None
    url = variables.get(f"{scheme}_proxy") or variables.get("all_proxy")
    if not url or _bypassed(host, port, variables.get("no_proxy", "")):
        return None
    if "://" not in url:
        url = "http://" + url
    proxy = urlsplit(url)
    if proxy.scheme != "http" or not proxy.hostname:
        return None  # only an http proxy is spoken (no socks)
    return proxy


def _bypassed(host: str, port: int, no_proxy: str) -> bool:
    """``no_proxy``: ``*``, host names (a name covers its subdomains; a leading dot too),
    ``host:port``, IP addresses and networks (CIDR)."""
    entries = [e.strip() for e in no_proxy.replace(" ", ",").split(",") if e.strip()]
    if "*" in entries:
        return True
    host = host.lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for entry in entries:
        entry = entry.lower()
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                pass
        name, _, entry_port = entry.partition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and entry_port != str(port):
            continue
        name = name.lstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False
