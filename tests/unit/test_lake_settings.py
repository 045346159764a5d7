"""A lake's settings read from the environment: the S3 secret for an ``s3://`` data path."""

from __future__ import annotations

from store.lake import describe, s3_settings


def test_an_s3_compatible_endpoint_is_addressed_by_path_with_tls_as_its_scheme_says():
    plain = s3_settings({"AWS_ENDPOINT_URL": "http://minio.lan:9000/", "AWS_ACCESS_KEY_ID": "k",
                         "AWS_SECRET_ACCESS_KEY": "s"})
    assert plain == {"KEY_ID": "k", "SECRET": "s", "REGION": "us-east-1",
                     "ENDPOINT": "minio.lan:9000", "URL_STYLE": "path", "USE_SSL": "false"}
    tls = s3_settings({"AWS_ENDPOINT_URL_S3": "https://s3.fr-par.example.com",
                       "AWS_ENDPOINT_URL": "http://ignored:1", "AWS_DEFAULT_REGION": "fr-par"})
    assert tls["ENDPOINT"] == "s3.fr-par.example.com" and tls["USE_SSL"] == "true"
    assert tls["REGION"] == "fr-par"


def test_amazon_s3_itself_needs_no_endpoint_and_a_session_token_is_passed_on():
    settings = s3_settings({"AWS_REGION": "eu-west-3", "AWS_SESSION_TOKEN": "t",
                            "AWS_DEFAULT_REGION": "us-west-2"})
    assert settings == {"SESSION_TOKEN": "t", "REGION": "eu-west-3"}


def test_a_password_in_a_lake_target_is_masked():
    assert describe("ducklake:postgres:dbname=v password='a b' host=h") == (
        "ducklake:postgres:dbname=v password=*** host=h")


def test_a_postgresql_url_keeps_its_slashes_and_hides_its_password():
    from pathlib import Path

    from config import local_twin, store_target
    from store.lake import target_text

    url = "ducklake:postgres:postgresql://veille:s3cret@db.lan:5432/acme"
    assert store_target(url) == url
    assert target_text(Path(url)) == url  # a Path folds "//"; the lake puts it back
    assert describe(url) == "ducklake:postgres:postgresql://veille:***@db.lan:5432/acme"
    # Files kept beside a lake are named after a digest: no conninfo, no password in a name.
    twin = local_twin(url)
    assert twin == local_twin(Path(url)) and "s3cret" not in str(twin)
    assert twin.parent.name == "data" and twin.name.startswith("lake-")
    assert local_twin("data/veille.duckdb") == Path("data/veille.duckdb")
