"""Bucket default-encryption document (``<ServerSideEncryptionConfiguration>``), XML both ways."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional
from xml.etree.ElementTree import Element

from .commonconfig import child_or_new, required_text
from .errors import InvalidResponseError
from .validation import check_choice
from .xmlutil import SubElement, find, findtext

__all__ = ["AES256", "AWS_KMS", "AWS_KMS_DSSE", "Rule", "SSEConfig"]

AES256 = "AES256"
AWS_KMS = "aws:kms"
AWS_KMS_DSSE = "aws:kms:dsse"


@dataclass(frozen=True)
class Rule:
    """``<Rule><ApplyServerSideEncryptionByDefault>`` (+ optional ``<BucketKeyEnabled>``)."""

    sse_algorithm: str
    kms_master_key_id: Optional[str] = None
    bucket_key_enabled: Optional[bool] = None

    @classmethod
    def new_sse_s3_rule(cls) -> "Rule":
        return cls(AES256)

    @classmethod
    def new_sse_kms_rule(cls, kms_master_key_id: Optional[str] = None) -> "Rule":
        return cls(AWS_KMS, kms_master_key_id)

    @classmethod
    def fromxml(cls, element: Element) -> "Rule":
        default = find(element, "ApplyServerSideEncryptionByDefault")
        if default is None:
            raise InvalidResponseError(0, "application/xml",
                                       "<ApplyServerSideEncryptionByDefault> missing in <Rule>")
        bucket_key = findtext(element, "BucketKeyEnabled")
        key_id = findtext(default, "KMSMasterKeyID")
        if key_id is None:  # spelling used by some AWS documentation examples
            key_id = findtext(default, "KMSKeyID")
        return cls(required_text(default, "SSEAlgorithm"), key_id,
                   None if bucket_key is None else bucket_key.strip().lower() == "true")

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "Rule")
        default = SubElement(node, "ApplyServerSideEncryptionByDefault")
        SubElement(default, "SSEAlgorithm", self.sse_algorithm)
        if self.kms_master_key_id is not None:
            SubElement(default, "KMSMasterKeyID", self.kms_master_key_id)
        if self.bucket_key_enabled is not None:
            SubElement(node, "BucketKeyEnabled", "true" if self.bucket_key_enabled else "false")
        return node

    def validate(self, field: str = "rule") -> None:
        check_choice(self.sse_algorithm, (AES256, AWS_KMS, AWS_KMS_DSSE),
                     f"{field}.sse_algorithm")
        if self.kms_master_key_id is not None:
            if self.sse_algorithm == AES256:
                raise ValueError(f"{field}.kms_master_key_id is only allowed with "
                                 f"{AWS_KMS} or {AWS_KMS_DSSE}")
            if not self.kms_master_key_id:
                raise ValueError(f"{field}.kms_master_key_id must not be empty")


@dataclass(frozen=True)
class SSEConfig:
    rule: Rule

    @classmethod
    def fromxml(cls, element: Element) -> "SSEConfig":
        rule = find(element, "Rule")
        if rule is None:
            raise InvalidResponseError(0, "application/xml",
                                       "<Rule> missing in <ServerSideEncryptionConfiguration>")
        return cls(Rule.fromxml(rule))

    def toxml(self, element: Element | None = None) -> Element:
        root = child_or_new(element, "ServerSideEncryptionConfiguration")
        self.rule.toxml(root)
        return root

    def validate(self) -> None:
        if not isinstance(self.rule, Rule):
            raise ValueError("rule must be an sse.Rule (e.g. Rule.new_sse_s3_rule())")
        self.rule.validate("rule")
