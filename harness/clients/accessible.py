"""Controls found by accessible name, as a screen reader finds them and as Playwright's
`get_by_label` and `get_by_role` do: the part of the W3C accessible-name computation that HTML
forms use (aria-labelledby, aria-label, <label for>, a wrapping <label>, a button's text or value,
title), on server-rendered HTML. Names match case-insensitively, whitespace collapsed.

A control that is hidden (the `hidden` attribute, `aria-hidden="true"`, an inline `display: none` or
`visibility: hidden`, a <template>, a <dialog> that is not open) is not on the page for a person, nor
for a screen reader; one inside a dialog (<dialog>, role="dialog" or "alertdialog") is another
plugin's overlay, which a person closes to use the page (spec/CONTRACT.md 1.2). Neither is found."""

from __future__ import annotations

import re
from collections.abc import Iterable

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


DIALOG_ROLES = ("dialog", "alertdialog")
_HIDING_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)", re.I)


def _hides(node: Tag) -> bool:
    if node.has_attr("hidden") or str(node.get("aria-hidden") or "").strip().lower() == "true" or node.name == "template":
        return True
    if node.name == "dialog" and not node.has_attr("open"):
        return True
    return bool(_HIDING_STYLE.search(str(node.get("style") or "")))


def _is_dialog(node: Tag) -> bool:
    return node.name == "dialog" or str(node.get("role") or "").strip().lower() in DIALOG_ROLES


def where(element: Tag) -> str:
    """ "" for a control on the page as a person sees it; else "hidden" or "in a dialog" (not found by name)."""
    found = ""
    for node in [element, *element.parents]:
        if not isinstance(node, Tag) or node.name == "[document]":
            continue
        if _hides(node):
            return "hidden"
        if _is_dialog(node):
            found = "in a dialog"
    return found


def _buttons(soup: BeautifulSoup) -> list[Tag]:
    return [t for t in soup.find_all(["button", "input"]) if isinstance(t, Tag) and (t.name == "button" or t.get("type") in BUTTON_INPUTS)]


def _fields(soup: Tag) -> list[Tag]:
    return [t for t in soup.find_all(FIELDS) if isinstance(t, Tag) and t.get("type") not in (*BUTTON_INPUTS, "hidden")]


def _find(soup: BeautifulSoup, candidates: list[Tag], name: str, what: str) -> Tag:
    named = [c for c in candidates if _normal(accessible_name(soup, c)) == _normal(name)]
    found = [c for c in named if not where(c)]
    if not found:
        names = sorted({accessible_name(soup, c) for c in candidates if not where(c)} - {""})
        aside = sorted({f"{accessible_name(soup, c)!r} {where(c)}" for c in candidates if where(c) and accessible_name(soup, c)})
        also = f"; not counted: {', '.join(aside[:8])}" if aside else ""
        raise ControlNotFound(f"the page has no {what} named {name!r} (it has: {', '.join(repr(n) for n in names) or 'none'}{also})")
    return found[0]


def button(soup: BeautifulSoup, name: str) -> Tag:
    return _find(soup, _buttons(soup), name, "button")


def has_button(soup: BeautifulSoup, name: str) -> bool:
    return any(_normal(accessible_name(soup, b)) == _normal(name) and not where(b) for b in _buttons(soup))


def field(soup: BeautifulSoup, name: str, within: Tag | None = None) -> Tag:
    """The field named `name`; within a form first, when one is given (the form of the button pressed)."""
    if within is not None:
        inside = [f for f in _fields(within) if _normal(accessible_name(soup, f)) == _normal(name) and not where(f)]
        if inside:
            return inside[0]
    return _find(soup, _fields(soup), name, "field")


def table(soup: BeautifulSoup, name: str) -> Tag:
    return _find(soup, [t for t in soup.find_all("table") if isinstance(t, Tag)], name, "table")


def form_of(element: Tag) -> Tag:
    form = element.find_parent("form")
    if not isinstance(form, Tag):
        raise ControlNotFound(f"{element.name} {element.get('name') or ''} is not inside a <form>: the harness submits forms as a browser does")
    return form


def submission(form: Tag, pressed: Tag, values: dict[str, str], ticked: Iterable[Tag] = ()) -> list[tuple[str, str]]:
    """What a browser sends when `pressed` submits `form`: every successful control, the pressed
    button's own name and value, and `values` (by field name) in place of what the page holds;
    `ticked` checkboxes and radio buttons (found by accessible name) as a person ticks them."""
    data: list[tuple[str, str]] = []
    ticks = [id(t) for t in ticked]
    for control in form.find_all(FIELDS + ("button",)):
        if not isinstance(control, Tag) or not control.get("name") or control.has_attr("disabled"):
            continue
        name, kind = str(control["name"]), str(control.get("type") or "").lower()
        if control.name == "button" or kind in BUTTON_INPUTS:
            if control is pressed:
                data.append((name, str(control.get("value") or "")))
            continue
        if kind == "radio" and any(id(t) in ticks for t in form.find_all("input", attrs={"type": "radio", "name": name})):
            if id(control) in ticks:
                data.append((name, str(control.get("value") or "on")))
            continue
        if kind in ("checkbox", "radio") and not control.has_attr("checked") and id(control) not in ticks:
            continue
        if control.name == "select":
            chosen = control.find("option", selected=True) or control.find("option")
            data.append((name, str(chosen.get("value", chosen.get_text())) if isinstance(chosen, Tag) else ""))
        elif control.name == "textarea":
            data.append((name, control.get_text()))
        else:
            data.append((name, str(control.get("value") or "")))
    return [(name, values.get(name, value)) for name, value in data]
