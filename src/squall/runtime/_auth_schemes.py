"""Which signature a call gets (SigV4, SigV4a or S3 Express), as botocore with awscrt picks it.

Later sources win:

1. the model: the operation's ``auth`` list; for an operation with neither ``auth`` nor
   ``authtype``, the service's ``metadata.auth``. Only whether SigV4a comes first matters
   here: every other choice (bearer, noAuth, unsigned bodies) is the flow's business;
2. the endpoint rules' ``authSchemes`` (S3 Multi-Region Access Points, EventBridge global
   endpoints, CloudFront KeyValueStore, ...), which also name the signing name and the
   region (``signingRegion``) or region set (``signingRegionSet``).

``auth_scheme_preference`` (``sigv4a,sigv4``) moves the schemes it names to the front of
either list, in its order. A SigV4a signature covers ``sigv4a_signing_region_set`` if set,
else the endpoint's region set, else ``*``.

SigV4a counts as available only when ``cryptography`` is importable (botocore counts it
only with awscrt): a list that offers it besides SigV4 then falls back to SigV4; for one
that offers only SigV4a the signer raises ``MissingDependencyException`` naming what asked
for it (an unsigned call never gets that far).
"""
from __future__ import annotations

from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

if TYPE_CHECKING:
    from ..models import OperationModel
    from ._context import ClientContext, ResolvedEndpoint

__all__ = ["AuthSettings", "DEFAULT_AUTH_SETTINGS", "signing_properties"]

# customizations.s3_express.EXPRESS_SCHEME; S3's extras are not imported when a client is made.
EXPRESS_SCHEME = "sigv4-s3express"
_ENDPOINT_SCHEMES = frozenset({"sigv4", "sigv4a", EXPRESS_SCHEME})
_SIGV4A_TRAIT = "aws.auth#sigv4a"


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthSettings:
    """A client's auth settings, resolved (``Config`` first, then environment and profile)."""

    preference: tuple[str, ...] = ()  # auth_scheme_preference, e.g. ("sigv4a", "sigv4")
    sigv4a_region_set: str | None = None  # sigv4a_signing_region_set, e.g. "us-west-2,eu-west-1"

    @classmethod
    def resolve(cls, config: Any, get: Callable[[str], Any]) -> "AuthSettings":
        """From ``Config`` and ``get(setting name)`` (the Session's resolved settings)."""
        preference = getattr(config, "auth_scheme_preference", None) or get("auth_scheme_preference")
        region_set = getattr(config, "sigv4a_signing_region_set", None) or get("sigv4a_signing_region_set")
        # As botocore: blanks inside names are dropped, empty items ignored.
        names = tuple(
            "".join(item.split()) for item in str(preference or "").split(",") if item.strip()
        )
        return cls(preference=names, sigv4a_region_set=str(region_set) if region_set else None)


DEFAULT_AUTH_SETTINGS = AuthSettings()


def _sigv4a_available() -> bool:
    from ..auth._sigv4a import sigv4a_available

    return sigv4a_available()


def _preferred_first(names: Sequence[str], preference: Sequence[str]) -> list[str]:
    front = [p for p in dict.fromkeys(preference) if p in names]
    return front + [n for n in names if n not in front]


def _model_wants_sigv4a(ctx: ClientContext, op: OperationModel | None) -> bool:
    """Whether the model's auth list, after the preference, puts SigV4a first."""
    if op is None:
        return False
    raw = op.raw
    options = raw.get("auth")
    if options is None:
        if raw.get("authtype") is not None:
            return False  # an operation-specific signer (unsigned body, none, bearer, v4)
        options = ctx.service_model.metadata.get("auth")
    if not options or _SIGV4A_TRAIT not in options:
        return False
    names = _preferred_first([o.split("#")[-1] for o in options], ctx.auth.preference)
    if names[0] != "sigv4a":
        return False
    # Without cryptography, fall back to the next scheme; with none left, the signer says
    # what is missing.
    return _sigv4a_available() or all(name == "sigv4a" for name in names)


def _endpoint_scheme(ctx: ClientContext, schemes: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The first endpoint auth scheme squall can sign with, preference first."""
    by_name: dict[str, Mapping[str, Any]] = {}
    for scheme in schemes:
        by_name.setdefault(str(scheme.get("name", "")).split("#")[-1], scheme)
    usable = [n for n in _preferred_first(list(by_name), ctx.auth.preference) if n in _ENDPOINT_SCHEMES]
    if not usable:
        return None  # e.g. an unknown scheme: sign with the model's defaults, as before
    if usable[0] == "sigv4a" and len(usable) > 1 and not _sigv4a_available():
        return by_name[usable[1]]  # without cryptography, as botocore without awscrt
    # SigV4a alone without cryptography: the signer raises, naming what asked for it.
    return by_name[usable[0]]


def signing_properties(ctx: ClientContext, endpoint: ResolvedEndpoint,
                       op: OperationModel | None = None) -> dict[str, Any]:
    """``signing_name`` and ``region`` always; for SigV4a ``scheme="sigv4a"``, ``region_set``
    and ``needed_by``; ``disable_double_encoding`` and ``s3express`` when they apply."""
    props: dict[str, Any] = {"signing_name": ctx.signing_name, "region": ctx.region_name}
    schemes = endpoint.properties.get("authSchemes")
    if schemes:
        first = schemes[0]  # the common case, decided without building lists
        scheme = first if first.get("name") == "sigv4" and not ctx.auth.preference else _endpoint_scheme(ctx, schemes)
        if scheme is None:
            return props
        name = str(scheme.get("name", "")).split("#")[-1]
        props["signing_name"] = scheme.get("signingName", props["signing_name"])
        if scheme.get("disableDoubleEncoding"):
            props["disable_double_encoding"] = True
        if name == "sigv4a":
            region_set = ",".join(scheme.get("signingRegionSet") or ())
            props["scheme"] = "sigv4a"
            props["region_set"] = ctx.auth.sigv4a_region_set or region_set or "*"
            props["needed_by"] = f"endpoint auth scheme sigv4a for {ctx.service_model.service_name} " \
                                 f"{op.name if op is not None else ''}".rstrip()
            return props
        props["region"] = scheme.get("signingRegion", props["region"])
        if name == EXPRESS_SCHEME and ctx.s3_express is not None:
            props["s3express"] = True
        return props
    if _model_wants_sigv4a(ctx, op):
        props["scheme"] = "sigv4a"
        props["region_set"] = ctx.auth.sigv4a_region_set or "*"
        props["needed_by"] = f"auth trait {_SIGV4A_TRAIT} of {ctx.service_model.service_name} " \
                             f"{op.name if op is not None else ''}".rstrip()
    return props
