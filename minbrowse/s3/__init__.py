"""minbrowse.s3: our S3 client on requests, with the MinIO Python client's public API.

Never imports textual or rich. The three `Rule` classes (lifecycle, replication, sse) are
imported from their own modules: `from minbrowse.s3.lifecycle import Rule`.
"""

from types import ModuleType as _ModuleType

from .cancel import CancelToken, ProgressAdapter
from .client import Client
from .commonconfig import (COMPLIANCE, COPY, DISABLED, ENABLED, GOVERNANCE, REPLACE,
                           AndOperator, Filter, Tags)
from .copysource import ComposeSource, CopySource
from .credentials import (AWSConfigProvider, ChainedProvider, Credentials, EnvAWSProvider,
                          EnvMinioProvider, MinioClientConfigProvider, Provider, StaticProvider)
from .datatypes import Bucket, Object, ObjectWriteResult
from .deleteobjects import DeleteError, DeleteObject
from .encryption import SseCustomerKey, SseKMS, SseS3
from .errors import (Cancelled, InvalidResponseError, MinioException, NotSupportedError,
                     RetryError, S3ClientError, S3Error, ServerError)
from .legalhold import LegalHold
from .lifecycle import (AbortIncompleteMultipartUpload, Expiration, LifecycleConfig,
                        NoncurrentVersionExpiration, NoncurrentVersionTransition, Transition)
from .notification import (CloudFuncConfig, NotificationConfig, PrefixFilterRule, QueueConfig,
                           SuffixFilterRule, TopicConfig)
from .objectlock import DAYS, YEARS, ObjectLockConfig
from .postpolicy import PostPolicy
from .replication import (DeleteMarkerReplication, Destination, ReplicationConfig)
from .retention import Retention
from .select import (CSVInputSerialization, CSVOutputSerialization, JSONInputSerialization,
                     JSONOutputSerialization, ParquetInputSerialization, SelectObjectReader,
                     SelectRequest)
from .sse import SSEConfig
from .transport import RetryPolicy
from .versioning import OFF, SUSPENDED, VersioningConfig

Minio = Client  # the seed's class name, for scripts that keep it

__all__ = sorted(name for name, value in dict(globals()).items()
                 if not name.startswith("_") and not isinstance(value, _ModuleType))
