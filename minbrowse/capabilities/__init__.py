"""minbrowse.capabilities: what an endpoint is and what each bucket has, probed read-only.

`probe_endpoint(client)` names the server (from one signed ListBuckets' reply) and whether
the keys may list buckets; `probe_bucket(client, bucket)` reads each bucket-level
configuration once and says for each feature: on, off (not enabled on this bucket), not
supported by this server, no permission, or the server's unexpected error. Nothing is
written. Headless (no textual): the UI caches the results per profile, `minbrowse --probe`
prints them (`table.py`).
"""

from .probe import (BucketCapabilities, EndpointCapabilities, Feature, FeatureState,
                    probe_bucket, probe_endpoint)

__all__ = ["BucketCapabilities", "EndpointCapabilities", "Feature", "FeatureState",
           "probe_bucket", "probe_endpoint"]
