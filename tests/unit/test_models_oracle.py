"""Model data answers exactly as botocore/boto3 1.43.11 do (they are test oracles only)."""
from __future__ import annotations

import boto3
import botocore
import pytest

from squall.models import Loader, ServiceModel, service_model_for, xform_name


@pytest.fixture
def loader() -> Loader:
    return Loader.from_data_path()


def test_method_names_match_boto3_for_every_operation(loader: Loader) -> None:
    mismatches = []
    total = 0
    for service in loader.list_available_services("service-2"):
        for op in loader.load_service_model(service, "service-2")["operations"]:
            total += 1
            for sep in "_-":
                if xform_name(op, sep) != botocore.xform_name(op, sep):
                    mismatches.append((op, sep, xform_name(op, sep), botocore.xform_name(op, sep)))
    assert total > 15000
    assert mismatches == []


def test_protocol_choice_matches_botocore(loader: Loader) -> None:
    session = botocore.session.get_session()
    for service in loader.list_available_services("service-2"):
        ours = service_model_for(loader, service)
        theirs = session.get_service_model(service)
        assert ours.protocol == theirs.protocol, service
        assert ours.resolved_protocol == theirs.resolved_protocol, service
        assert ours.signing_name == theirs.signing_name, service
        assert ours.service_id == theirs.service_id, service


def test_models_are_parsed_once_per_process(loader: Loader) -> None:
    assert service_model_for(loader, "sqs") is service_model_for(Loader.from_data_path(), "sqs")


def test_shapes_resolve_lazily_and_recursively() -> None:
    raw = {
        "metadata": {"protocol": "json", "endpointPrefix": "x"},
        "operations": {"Op": {"name": "Op", "input": {"shape": "Node"}}},
        "shapes": {
            "Node": {"type": "structure", "members": {
                "Child": {"shape": "Node"}, "Name": {"shape": "Str", "locationName": "n"}}},
            "Str": {"type": "string"},
        },
    }
    model = ServiceModel(raw)
    node = model.operation_model("Op").input_shape
    assert node is not None
    assert node.members["Child"] is node  # a recursive reference is the same object
    assert node.members["Name"].serialization["name"] == "n"
    assert model.shape_for("Str").serialization == {}


def test_unknown_service_names_the_valid_ones(loader: Loader) -> None:
    from squall.exceptions import UnknownServiceError

    with pytest.raises(UnknownServiceError) as info:
        loader.load_service_model("sqss", "service-2")
    assert "sqss" in str(info.value) and "sqs," in str(info.value)


def test_aws_data_path_adds_models(tmp_path, loader: Loader) -> None:
    model_dir = tmp_path / "myservice" / "2020-01-01"
    model_dir.mkdir(parents=True)
    (model_dir / "service-2.json").write_text(
        '{"metadata": {"protocol": "json", "endpointPrefix": "mine", "serviceId": "Mine"},'
        ' "operations": {}, "shapes": {}}'
    )
    custom = Loader.from_data_path(str(tmp_path))
    assert "myservice" in custom.list_available_services("service-2")
    assert "myservice" not in loader.list_available_services("service-2")
    assert service_model_for(custom, "myservice").service_id == "Mine"


def test_sdk_extras_overlay_is_merged(loader: Loader) -> None:
    paginators = loader.load_service_model("ec2", "paginators-1")
    theirs = botocore.session.get_session().get_component("data_loader").load_service_model(
        "ec2", "paginators-1"
    )
    assert paginators == theirs
