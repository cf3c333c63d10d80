"""Which signature a call gets (SigV4, SigV4a, S3 Express or a bearer token), as botocore
with awscrt picks it.

Later sources win:

1. the model: the operation's ``auth`` list; for an operation with neither ``auth`` nor
   ``authtype``, the service's ``metadata.auth``. Whether SigV4a or a bearer token comes
   first matters here; noAuth and unsigned bodies are the flow's business;
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

Bearer (``smithy.api#httpBearerAuth``, botocore's ``signature_version="bearer"``) is
chosen, with no endpoint auth scheme, for:

- an operation whose own ``auth``/``authtype`` puts bearer first;
- a service whose client signature version is bearer: CodeCatalyst's
  ``signatureVersion``, ``Config(signature_version="bearer")``, or an
  ``auth_scheme_preference`` that puts ``httpBearerAuth`` first in the service's ``auth``
  list (unless a signature version was set in code);
- Bedrock API keys: a service signed as ``bedrock`` that offers bearer, while
  ``AWS_BEARER_TOKEN_BEDROCK`` is set and the ``Config`` set neither
  ``signature_version`` nor ``auth_scheme_preference``.

The token itself comes from ``squall.credentials.tokens``.
"""
from __future__ import annotations

from .._dataclass import dataclass, replace  # the stdlib's, cheaper to define
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

if TYPE_CHECKING:
    from ..models import OperationModel
    from ._context import ClientContext, ResolvedEndpoint

__all__ = ["AuthSettings", "DEFAULT_AUTH_SETTINGS", "signing_properties"]

# customizations.s3_express.EXPRESS_SCHEME; S3's extras are not imported when a client is made.
EXPRESS_SCHEME = "sigv4-s3express"
_ENDPOINT_SCHEMES = frozenset({"sigv4", "sigv4a", EXPRESS_SCHEME})
_SIGV4A_TRAIT = "aws.auth#sigv4a"
BEARER_TRAIT = "smithy.api#httpBearerAuth"
# Signing names for which an AWS_BEARER_TOKEN_<NAME> variable turns bearer auth on
# (botocore's get_bearer_auth_supported_services).
ENV_BEARER_SIGNING_NAMES = frozenset({"bedrock"})
# botocore's names for the model's schemes, as resolve_auth_type reads an auth list.
_SIGNATURE_VERSIONS = {
    "aws.auth#sigv4": "v4", _SIGV4A_TRAIT: "v4a", BEARER_TRAIT: "bearer", "smithy.api#noAuth": "none",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthSettings:
    """A client's auth settings, resolved (``Config`` first, then environment and profile)."""

    preference: tuple[str, ...] = ()  # auth_scheme_preference, e.g. ("sigv4a", "sigv4")
    sigv4a_region_set: str | None = None  # sigv4a_signing_region_set, e.g. "us-west-2,eu-west-1"
    # Config(signature_version=...) as given in code ("bearer", "v4", ...; UNSIGNED is
    # the client's ``unsigned``), and whether it or auth_scheme_preference was set in code
    signature_version: str | None = None
    set_in_code: bool = False
    env_token: bool = False  # AWS_BEARER_TOKEN_<signing name> was set when the client was made
    service_bearer: bool = False  # operations without auth of their own sign with a token

    @classmethod
    def resolve(cls, config: Any, get: Callable[[str], Any], *, env: Mapping[str, str] | None = None,
                signing_name: str | None = None, metadata: Mapping[str, Any] | None = None) -> "AuthSettings":
        """From ``Config``, ``get(setting name)`` (the Session's resolved settings), the
        Session's environment (for ``AWS_BEARER_TOKEN_<signing name>``) and the service
        model's ``metadata`` (the service-wide bearer decision is made once, here)."""
        in_code = getattr(config, "auth_scheme_preference", None)
        preference = in_code or get("auth_scheme_preference")
        region_set = getattr(config, "sigv4a_signing_region_set", None) or get("sigv4a_signing_region_set")
        # As botocore: blanks inside names are dropped, empty items ignored.
        names = tuple(
            "".join(item.split()) for item in str(preference or "").split(",") if item.strip()
        )
        version = getattr(config, "signature_version", None)
        env_token = False
        if env and signing_name in ENV_BEARER_SIGNING_NAMES:  # only Bedrock's clients import tokens
            from ..credentials.tokens import env_token_variable

            env_token = bool(env.get(env_token_variable(signing_name)))
        settings = cls(preference=names, sigv4a_region_set=str(region_set) if region_set else None,
                       signature_version=version if isinstance(version, str) else None,
                       set_in_code=bool(in_code) or version is not None, env_token=env_token)
        if metadata is None or not _service_wants_bearer(settings, metadata, signing_name):
            return settings
        return replace(settings, service_bearer=True)


DEFAULT_AUTH_SETTINGS = AuthSettings()


def _sigv4a_available() -> bool:
    from ..auth._sigv4a import sigv4a_available

    return sigv4a_available()


def _preferred_first(names: Sequence[str], preference: Sequence[str]) -> list[str]:
    front = [p for p in dict.fromkeys(preference) if p in names]
    return front + [n for n in names if n not in front]


def _model_scheme(ctx: ClientContext, op: OperationModel | None) -> str | None:
    """``"bearer"`` or ``"sigv4a"`` when the model's auth list (after the preference)
    asks for it; None for SigV4 or an operation-specific signer the flow handles."""
    if op is None:
        return "bearer" if ctx.auth.service_bearer else None
    raw = op.raw
    options = raw.get("auth") or None  # an empty list counts as none, as in botocore
    if options is None:
        if raw.get("authtype") is not None:  # an operation-specific signer (unsigned body, none, bearer, v4)
            return "bearer" if raw["authtype"] == "bearer" else None
        if ctx.auth.service_bearer:
            return "bearer"
        options = ctx.service_model.metadata.get("auth")
    elif BEARER_TRAIT in options and _first_signature_version(options, ctx.auth.preference) == "bearer":
        return "bearer"  # the operation's own list wins (botocore's set_operation_specific_signer)
    if not options or _SIGV4A_TRAIT not in options:
        return None
    names = _preferred_first([o.split("#")[-1] for o in options], ctx.auth.preference)
    if names[0] != "sigv4a":
        return None
    # Without cryptography, fall back to the next scheme; with none left, the signer says
    # what is missing.
    return "sigv4a" if _sigv4a_available() or all(name == "sigv4a" for name in names) else None


def _first_signature_version(options: Sequence[str], preference: Sequence[str] = ()) -> str | None:
    """botocore's resolve_auth_type / resolve_auth_scheme_preference: the first scheme of
    the list (preferred ones first) that a signer exists for."""
    names = _preferred_first([o.split("#")[-1] for o in options], preference)
    by_name = {o.split("#")[-1]: _SIGNATURE_VERSIONS.get(o) for o in options}
    for name in names:
        version = by_name[name]
        if version == "v4a" and not _sigv4a_available():
            continue  # as botocore without awscrt: no SigV4a signer, try the next one
        if version is not None:
            return version
    return None


def _service_wants_bearer(auth: AuthSettings, metadata: Mapping[str, Any], signing_name: str | None) -> bool:
    """Whether calls without operation-level auth sign with a bearer token (botocore: the
    client's signature version, then the choose-signer handler for the auth preference)."""
    options = metadata.get("auth")
    # The common case, decided with two lookups: nothing in the model or Config asks for bearer.
    if auth.signature_version != "bearer" and not (
            BEARER_TRAIT in options if options else metadata.get("signatureVersion") == "bearer"):
        return False
    version = auth.signature_version
    if version is None:  # the client's default: the model's auth list, else signatureVersion
        version = _first_signature_version(options) if options else metadata.get("signatureVersion")
    if auth.signature_version is None and auth.preference and options:
        version = _first_signature_version(options, auth.preference)
    if version != "bearer" and auth.env_token and not auth.set_in_code and options and BEARER_TRAIT in options:
        return signing_name in ENV_BEARER_SIGNING_NAMES  # Bedrock API keys
    return version == "bearer"


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
    and ``needed_by``; for a bearer token ``scheme="bearer"`` and ``needed_by`` (the call,
    for ``NoAuthTokenError``); ``disable_double_encoding`` and ``s3express`` when they apply."""
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
    scheme_name = _model_scheme(ctx, op)
    if scheme_name == "bearer":
        props["scheme"] = "bearer"
        props["needed_by"] = f"{ctx.service_model.service_name} {op.name if op is not None else ''}".rstrip()
    elif scheme_name == "sigv4a":
        props["scheme"] = "sigv4a"
        props["region_set"] = ctx.auth.sigv4a_region_set or "*"
        props["needed_by"] = f"auth trait {_SIGV4A_TRAIT} of {ctx.service_model.service_name} " \
                             f"{op.name if op is not None else ''}".rstrip()
    return props
