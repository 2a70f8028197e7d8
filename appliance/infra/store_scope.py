"""The store the current request or task works for: what PostgreSQL's row-level security holds it to.

Every query already filters by ``tenant_id`` in code. Row-level security (migration 0014r,
docs/security.md) is the second wall: once a request or task has said which store it works for,
each of its transactions on PostgreSQL starts with ``set_config('ebanista.tenant_id', <store>, true)``
(appliance.infra.db.row_security), and the policies let it see and change that store's rows only,
even through a query that forgot the filter.

The store is said once, where the caller is known: a staff or visitor token (appliance.web.api.auth),
a widget key (the widget session), a panel page that needs a store (webui.ui.auth), a task that
carries a ``tenant_id`` (appliance.infra.queue). Nothing that spans stores says one: the operator's
pages and API, the scheduler, sign-in, webhooks from Meta and Stripe before they know the store,
migrations, the command line. With no store said, the policies admit every row, as before.

A context variable, not ``flask.g``: the database hook needs no Flask, and a task run in a thread
of its own starts with none. Within a request it is taken back when the app context ends
(``forget_store``, installed by appliance.infra.runtime), so a thread that serves the next request,
or the test that called the test client, never inherits it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from flask import g, has_app_context

_STORE: ContextVar[str | None] = ContextVar("ebanista_store", default=None)
# Where a request keeps the token that restores the store it started with.
_G_KEY = "_ebanista_store_token"


def current_store() -> str | None:
    """Return the id of the store this request or task works for, or None (every store)."""
    return _STORE.get()


def work_for_store(tenant_id: str) -> None:
    """Say that the rest of this request (app context) works for ``tenant_id`` only.

    Its next transactions see and change that store's rows only (on PostgreSQL). Called where the
    caller's store is known; a request that spans stores never calls it.
    """
    token = _STORE.set(tenant_id)
    if has_app_context() and _G_KEY not in g:
        setattr(g, _G_KEY, token)


def forget_store(_exc: BaseException | None = None) -> None:
    """Restore the store the app context started with (a teardown hook)."""
    token: Token[str | None] | None = g.pop(_G_KEY, None)
    if token is None:
        return
    try:
        _STORE.reset(token)
    except ValueError:
        # Torn down from another context than the one that set it: at least forget it here.
        _STORE.set(None)


@contextmanager
def store_scope(tenant_id: str | None) -> Iterator[None]:
    """Work for ``tenant_id`` (None: for every store) inside the block, then restore what was."""
    token = _STORE.set(tenant_id)
    try:
        yield
    finally:
        _STORE.reset(token)
