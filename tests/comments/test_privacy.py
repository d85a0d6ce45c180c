import hashlib

from comments import privacy


def test_mask_email():
    assert privacy.mask_email("jane@example.com") == "j•••@e•••.com"
    assert privacy.mask_email("j.doe@mail.example.co.uk") == "j•••@m•••.uk"
    assert privacy.mask_email("not-an-address") == "•••"


def test_digest_is_normalised_and_keyed(settings):
    digest = privacy.email_digest(" Jane@Example.COM ")
    assert digest == privacy.email_digest("jane@example.com")
    assert digest != hashlib.sha256(b"jane@example.com").hexdigest()
    assert digest != hashlib.md5(b"jane@example.com").hexdigest()
    settings.COMMENTS_EMAIL_DIGEST_KEY = "another key"
    assert privacy.email_digest("jane@example.com") != digest


def test_commenter_id_is_opaque_and_stable():
    digest = privacy.email_digest("jane@example.com")
    assert privacy.commenter_id(digest) == privacy.commenter_id(digest)
    assert privacy.commenter_id(digest) not in digest
    assert len(privacy.commenter_id(digest)) == 16
