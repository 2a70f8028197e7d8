"""The one navigation bar of each panel: pages add themselves, the layout shows the ones a person may open."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request, url_for

from webui.ui.auth import Principal


@dataclass(frozen=True)
class NavItem:
    """A link in the navigation bar; ``label`` is a lazy_gettext string, ``permission`` hides it from others."""

    endpoint: str
    label: object
    permission: str | None = None
    order: int = 50
    exact: bool = False  # the start page is current only at its own address, not for every page below it


@dataclass
class Nav:
    """The links of one panel, in ``order``."""

    items: list[NavItem] = field(default_factory=list)

    def add(
        self, endpoint: str, label: object, *, permission: str | None = None, order: int = 50, exact: bool = False
    ) -> None:
        """Add a link (call once, at import time of the page's module); lower ``order`` comes first."""
        if all(item.endpoint != endpoint for item in self.items):
            self.items.append(NavItem(endpoint, label, permission, order, exact))
            self.items.sort(key=lambda item: item.order)

    def visible(self, principal: Principal | None) -> list[dict[str, object]]:
        """Return the links ``principal`` may follow, each with its href and whether it is the current page."""
        if principal is None:
            return []
        items = [item for item in self.items if item.permission is None or principal.can(item.permission)]
        links = [{"href": url_for(item.endpoint), "label": item.label, "endpoint": item.endpoint} for item in items]
        current = _current(
            request.path, [(str(link["href"]), item.exact) for link, item in zip(links, items, strict=True)]
        )
        for link in links:
            link["active"] = link["href"] == current
        return links


def _current(path: str, hrefs: list[tuple[str, bool]]) -> str | None:
    # The longest link that is a prefix of the path is the current section (/panel/leads/l_1 → Leads).
    matches = [href for href, exact in hrefs if path == href or (not exact and path.startswith(href.rstrip("/") + "/"))]
    return max(matches, key=len) if matches else None
