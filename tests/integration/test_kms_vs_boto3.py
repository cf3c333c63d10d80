"""KMS (JSON protocol, blobs base64 on the wire) through squall, call for call against
boto3, on moto's server: keys, aliases, encrypt/decrypt, data keys, signing, errors."""
from __future__ import annotations

from typing import Any

import boto3
import pytest

import squall
from _oracle import compare, record

# KMS ciphertexts embed random IVs: compare their length, and prove they decrypt.
RANDOM_BLOBS = ("CiphertextBlob", "Plaintext", "Signature", "CiphertextForRecipient")


def scrub(result: Any) -> Any:
    if isinstance(result, dict):
        return {k: (("<blob>", len(v)) if k in RANDOM_BLOBS and isinstance(v, bytes) else scrub(v))
                for k, v in result.items()}
    if isinstance(result, list):
        return [scrub(v) for v in result]
    return result


def kms_scenario(kms: Any, steps: list) -> None:
    def step(name: str, call: Any) -> Any:
        return record(steps, name, lambda: scrub(call()))

    key = record(steps, "create", lambda: kms.create_key(
        Description="app key", Tags=[{"TagKey": "team", "TagValue": "a"}]))["KeyMetadata"]["KeyId"]
    record(steps, "describe", lambda: kms.describe_key(KeyId=key))
    record(steps, "alias", lambda: kms.create_alias(AliasName="alias/app", TargetKeyId=key))
    record(steps, "aliases", lambda: kms.list_aliases(KeyId=key))
    secret = b"\x00\x01binary \xff secret"
    blob = kms.encrypt(KeyId="alias/app", Plaintext=secret, EncryptionContext={"app": "x"})["CiphertextBlob"]
    step("encrypt", lambda: kms.encrypt(KeyId="alias/app", Plaintext=secret, EncryptionContext={"app": "x"}))
    record(steps, "decrypt", lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "x"}))
    record(steps, "decrypt_str_key", lambda: kms.decrypt(
        CiphertextBlob=kms.encrypt(KeyId=key, Plaintext="text plaintext")["CiphertextBlob"]))
    record(steps, "decrypt_wrong_context", lambda: kms.decrypt(
        CiphertextBlob=blob, EncryptionContext={"app": "y"}))
    step("data_key", lambda: kms.generate_data_key(KeyId=key, KeySpec="AES_256"))
    step("data_key_plain", lambda: kms.generate_data_key_without_plaintext(KeyId=key, NumberOfBytes=64))
    step("random", lambda: kms.generate_random(NumberOfBytes=32))
    step("reencrypt", lambda: kms.re_encrypt(
        CiphertextBlob=blob, SourceEncryptionContext={"app": "x"}, DestinationKeyId=key))
    signer = record(steps, "create_signing", lambda: kms.create_key(
        KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256"))["KeyMetadata"]["KeyId"]
    signature = kms.sign(KeyId=signer, Message=b"payload", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    record(steps, "verify", lambda: kms.verify(
        KeyId=signer, Message=b"payload", Signature=signature, SigningAlgorithm="ECDSA_SHA_256"))
    record(steps, "list_keys", lambda: kms.list_keys())
    record(steps, "tags", lambda: kms.list_resource_tags(KeyId=key))
    record(steps, "disable", lambda: kms.disable_key(KeyId=key))
    step("encrypt_disabled", lambda: kms.encrypt(KeyId=key, Plaintext=b"x"))
    record(steps, "missing_key", lambda: kms.describe_key(KeyId="alias/nope"))
    record(steps, "schedule_delete", lambda: kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7))


def test_kms_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, kms_scenario, lambda: squall.session.Session().client("kms"),
                         lambda: boto3.session.Session().client("kms")))
    assert steps["decrypt"]["Plaintext"] == b"\x00\x01binary \xff secret"
    assert steps["decrypt_str_key"]["Plaintext"] == b"text plaintext"
    assert steps["missing_key"]["error"] == "NotFoundException"


def test_encrypt_decrypt_roundtrip_across_libraries(moto_env: str) -> None:
    ours = squall.session.Session().client("kms")
    theirs = boto3.session.Session().client("kms")
    key = ours.create_key()["KeyMetadata"]["KeyId"]
    blob = ours.encrypt(KeyId=key, Plaintext=b"\x00" * 300)["CiphertextBlob"]
    assert isinstance(blob, bytes)
    assert theirs.decrypt(CiphertextBlob=blob)["Plaintext"] == b"\x00" * 300
    assert ours.decrypt(CiphertextBlob=theirs.encrypt(KeyId=key, Plaintext=b"hi")["CiphertextBlob"])["Plaintext"] == b"hi"
    with pytest.raises(ours.exceptions.InvalidCiphertextException):
        ours.decrypt(CiphertextBlob=b"garbage-that-is-not-a-ciphertext-blob-at-all-really")
