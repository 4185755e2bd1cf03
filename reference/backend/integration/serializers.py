import re

from rest_framework import serializers

SLUG = r"^[a-z0-9_-]{1,20}$"
TAXONOMY_NAME = r"^[^\x00]{1,32}$"  # any name register_taxonomy() takes (STORE-4): pa_Color, pa_größe


class ConnectRequest(serializers.Serializer):
    site_url = serializers.URLField(max_length=2048, required=False)
    wp_version = serializers.CharField(max_length=64, required=False)
    plugin_version = serializers.CharField(max_length=64, required=False)


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


class ContentItem(serializers.Serializer):
    external_id = serializers.IntegerField(min_value=1)
    post_type = serializers.RegexField(SLUG)
    title = serializers.CharField(max_length=10000, allow_blank=True)
    status = serializers.CharField(max_length=20)
    url = serializers.URLField(max_length=2048, required=False, allow_blank=True)
    modified_gmt = serializers.DateTimeField(required=False, allow_null=True)
    terms = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=200), max_length=1000),
        required=False,
    )

    def validate_terms(self, terms):
        bad = [t for t in terms if not re.fullmatch(TAXONOMY_NAME, t)]
        if bad:
            raise serializers.ValidationError(f"not taxonomy names: {bad[:5]}")
        return terms


class DeletedItem(serializers.Serializer):
    external_id = serializers.IntegerField(min_value=1)


class Walk(serializers.Serializer):
    """CONTENT-7: this batch belongs to a walk over every post of the site."""

    id = serializers.RegexField(r"^[A-Za-z0-9_-]{1,64}$", help_text="The walk's own id, the same in each of its batches.")
    batch = serializers.IntegerField(min_value=0, max_value=2**31 - 1, help_text="This batch's number in the walk: 0, 1, 2, ... in the order sent.")
    last = serializers.BooleanField(default=False, help_text="The walk is over: every item no batch named since the walk's first batch is gone from the site.")


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
