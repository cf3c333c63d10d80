"""``Session.resource(...)``: the resource model, the client, and the service resource."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import DataNotFoundError, ResourceNotExistsError, UnknownAPIVersionError, UnknownServiceError
from ._factory import classes_for

if TYPE_CHECKING:
    from ..session import Session

__all__ = ["create_resource"]


def create_resource(
    session: "Session", service_name: str, *, region_name: str | None = None, api_version: str | None = None,
    use_ssl: bool | None = True, verify: bool | str | None = None, endpoint_url: str | None = None,
    aws_access_key_id: str | None = None, aws_secret_access_key: str | None = None,
    aws_session_token: str | None = None, config: Any = None,
) -> Any:
    loader = session._loader
    try:
        resources_json = loader.load_service_model(service_name, "resources-1", api_version)
    except UnknownServiceError:
        raise ResourceNotExistsError(
            service_name, session.get_available_resources(), service_name in session.get_available_services()
        ) from None
    except DataNotFoundError:
        raise UnknownAPIVersionError(
            service_name, api_version, ", ".join(loader.api_versions(service_name, "resources-1"))
        ) from None
    if api_version is None:
        api_version = loader.latest_version(service_name, "resources-1")
    # As boto3: resource clients say "Resource" in their User-Agent unless told otherwise.
    from ..config import Config

    if config is None:
        config = Config(user_agent_extra="Resource")
    elif getattr(config, "user_agent_extra", None) is None:
        config = config.merge(Config(user_agent_extra="Resource"))
    client = session.client(
        service_name, region_name=region_name, api_version=api_version, use_ssl=use_ssl, verify=verify,
        endpoint_url=endpoint_url, aws_access_key_id=aws_access_key_id,
        aws_secret_access_key=aws_secret_access_key, aws_session_token=aws_session_token, config=config,
    )
    context = classes_for(service_name, api_version, client.meta.service_model, resources_json)
    return context.service_resource_class()(client=client)
