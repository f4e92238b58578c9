"""Object governance: object tags, legal hold and retention (with bypass-governance extension)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .commonconfig import Tags
from .errors import S3Error
from .legalhold import LegalHold
from .retention import Retention
from .urls import check_bucket_name, check_object_name

if TYPE_CHECKING:
    from .ops_host import OpsHost


def _vq(name: str, version_id: str | None) -> list[tuple[str, str]]:
    query = [(name, "")]
    if version_id:
        query.append(("versionId", version_id))
    return query


class GovernanceOps:
    """Mixin for Client: object tags, legal hold, retention."""

    def _check(self, bucket_name: str, object_name: str) -> None:
        check_bucket_name(bucket_name)
        check_object_name(object_name)

    def get_object_tags(self: "OpsHost", bucket_name: str, object_name: str,
                        version_id: str | None = None) -> Tags | None:
        self._check(bucket_name, object_name)
        try:
            root = self._get_xml(bucket_name, _vq("tagging", version_id), object_name)
        except S3Error as exc:
            if exc.code == "NoSuchTagSet":
                return None
            raise
        tags = Tags.fromxml(root)
        return tags if tags else None

    def set_object_tags(self: "OpsHost", bucket_name: str, object_name: str, tags: Tags,
                        version_id: str | None = None) -> None:
        self._check(bucket_name, object_name)
        if not isinstance(tags, Tags):
            raise ValueError("tags must be Tags type")
        tags.validate()
        self._put_document(bucket_name, _vq("tagging", version_id), tags, object_name)

    def delete_object_tags(self: "OpsHost", bucket_name: str, object_name: str,
                           version_id: str | None = None) -> None:
        self._check(bucket_name, object_name)
        self._request("DELETE", bucket_name, object_name, query=_vq("tagging", version_id))

    def enable_object_legal_hold(self: "OpsHost", bucket_name: str, object_name: str,
                                 version_id: str | None = None) -> None:
        self._check(bucket_name, object_name)
        self._put_document(bucket_name, _vq("legal-hold", version_id), LegalHold(True),
                           object_name)

    def disable_object_legal_hold(self: "OpsHost", bucket_name: str, object_name: str,
                                  version_id: str | None = None) -> None:
        self._check(bucket_name, object_name)
        self._put_document(bucket_name, _vq("legal-hold", version_id), LegalHold(False),
                           object_name)

    def is_object_legal_hold_enabled(self: "OpsHost", bucket_name: str, object_name: str,
                                     version_id: str | None = None) -> bool:
        self._check(bucket_name, object_name)
        try:
            root = self._get_xml(bucket_name, _vq("legal-hold", version_id), object_name)
        except S3Error as exc:
            if exc.code in ("NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError",
                            "NoSuchObjectLegalHold"):
                return False
            raise
        return LegalHold.fromxml(root).status

    def get_object_retention(self: "OpsHost", bucket_name: str, object_name: str,
                             version_id: str | None = None) -> Retention | None:
        self._check(bucket_name, object_name)
        try:
            root = self._get_xml(bucket_name, _vq("retention", version_id), object_name)
        except S3Error as exc:
            if exc.code in ("NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError"):
                return None
            raise
        return Retention.fromxml(root)

    def set_object_retention(self: "OpsHost", bucket_name: str, object_name: str,
                             config: Retention, version_id: str | None = None,
                             bypass_governance_mode: bool = False) -> None:
        self._check(bucket_name, object_name)
        if not isinstance(config, Retention):
            raise ValueError("config must be Retention type")
        config.validate()
        headers = ({"x-amz-bypass-governance-retention": "true"}
                   if bypass_governance_mode else None)
        self._put_document(bucket_name, _vq("retention", version_id), config, object_name,
                           headers=headers)
