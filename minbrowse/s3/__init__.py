"""minbrowse.s3: our S3 client on requests, with the MinIO Python client's public API.

Never imports textual or rich. The three `Rule` classes (lifecycle, replication, sse) are
imported from their own modules: `from minbrowse.s3.lifecycle import Rule`.
"""

from types import ModuleType as _ModuleType

from .cancel import CancelToken, ProgressAdapter
from .client import Client
from .commonconfig import (COMPLIANCE, COPY, DISABLED, ENABLED, GOVERNANCE, REPLACE,
                           AndOperator, Filter, Tag, Tags)
from .copysource import ComposeSource, CopySource
from .credentials import (AWSConfigProvider, ChainedProvider, Credentials, EnvAWSProvider,
                          EnvMinioProvider, McAlias, MinioClientConfigProvider, Provider,
                          StaticProvider, endpoint_from_env, mc_alias)
from .datatypes import Bucket, Object, ObjectWriteResult
from .deleteobjects import DeleteError, DeleteObject
from .encryption import Sse, SseCustomerKey, SseKMS, SseS3
from .errors import (Cancelled, InvalidResponseError, MinioException, NotSupportedError,
                     RetryError, S3ClientError, S3Error, ServerError, TransportError)
from .legalhold import LegalHold
from .lifecycle import (AbortIncompleteMultipartUpload, Expiration, LifecycleConfig,
                        NoncurrentVersionExpiration, NoncurrentVersionTransition, Transition)
from .notification import (CloudFuncConfig, FilterRule, NotificationConfig, PrefixFilterRule,
                           QueueConfig, SuffixFilterRule, TopicConfig)
from .objectlock import DAYS, YEARS, ObjectLockConfig
from .postpolicy import PostPolicy, PostPolicyError
from .replication import (AccessControlTranslation, DeleteMarkerReplication, DeleteReplication,
                          Destination, EncryptionConfig, EventThreshold, ExistingObjectReplication,
                          Metrics, ReplicaModifications, ReplicationConfig, ReplicationTime,
                          SourceSelectionCriteria, SseKmsEncryptedObjects)
from .retention import Retention
from .eventstream import EventStreamError
from .listen import ListenStream
from .select import (COMPRESSION_TYPE_BZIP2, COMPRESSION_TYPE_GZIP, COMPRESSION_TYPE_NONE,
                     FILE_HEADER_INFO_IGNORE, FILE_HEADER_INFO_NONE, FILE_HEADER_INFO_USE,
                     JSON_TYPE_DOCUMENT, JSON_TYPE_LINES, QUOTE_FIELDS_ALWAYS,
                     QUOTE_FIELDS_ASNEEDED, CSVInputSerialization, CSVOutputSerialization,
                     JSONInputSerialization, JSONOutputSerialization, ParquetInputSerialization,
                     SelectObjectReader, SelectRequest, Stats)
from .sse import AES256, AWS_KMS, SSEConfig
from .validation import check_policy_json
from .transport import RetryPolicy
from .versioning import OFF, SUSPENDED, VersioningConfig

Minio = Client  # the seed's class name, for scripts that keep it

__all__ = sorted(name for name, value in dict(globals()).items()
                 if not name.startswith("_") and not isinstance(value, _ModuleType))
