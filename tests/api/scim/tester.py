"""Runs scim2-tester (PyPI) against Leaver's /scim/v2 and prints every check's result as JSON.

Usage: python3 tester.py BASE_URL KEY  (BASE_URL ends in /scim/v2). Exit 3 when scim2-tester
or its HTTP engine is not installed, so the Rust test can tell "not installed" from "failed".
"""

import json
import sys

try:
    from httpx2 import Client
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import check_server
except ImportError as missing:
    print(f"scim2-tester is not installed: {missing}", file=sys.stderr)
    sys.exit(3)

base_url, key = sys.argv[1], sys.argv[2]
http = Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"})
client = SyncSCIMClient(http)
results = check_server(client, resource_types=["User"])
print(
    json.dumps(
        [
            {
                "title": r.title,
                "status": r.status.name,
                "reason": r.reason,
                "resource_type": r.resource_type,
                "tags": sorted(r.tags or []),
            }
            for r in results
        ]
    )
)
