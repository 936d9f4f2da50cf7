"""Drives hubsim with the official huggingface_hub client (HF_ENDPOINT points at hubsim).

Prints one line per check; exits non-zero on the first failure.
"""
import os
import sys

from huggingface_hub import HfApi

api = HfApi(endpoint=os.environ["HF_ENDPOINT"], token=os.environ["HF_TOKEN"])

me = api.whoami()
assert me["name"] == "alice", me
assert any(o["name"] == "acme-ai" and o["roleInOrg"] == "admin" for o in me["orgs"]), me["orgs"]
print("whoami ok")

org = api.get_organization_overview("acme-ai")
assert org.name == "acme-ai" and org.plan == "team", org
print("organization overview ok")

members = {m.username: m for m in api.list_organization_members("acme-ai")}
assert set(members) == {"alice", "bob", "carol"}, members
print("organization members ok")

user = api.get_user_overview("bob")
assert user.username == "bob", user
print("user overview ok")

models = [m.id for m in api.list_models(author="acme-ai", gated=True)]
assert models == ["acme-ai/llama-ft"], models
print("list models ok")

accepted = [r.username for r in api.list_accepted_access_requests("acme-ai/llama-ft")]
assert accepted == ["bob"], accepted
api.reject_access_request("acme-ai/llama-ft", "bob", rejection_reason="left the company")
rejected = [r.username for r in api.list_rejected_access_requests("acme-ai/llama-ft")]
assert rejected == ["bob"], rejected
print("reject access request ok")

api.grant_access("acme-ai/llama-ft", "carol")
accepted = [r.username for r in api.list_accepted_access_requests("acme-ai/llama-ft")]
assert accepted == ["carol"], accepted
print("grant access ok")
sys.exit(0)
