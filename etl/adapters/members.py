"""Vendors' member lists → the identity directory (who each vendor id is, by email).

Read from the Admin APIs' list endpoints (a page `{"data": [...]}`, a list of pages, or a bare
list), or GitHub's (a bare list, or Copilot's `{"seats": [...]}`):

| source | endpoint | identity kind ← field | email ← |
|---|---|---|---|
| Anthropic users | `GET /v1/organizations/users` (`type: "user"`) | `anthropic:account_id` ← `id` | `email` |
| Anthropic API keys | `GET /v1/organizations/api_keys` (`type: "api_key"`) | `anthropic:api_key_id` ← `id`, `anthropic:api_key_name` ← `name` | its creator's (`created_by.id`, a user) |
| OpenAI users | `GET /v1/organization/users` (`object: "organization.user"`) | `openai:user_id` ← `id` | `email` |
| OpenAI project API keys | `GET /v1/organization/projects/{id}/api_keys` | `openai:api_key_id` ← `id` | `owner.user.email` (service accounts: none) |
| OpenAI projects | `GET /v1/organization/projects` | `openai:project_id` ← `id` | none (a project is not a person) |
| GitHub org members | `GET /orgs/{org}/members` (+ `email` where your export adds it) | `github:user_login` ← `login` (lower-cased), `github:user_id` ← `id` | `email` |
| Copilot seats | `GET /orgs/{org}/copilot/billing/seats` | `github:user_login` ← `assignee.login` | `assignee.email` |

Pure: a list of directory rows; `workforce.identity` stores them and maps by email.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from etl.adapters.base import AdapterError, data_items

DIRECTORY_COLUMNS = ["identity_kind", "identity", "email", "name", "owner_kind", "owner_identity", "source"]


def _items(obj: Any) -> list[Any]:
    if isinstance(obj, Mapping) and isinstance(obj.get("seats"), list):
        return obj["seats"]
    return data_items(obj)


def kind_of(obj: Any) -> str | None:
    """Which member list this is, from its first record; None when it is not one."""
    items = _items(obj)
    first = items[0] if items and isinstance(items[0], Mapping) else None
    if first is None:
        return None
    if isinstance(obj, Mapping) and "seats" in obj and isinstance(first.get("assignee"), Mapping):
        return "copilot_seats"
    kind, obj_type = first.get("type"), first.get("object")
    if kind == "user" and "email" in first and "id" in first:
        return "anthropic_users"
    if kind == "api_key" and "created_by" in first:
        return "anthropic_api_keys"
    if obj_type == "organization.user":
        return "openai_users"
    if obj_type == "organization.project.api_key":
        return "openai_api_keys"
    if obj_type == "organization.project":
        return "openai_projects"
    if "login" in first and "id" in first and first.get("type") in ("User", "Bot", None) and len(first) < 40:
        return "github_members"
    return None


def _email(value: Any) -> str | None:
    text = str(value or "").strip().lower()
    return text if "@" in text else None


def to_directory(obj: Any, *, file: str = "") -> pd.DataFrame:
    """Directory rows of a member list; AdapterError when the file is not one."""
    kind = kind_of(obj)
    if kind is None:
        raise AdapterError(f"{file or 'file'}: not a vendor member list (Anthropic users or API keys, OpenAI users, "
                           "projects or project API keys, GitHub org members or Copilot seats)")
    rows: list[dict[str, Any]] = []
    for record in _items(obj):
        if not isinstance(record, Mapping):
            continue
        base = {"email": None, "name": record.get("name"), "owner_kind": None, "owner_identity": None,
                "source": kind}
        if kind == "anthropic_users":
            rows.append({**base, "identity_kind": "anthropic:account_id", "identity": str(record["id"]),
                         "email": _email(record.get("email"))})
        elif kind == "anthropic_api_keys":
            creator = record.get("created_by") if isinstance(record.get("created_by"), Mapping) else {}
            owner = {"owner_kind": "anthropic:account_id", "owner_identity": str(creator["id"])} \
                if creator.get("type") == "user" and creator.get("id") else {}
            rows.append({**base, **owner, "identity_kind": "anthropic:api_key_id", "identity": str(record["id"])})
            if record.get("name"):
                rows.append({**base, **owner, "identity_kind": "anthropic:api_key_name", "identity": str(record["name"])})
        elif kind == "openai_users":
            rows.append({**base, "identity_kind": "openai:user_id", "identity": str(record["id"]),
                         "email": _email(record.get("email"))})
        elif kind == "openai_api_keys":
            owner = record.get("owner") if isinstance(record.get("owner"), Mapping) else {}
            user = owner.get("user") if isinstance(owner.get("user"), Mapping) else {}
            rows.append({**base, "identity_kind": "openai:api_key_id", "identity": str(record["id"]),
                         "email": _email(user.get("email")),
                         "owner_kind": "openai:user_id" if user.get("id") else None,
                         "owner_identity": str(user["id"]) if user.get("id") else None})
        elif kind == "openai_projects":
            rows.append({**base, "identity_kind": "openai:project_id", "identity": str(record["id"])})
        elif kind == "github_members":
            email = _email(record.get("email"))
            rows.append({**base, "identity_kind": "github:user_login", "identity": str(record["login"]).lower(),
                         "email": email, "name": record.get("name") or record.get("login")})
            rows.append({**base, "identity_kind": "github:user_id", "identity": str(record["id"]), "email": email,
                         "name": record.get("name") or record.get("login")})
        elif kind == "copilot_seats":
            who = record["assignee"]
            rows.append({**base, "identity_kind": "github:user_login", "identity": str(who.get("login", "")).lower(),
                         "email": _email(who.get("email")), "name": who.get("login")})
    frame = pd.DataFrame(rows, columns=DIRECTORY_COLUMNS)
    return frame[frame["identity"].astype(str).str.len() > 0].drop_duplicates(["identity_kind", "identity"],
                                                                              keep="last")
