"""Text shown exactly (UI-2): escaped as HTML, and the control characters an HTML parser would
change (a carriage return becomes a line feed) written as character references, which it keeps."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@register.filter
def exact(value: object) -> SafeString:
    return mark_safe(CONTROLS.sub(lambda m: f"&#{ord(m.group())};", escape(str(value))))  # noqa: S308 (escaped first)
