"""squall.config.Config against botocore.config.Config (the oracle)."""
from __future__ import annotations

import copy
import pickle
from typing import Any

import botocore.config
import botocore.exceptions
import pytest

import squall.exceptions as sx
from squall.config import Config


def test_same_options_in_same_order_with_same_defaults() -> None:
    assert list(Config.OPTION_DEFAULTS.items()) == list(botocore.config.Config.OPTION_DEFAULTS.items())
    assert dict(Config.NON_LEGACY_OPTION_DEFAULTS) == botocore.config.Config.NON_LEGACY_OPTION_DEFAULTS


def _attrs(config: Any) -> dict[str, Any]:
    return {name: getattr(config, name) for name in botocore.config.Config.OPTION_DEFAULTS}


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),
        (("us-west-2", "s3v4"), {}),
        (("us-west-2",), {"read_timeout": 5}),
        ((), {"defaults_mode": "standard"}),
        ((), {"defaults_mode": "standard", "connect_timeout": 2}),
        ((), {"inject_host_prefix": False}),
        ((), {"retries": {"max_attempts": 0, "mode": "adaptive"}, "s3": {"addressing_style": "path"}}),
        (tuple(range(30)), {}),
    ],
)
def test_construction_matches_botocore(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if len(args) == 30:
        # All positional: retries/s3 must validate, so pass harmless values there.
        args = tuple(None if name in ("s3", "retries") else i
                     for i, name in enumerate(botocore.config.Config.OPTION_DEFAULTS))
    mine, theirs = Config(*args, **kwargs), botocore.config.Config(*args, **kwargs)
    assert _attrs(mine) == _attrs(theirs)
    assert mine._user_provided_options == theirs._user_provided_options
    assert mine._inject_host_prefix == theirs._inject_host_prefix


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {"bogus": 1}),
        (tuple(range(31)), {}),
        (("us-west-2",), {"region_name": "eu-west-1"}),
    ],
)
def test_argument_errors_match_botocore(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError) as theirs:
        botocore.config.Config(*args, **kwargs)
    with pytest.raises(TypeError) as mine:
        Config(*args, **kwargs)
    assert str(mine.value) == str(theirs.value)


@pytest.mark.parametrize(
    ("kwargs", "mine_cls", "theirs_cls"),
    [
        ({"retries": {"bogus": 1}}, sx.InvalidRetryConfigurationError, botocore.exceptions.InvalidRetryConfigurationError),
        ({"retries": {"max_attempts": -1}}, sx.InvalidMaxRetryAttemptsError, botocore.exceptions.InvalidMaxRetryAttemptsError),
        ({"retries": {"total_max_attempts": 0}}, sx.InvalidMaxRetryAttemptsError, botocore.exceptions.InvalidMaxRetryAttemptsError),
        ({"retries": {"mode": "fast"}}, sx.InvalidRetryModeError, botocore.exceptions.InvalidRetryModeError),
        ({"s3": {"addressing_style": "sideways"}}, sx.InvalidS3AddressingStyleError, botocore.exceptions.InvalidS3AddressingStyleError),
    ],
)
def test_validation_errors_match_botocore(kwargs: dict[str, Any], mine_cls: type, theirs_cls: type) -> None:
    with pytest.raises(theirs_cls) as theirs:
        botocore.config.Config(**kwargs)
    with pytest.raises(mine_cls) as mine:
        Config(**kwargs)
    if mine_cls is not sx.InvalidRetryConfigurationError:
        assert str(mine.value) == str(theirs.value)
    assert isinstance(mine.value, sx.InvalidRetryConfigurationError) == isinstance(
        theirs.value, botocore.exceptions.InvalidRetryConfigurationError
    )


def test_inject_host_prefix_unset_marker() -> None:
    config = Config()
    assert config.inject_host_prefix is True and config._inject_host_prefix == "UNSET"
    assert not config.is_set("inject_host_prefix")
    config.inject_host_prefix = False
    assert config.inject_host_prefix is False and config.is_set("inject_host_prefix")


def test_merge_prefers_other_explicit_options() -> None:
    a = Config(region_name="us-east-1", read_timeout=10, retries={"mode": "standard"})
    b = Config(read_timeout=20, connect_timeout=5)
    merged = a.merge(b)
    theirs = botocore.config.Config(region_name="us-east-1", read_timeout=10, retries={"mode": "standard"}).merge(
        botocore.config.Config(read_timeout=20, connect_timeout=5)
    )
    assert _attrs(merged) == _attrs(theirs)
    assert merged._user_provided_options == theirs._user_provided_options
    assert a.read_timeout == 10  # merge returns a new object


def test_assignment_works_and_counts_as_set() -> None:
    config = Config()
    config.region_name = "eu-west-1"
    config.retries = {"max_attempts": 2}
    config._supplied_user_agent = "ua"  # botocore sets private attributes like this one
    assert config.region_name == "eu-west-1"
    assert dict(config.user_provided_options) == {"region_name": "eu-west-1", "retries": {"max_attempts": 2}}
    assert Config().merge(config).retries == {"max_attempts": 2}
    with pytest.raises(TypeError):
        config.user_provided_options["x"] = 1  # type: ignore[index]


def test_pickle_and_copy_keep_everything() -> None:
    config = Config(region_name="us-west-2", inject_host_prefix=False, defaults_mode="standard")
    config._supplied_user_agent = "ua"
    for clone in (pickle.loads(pickle.dumps(config)), copy.copy(config), copy.deepcopy(config)):
        assert _attrs(clone) == _attrs(config)
        assert clone._user_provided_options == config._user_provided_options
        assert clone._supplied_user_agent == "ua"  # type: ignore[attr-defined]
        assert clone.connect_timeout is None


def test_repr_shows_set_options() -> None:
    assert repr(Config(region_name="x")) == "Config(region_name='x')"


def test_exported_from_package() -> None:
    import squall.config

    assert squall.config.Config is Config
