import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .formats import is_iri

SLUG = r"^[a-z0-9_-]{1,20}$"
TAXONOMY_NAME = r"^[^\x00]{1,32}$"  # any name register_taxonomy() takes (STORE-4): pa_Color, pa_größe


def _iri(value):
    if not is_iri(value):
        raise serializers.ValidationError("Not an IRI (RFC 3987): a scheme, then no blank, every % followed by two hex digits.")


IRI_SCHEMA = {"type": "string", "format": "iri", "maxLength": 2048}


@extend_schema_field(IRI_SCHEMA)
class IriField(serializers.CharField):
    """An address as WordPress gives it (PROTOCOL.md 4): an IRI, so https://bücher.example/é too, taken as sent."""

    def __init__(self, **kwargs):
        super().__init__(max_length=2048, trim_whitespace=False, **kwargs)
        self.validators.append(_iri)


@extend_schema_field({"oneOf": [IRI_SCHEMA, {"type": "string", "maxLength": 0}]})
class IriOrBlankField(IriField):
    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)


class _JsonTyped:
    """A request field that takes only the JSON type the schema states: DRF's own would take "5" or 5.0
    for 5, 0 or "yes" for false and 5 for "5", and a body the schema refuses must be refused (ERR-4)."""

    json_type = "string"

    def to_internal_value(self, data):
        fits = {"integer": isinstance(data, int) and not isinstance(data, bool), "boolean": isinstance(data, bool), "string": isinstance(data, str)}
        if not fits[self.json_type]:
            raise serializers.ValidationError(f"Not a JSON {self.json_type}.")
        return super().to_internal_value(data)


class Integer(_JsonTyped, serializers.IntegerField):
    json_type = "integer"


class Boolean(_JsonTyped, serializers.BooleanField):
    json_type = "boolean"


class Char(_JsonTyped, serializers.CharField):
    pass


class Regex(_JsonTyped, serializers.RegexField):
    pass


class ConnectRequest(serializers.Serializer):
    site_url = IriField(required=False)
    wp_version = Char(max_length=64, required=False)
    plugin_version = Char(max_length=64, required=False)


class ConnectResponse(serializers.Serializer):
    integration_id = serializers.IntegerField()
    site_id = serializers.IntegerField()
    site_name = serializers.CharField()
    status = serializers.CharField()
    schema_versions = serializers.ListField(
        child=serializers.IntegerField(), help_text="The structure schema versions this backend accepts; send the newest you also speak (ERR-6)."
    )


class TestConnectionResponse(serializers.Serializer):
    ok = serializers.BooleanField()
    integration_id = serializers.IntegerField()
    site_id = serializers.IntegerField()
    status = serializers.CharField()


class UpdateStructureResponse(serializers.Serializer):
    success = serializers.BooleanField()
    last_structure_fetch = serializers.DateTimeField()
    post_types = serializers.IntegerField(help_text="How many post types were stored.")
    taxonomies = serializers.IntegerField(help_text="How many taxonomies were stored.")


# A WordPress post ID, as PostgreSQL's bigint holds it: a larger one is refused (400), never a 500 (PROTOCOL.md 5).
EXTERNAL_ID = {"min_value": 1, "max_value": 2**63 - 1}


class ContentItem(serializers.Serializer):
    external_id = Integer(**EXTERNAL_ID)
    post_type = Regex(SLUG)
    title = Char(max_length=10000, allow_blank=True)
    status = Char(min_length=1, max_length=20)  # a post status is never blank: the schema says so (minLength)
    url = IriOrBlankField(required=False)
    modified_gmt = serializers.DateTimeField(required=False, allow_null=True)
    terms = serializers.DictField(
        child=serializers.ListField(child=Char(max_length=200), max_length=1000),
        required=False,
    )

    def validate_terms(self, terms):
        bad = [t for t in terms if not re.fullmatch(TAXONOMY_NAME, t)]
        if bad:
            raise serializers.ValidationError(f"not taxonomy names: {bad[:5]}")
        return terms


class DeletedItem(serializers.Serializer):
    external_id = Integer(**EXTERNAL_ID)


class Walk(serializers.Serializer):
    """CONTENT-7: this batch belongs to a walk over every post of the site."""

    id = Regex(r"^[A-Za-z0-9_-]{1,64}$", help_text="The walk's own id, the same in each of its batches.")
    batch = Integer(min_value=0, max_value=2**31 - 1, help_text="This batch's number in the walk: 0, 1, 2, ... in the order sent.")
    last = Boolean(default=False, help_text="The walk is over: every item no batch named since the walk's first batch is gone from the site.")


class SyncContentRequest(serializers.Serializer):
    items = ContentItem(many=True, required=False, max_length=500)
    deleted = DeletedItem(many=True, required=False, max_length=500)
    walk = Walk(required=False)


class SyncContentResponse(serializers.Serializer):
    upserted = serializers.IntegerField()
    deleted = serializers.IntegerField()


class ContentTypeEntry(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    hierarchical = serializers.BooleanField()
    public = serializers.BooleanField()
    synced_count = serializers.IntegerField()


class TaxonomyEntry(ContentTypeEntry):
    object_types = serializers.ListField(child=serializers.CharField())


class ContentTypesResponse(serializers.Serializer):
    integration_id = serializers.IntegerField()
    site_id = serializers.IntegerField()
    status = serializers.CharField()
    is_active = serializers.BooleanField()
    last_structure_fetch = serializers.DateTimeField(allow_null=True)
    generated_at = serializers.CharField(allow_null=True)
    site_url = serializers.CharField(allow_null=True)
    wp_version = serializers.CharField(allow_null=True)
    plugin_version = serializers.CharField(allow_null=True)
    post_types = serializers.DictField(child=ContentTypeEntry())
    taxonomies = serializers.DictField(child=TaxonomyEntry())


class ErrorDetail(serializers.Serializer):
    path = serializers.CharField()
    message = serializers.CharField()


class ErrorBody(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = ErrorDetail(many=True)


class ErrorResponse(serializers.Serializer):
    error = ErrorBody()
