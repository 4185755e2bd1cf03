"""Controls found by accessible name, as a screen reader finds them and as Playwright's
`get_by_label` and `get_by_role` do: the part of the W3C accessible-name computation that HTML
forms use (aria-labelledby, aria-label, <label for>, a wrapping <label>, a button's text or value,
title), on server-rendered HTML. Names match case-insensitively, whitespace collapsed."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

FIELDS = ("input", "textarea", "select")
BUTTON_INPUTS = ("submit", "button", "image", "reset")


class ControlNotFound(AssertionError):
    """The page has no control of that name; the message lists the names it has."""


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _text(node: Tag) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def accessible_name(soup: BeautifulSoup, element: Tag) -> str:
    labelledby = str(element.get("aria-labelledby") or "").split()
    if labelledby:
        parts = [soup.find(id=ref) for ref in labelledby]
        return " ".join(_text(p) for p in parts if isinstance(p, Tag))
    if element.get("aria-label"):
        return str(element["aria-label"]).strip()
    if element.name in FIELDS and element.get("type") not in BUTTON_INPUTS:
        if element.get("id"):
            label = soup.find("label", attrs={"for": element["id"]})
            if isinstance(label, Tag):
                return _text(label)
        wrapping = element.find_parent("label")
        if isinstance(wrapping, Tag):
            return _text(wrapping)
    if element.name == "button":
        return _text(element)
    if element.name == "input" and element.get("type") in BUTTON_INPUTS:
        return str(element.get("value") or "").strip()
    if element.name == "table":
        caption = element.find("caption")
        if isinstance(caption, Tag):
            return _text(caption)
    return str(element.get("title") or "").strip()


def _buttons(soup: BeautifulSoup) -> list[Tag]:
    return [t for t in soup.find_all(["button", "input"]) if isinstance(t, Tag) and (t.name == "button" or t.get("type") in BUTTON_INPUTS)]


def _fields(soup: BeautifulSoup) -> list[Tag]:
    return [t for t in soup.find_all(FIELDS) if isinstance(t, Tag) and t.get("type") not in (*BUTTON_INPUTS, "hidden")]


def _find(soup: BeautifulSoup, candidates: list[Tag], name: str, what: str) -> Tag:
    found = [c for c in candidates if _normal(accessible_name(soup, c)) == _normal(name)]
    if not found:
        names = sorted({accessible_name(soup, c) for c in candidates} - {""})
        raise ControlNotFound(f"the page has no {what} named {name!r} (it has: {', '.join(repr(n) for n in names) or 'none'})")
    return found[0]


def button(soup: BeautifulSoup, name: str) -> Tag:
    return _find(soup, _buttons(soup), name, "button")


def has_button(soup: BeautifulSoup, name: str) -> bool:
    return any(_normal(accessible_name(soup, b)) == _normal(name) for b in _buttons(soup))


def field(soup: BeautifulSoup, name: str) -> Tag:
    return _find(soup, _fields(soup), name, "field")


def table(soup: BeautifulSoup, name: str) -> Tag:
    return _find(soup, [t for t in soup.find_all("table") if isinstance(t, Tag)], name, "table")


def form_of(element: Tag) -> Tag:
    form = element.find_parent("form")
    if not isinstance(form, Tag):
        raise ControlNotFound(f"{element.name} {element.get('name') or ''} is not inside a <form>: the harness submits forms as a browser does")
    return form


def submission(form: Tag, pressed: Tag, values: dict[str, str]) -> list[tuple[str, str]]:
    """What a browser sends when `pressed` submits `form`: every successful control, the pressed
    button's own name and value, and `values` (by field name) in place of what the page holds."""
    data: list[tuple[str, str]] = []
    for control in form.find_all(FIELDS + ("button",)):
        if not isinstance(control, Tag) or not control.get("name") or control.has_attr("disabled"):
            continue
        name, kind = str(control["name"]), str(control.get("type") or "").lower()
        if control.name == "button" or kind in BUTTON_INPUTS:
            if control is pressed:
                data.append((name, str(control.get("value") or "")))
            continue
        if kind in ("checkbox", "radio") and not control.has_attr("checked"):
            continue
        if control.name == "select":
            chosen = control.find("option", selected=True) or control.find("option")
            data.append((name, str(chosen.get("value", chosen.get_text())) if isinstance(chosen, Tag) else ""))
        elif control.name == "textarea":
            data.append((name, control.get_text()))
        else:
            data.append((name, str(control.get("value") or "")))
    return [(name, values.get(name, value)) for name, value in data]
