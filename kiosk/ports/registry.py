"""Which adapter serves each port: named in the settings, loaded when the services are built.

Each port (``his``, ``insurance``, ``credit``) has a setting naming its adapter (``his_adapter``,
``insurance_adapter``, ``credit_adapter``) and built-in adapters (``sandbox`` for the HIS, ``national``
for the insurance, ``platform`` for the credit platform). A hospital plugs in its own without editing
the kiosk: a Python distribution installed beside it that declares an entry point in the port's group,

.. code-block:: toml

    [project.entry-points."credit_care_kiosk.his"]
    acme = "acme_his.kiosk:build"

and ``his_adapter = "acme"`` in the settings. The entry point names a *factory*: a callable taking a
:class:`PortConfig` (the settings, and the address and secret the kiosk chose, e.g. the embedded
sandbox's in training) and returning the adapter, an object that satisfies the port's ``Protocol``
(every method, callable as the kiosk calls it). A name that is neither built in nor installed, a
factory that cannot be loaded, or an adapter that does not satisfy the port is a settings error
(:class:`AdapterError`, a ``ValueError``) naming the setting and what is wrong.

Entry points are looked up with ``importlib.metadata`` (the distributions on ``sys.path``) at build
time, never at import; a built-in name wins over an installed one (a plug-in cannot shadow them).
"""
from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata

GROUP_PREFIX = "credit_care_kiosk."


@dataclass(frozen=True)
class PortSpec:
    """A counterpart port: its protocol, the setting that chooses its adapter and the built-in adapters."""

    name: str
    protocol: str  # "module:attribute" of the port's Protocol
    setting: str  # the setting that names the adapter
    builtins: dict[str, str]  # adapter name -> "module:factory"

    @property
    def group(self) -> str:
        return GROUP_PREFIX + self.name


PORTS: dict[str, PortSpec] = {
    "his": PortSpec("his", "kiosk.ports.his:HisPort", "his_adapter", {"sandbox": "kiosk.adapters.his_http:build"}),
    "insurance": PortSpec("insurance", "kiosk.ports.insurance:InsurancePort", "insurance_adapter",
                          {"national": "kiosk.adapters.insurance_national:build"}),
    "credit": PortSpec("credit", "kiosk.ports.credit:CreditPort", "credit_adapter",
                       {"platform": "kiosk.adapters.credit_platform:build"}),
}


class AdapterError(ValueError):
    """The settings name an adapter the kiosk cannot use: a settings error, found at services build time."""


@dataclass(frozen=True)
class PortConfig:
    """What a factory is given. ``url``: the counterpart's address when the kiosk decides it (the
    embedded sandbox's in training), else empty: the adapter's own setting (``his_url``); ``secret``:
    the terminal's secret at the counterpart when the kiosk holds it (training; the insurance gateway's
    is text), else None: the adapter reads it from the keyring. ``msgids``: the kiosk's stored msgid
    sequence (the insurance port: every message a msgid never used before, across restarts);
    ``client``: the kiosk's signed client of the counterpart when it has one already (the credit
    platform's, shared with the journeys' writes)."""

    settings: object  # kiosk.settings.Settings
    url: str = ""
    secret: bytes | str | None = field(default=None, repr=False)
    msgids: Callable[[], str] | None = None
    client: object | None = None


def _resolve(target: str) -> object:
    module, _, attribute = target.partition(":")
    obj = importlib.import_module(module)
    for part in attribute.split("."):
        obj = getattr(obj, part)
    return obj


def installed(port: str) -> dict[str, str]:
    """The adapters installed for ``port`` as entry points: name -> "module:factory"."""
    return {ep.name: ep.value for ep in metadata.entry_points(group=PORTS[port].group)}


def available(port: str) -> list[str]:
    """Every adapter name the settings may give for ``port``: the built-in ones, then the installed."""
    spec = PORTS[port]
    return [*spec.builtins, *sorted(set(installed(port)) - set(spec.builtins))]


def load_factory(port: str, name: str) -> Callable[[PortConfig], object]:
    """The factory ``name`` stands for: built in, else the entry point of that name in the port's group."""
    spec = PORTS[port]
    where = f"{spec.setting} = {name!r}"
    if name in spec.builtins:
        target = spec.builtins[name]
        load = lambda: _resolve(target)
    else:
        found = [ep for ep in metadata.entry_points(group=spec.group) if ep.name == name]
        if not found:
            raise AdapterError(f"{where}: no such {port} adapter; built in or installed: {', '.join(available(port))} "
                               f"(a hospital's adapter is a distribution with an entry point in {spec.group!r})")
        if len({ep.value for ep in found}) > 1:
            raise AdapterError(f"{where}: several installed distributions offer it in {spec.group!r}: "
                               f"{', '.join(sorted(ep.value for ep in found))}")
        target, load = found[0].value, found[0].load
    try:
        factory = load()
    except Exception as exc:  # an import error, a missing attribute: the plug-in is broken
        raise AdapterError(f"{where}: {target} cannot be loaded ({type(exc).__name__}: {exc})") from exc
    if not callable(factory):
        raise AdapterError(f"{where}: {target} is not a factory (a callable taking the port's configuration)")
    return factory


def _members(protocol: type) -> list[str]:
    return [n for n, v in vars(protocol).items() if not n.startswith("_") and callable(v)]


def _callable_as(declared: inspect.Signature, actual: Callable) -> bool:
    """``actual`` accepts every call the port's method allows: all its arguments given positionally where
    they may be, or by name (keyword-only ones always by name)."""
    try:
        signature = inspect.signature(actual)
    except (TypeError, ValueError):  # no signature to read (a builtin): trust it
        return True
    params = list(declared.parameters.values())[1:]  # without self
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    named = {p.name: None for p in params if p.kind == p.KEYWORD_ONLY}
    try:
        signature.bind(*(None for _ in positional), **named)
        signature.bind(*(None for p in positional if p.kind == p.POSITIONAL_ONLY),
                       **{p.name: None for p in positional if p.kind != p.POSITIONAL_ONLY}, **named)
    except TypeError:
        return False
    return True


def problems(adapter: object, protocol: type) -> list[str]:
    """How ``adapter`` falls short of ``protocol``: each method missing, or not callable as the port
    calls it (empty: it satisfies the port)."""
    found = []
    for name in _members(protocol):
        method = getattr(adapter, name, None)
        if method is None or not callable(method):
            found.append(f"{name} is missing")
        elif not _callable_as(inspect.signature(getattr(protocol, name)), method):
            found.append(f"{name} does not take {name}{_shown(getattr(protocol, name))}")
    return found


def _shown(method: Callable) -> str:
    params = list(inspect.signature(method).parameters.values())[1:]
    return inspect.Signature(params).__str__()


def build_adapter(port: str, config: PortConfig, name: str | None = None) -> object:
    """The adapter the settings name for ``port`` (or ``name``), built with ``config`` and checked
    against the port's Protocol. Raises :class:`AdapterError`."""
    spec = PORTS[port]
    name = name if name is not None else getattr(config.settings, spec.setting, None) or next(iter(spec.builtins))
    factory = load_factory(port, name)
    adapter = factory(config)
    protocol = _resolve(spec.protocol)
    missing = problems(adapter, protocol)
    if missing:
        close = getattr(adapter, "close", None)
        if callable(close):
            close()
        raise AdapterError(f"{spec.setting} = {name!r}: the adapter does not satisfy {protocol.__name__}: "
                           f"{'; '.join(missing)}")
    return adapter


def build_his(settings, *, url: str = "", secret: bytes | None = None):
    """The HIS adapter the settings name (``his_adapter``), on ``url``/``secret`` when the kiosk chose
    them (the embedded sandbox HIS in training)."""
    return build_adapter("his", PortConfig(settings, url, secret))


def build_insurance(settings, *, msgids: Callable[[], str], url: str = "", secret: str | None = None):
    """The insurance adapter the settings name (``insurance_adapter``), numbering its own messages (sign-ins)
    from ``msgids``, the kiosk's stored sequence."""
    return build_adapter("insurance", PortConfig(settings, url, secret, msgids=msgids))


def build_credit(settings, *, client: object | None = None, url: str = "", secret: bytes | None = None):
    """The credit adapter the settings name (``credit_adapter``), on the kiosk's signed ``client`` when it
    has one."""
    return build_adapter("credit", PortConfig(settings, url, secret, client=client))
