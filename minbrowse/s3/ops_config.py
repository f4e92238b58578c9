"""Bucket configuration documents: policy, notification (+listen), encryption, replication,
lifecycle, bucket tags, object lock; and S3 Select."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .commonconfig import Tags
from .errors import S3Error
from .hashing import md5_base64
from .lifecycle import LifecycleConfig
from .listen import ListenStream, listen_query, unsupported_listen_error
from .notification import NotificationConfig
from .objectlock import ObjectLockConfig
from .replication import ReplicationConfig
from .select import SelectObjectReader, SelectRequest
from .sse import SSEConfig
from .urls import check_bucket_name, check_object_name
from .validation import check_policy_json
from .xmlutil import find, marshal

if TYPE_CHECKING:
    from .ops_host import OpsHost

T = TypeVar("T")
DEFAULT_LISTEN_EVENTS = ("s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectAccessed:*")


class ConfigOps:
    """Mixin for Client: bucket configuration documents, listen and select."""

    def _get_document(self: "OpsHost", bucket: str, sub: str, cls: type[T],
                      missing: tuple[str, ...] = ()) -> T | None:
        check_bucket_name(bucket)
        try:
            root = self._get_xml(bucket, [(sub, "")])
        except S3Error as exc:
            if exc.code in missing:
                return None
            raise
        return cls.fromxml(root)  # type: ignore[attr-defined]

    def _set_document(self: "OpsHost", bucket: str, sub: str, config: Any, cls: type) -> None:
        check_bucket_name(bucket)
        if not isinstance(config, cls):
            raise ValueError(f"config must be {cls.__name__} type")
        validate: Callable[[], None] | None = getattr(config, "validate", None)
        if validate is not None:
            validate()
        self._put_document(bucket, [(sub, "")], config)

    def _delete_sub(self: "OpsHost", bucket: str, sub: str, missing: tuple[str, ...] = ()) -> None:
        check_bucket_name(bucket)
        try:
            self._request("DELETE", bucket, query=[(sub, "")])
        except S3Error as exc:
            if exc.code not in missing:
                raise

    # -- policy --------------------------------------------------------------------------
    def get_bucket_policy(self: "OpsHost", bucket_name: str) -> str:
        check_bucket_name(bucket_name)
        return self._request("GET", bucket_name, query=[("policy", "")]).content.decode("utf-8")

    def set_bucket_policy(self: "OpsHost", bucket_name: str, policy: str | bytes) -> None:
        check_bucket_name(bucket_name)
        text = policy.decode("utf-8") if isinstance(policy, bytes) else policy
        check_policy_json(text)
        body = text.encode("utf-8")
        self._request("PUT", bucket_name, query=[("policy", "")], body=body,
                      headers={"Content-Type": "application/json",
                               "Content-MD5": md5_base64(body)})

    def delete_bucket_policy(self: "OpsHost", bucket_name: str) -> None:
        self._delete_sub(bucket_name, "policy")

    # -- notification --------------------------------------------------------------------
    def get_bucket_notification(self: "OpsHost", bucket_name: str) -> NotificationConfig:
        return self._get_document(bucket_name, "notification", NotificationConfig)

    def set_bucket_notification(self: "OpsHost", bucket_name: str,
                                config: NotificationConfig) -> None:
        self._set_document(bucket_name, "notification", config, NotificationConfig)

    def delete_bucket_notification(self: "OpsHost", bucket_name: str) -> None:
        check_bucket_name(bucket_name)
        self._put_document(bucket_name, [("notification", "")], NotificationConfig())

    def listen_bucket_notification(self: "OpsHost", bucket_name: str, prefix: str = "",
                                   suffix: str = "",
                                   events=DEFAULT_LISTEN_EVENTS) -> ListenStream:
        """MinIO's listen extension: a context-managed iterator of event-record dicts."""
        check_bucket_name(bucket_name)
        if self._base_url.is_aws:
            raise ValueError("listen_bucket_notification() is not supported by Amazon S3")
        try:
            resp = self._request("GET", bucket_name,
                                 query=listen_query(prefix, suffix, events),
                                 stream=True, timeout=None)
        except S3Error as err:
            mapped = unsupported_listen_error(err)
            if mapped is not None:
                raise mapped from err
            raise
        return ListenStream(resp)

    # -- encryption ----------------------------------------------------------------------
    def get_bucket_encryption(self: "OpsHost", bucket_name: str) -> SSEConfig | None:
        check_bucket_name(bucket_name)
        try:
            root = self._get_xml(bucket_name, [("encryption", "")])
        except S3Error as exc:
            if exc.code == "ServerSideEncryptionConfigurationNotFoundError":
                return None
            raise
        if find(root, "Rule") is None:  # Ceph RGW 16.2: an empty configuration means none
            return None
        return SSEConfig.fromxml(root)

    def set_bucket_encryption(self: "OpsHost", bucket_name: str, config: SSEConfig) -> None:
        self._set_document(bucket_name, "encryption", config, SSEConfig)

    def delete_bucket_encryption(self: "OpsHost", bucket_name: str) -> None:
        self._delete_sub(bucket_name, "encryption",
                         ("ServerSideEncryptionConfigurationNotFoundError",))

    # -- replication ---------------------------------------------------------------------
    def get_bucket_replication(self: "OpsHost", bucket_name: str) -> ReplicationConfig | None:
        return self._get_document(bucket_name, "replication", ReplicationConfig,
                                  ("ReplicationConfigurationNotFoundError",))

    def set_bucket_replication(self: "OpsHost", bucket_name: str,
                               config: ReplicationConfig) -> None:
        self._set_document(bucket_name, "replication", config, ReplicationConfig)

    def delete_bucket_replication(self: "OpsHost", bucket_name: str) -> None:
        # Only send the DELETE when a configuration exists: SeaweedFS 4.48 routes
        # `DELETE /bucket?replication` to DeleteBucket, which would remove an empty bucket.
        if self.get_bucket_replication(bucket_name) is None:
            return
        self._delete_sub(bucket_name, "replication")

    # -- lifecycle -----------------------------------------------------------------------
    def get_bucket_lifecycle(self: "OpsHost", bucket_name: str) -> LifecycleConfig | None:
        return self._get_document(bucket_name, "lifecycle", LifecycleConfig,
                                  ("NoSuchLifecycleConfiguration",))

    def set_bucket_lifecycle(self: "OpsHost", bucket_name: str, config: LifecycleConfig) -> None:
        self._set_document(bucket_name, "lifecycle", config, LifecycleConfig)

    def delete_bucket_lifecycle(self: "OpsHost", bucket_name: str) -> None:
        self._delete_sub(bucket_name, "lifecycle")

    # -- bucket tags ---------------------------------------------------------------------
    def get_bucket_tags(self: "OpsHost", bucket_name: str) -> Tags | None:
        tags = self._get_document(bucket_name, "tagging", Tags, ("NoSuchTagSet",))
        return tags if tags else None

    def set_bucket_tags(self: "OpsHost", bucket_name: str, tags: Tags) -> None:
        self._set_document(bucket_name, "tagging", tags, Tags)

    def delete_bucket_tags(self: "OpsHost", bucket_name: str) -> None:
        self._delete_sub(bucket_name, "tagging")

    # -- object lock ---------------------------------------------------------------------
    def get_object_lock_config(self: "OpsHost", bucket_name: str) -> ObjectLockConfig:
        return self._get_document(bucket_name, "object-lock", ObjectLockConfig)

    def set_object_lock_config(self: "OpsHost", bucket_name: str,
                               config: ObjectLockConfig) -> None:
        self._set_document(bucket_name, "object-lock", config, ObjectLockConfig)

    def delete_object_lock_config(self: "OpsHost", bucket_name: str) -> None:
        check_bucket_name(bucket_name)
        self._put_document(bucket_name, [("object-lock", "")], ObjectLockConfig(None, None, None))

    # -- select --------------------------------------------------------------------------
    def select_object_content(self: "OpsHost", bucket_name: str, object_name: str,
                              request: SelectRequest) -> SelectObjectReader:
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        if not isinstance(request, SelectRequest):
            raise ValueError("request must be SelectRequest type")
        body = marshal(request)
        resp = self._request("POST", bucket_name, object_name,
                             query=[("select", ""), ("select-type", "2")], body=body,
                             headers={"Content-Type": "application/xml"}, stream=True)
        return SelectObjectReader(resp, bucket_name, object_name)
