"""The triage model: cold start, training, scoring, thresholds, retraining, rollback, feedback, persistence, privacy."""

import pytest
from django.core.management import CommandError, call_command

from bench.triage_corpus import generate
from comments import intake, triage
from comments.models import Comment, ModerationEvent, Status, TriageModel
from tests.conftest import prove_own


def decide(replies, article, moderator, *, ip="203.0.113.7", ua="Mozilla/5.0 TriageTest"):
    """Store `replies` (corpus dicts) as decided by `moderator`: ham approved, spam marked spam."""
    statuses = {"ham": Status.APPROVED, "spam": Status.SPAM, "rejected": Status.REJECTED}
    stored = []
    for reply in replies:
        comment = Comment(
            article=article, name=reply["name"], email=reply["email"], website=reply["website"],
            body=reply["body"], ip_address=ip, user_agent=ua, status=statuses[reply["label"]],
            moderated_by=moderator,
        )
        comment.save()
        stored.append(comment)
    return stored


@pytest.fixture
def corpus():
    return generate(260, spam_share=0.4, seed=7)


@pytest.fixture
def trained(article, moderator, corpus, settings):
    decide(corpus, article, moderator)
    return triage.train(folds=3)


def test_cold_start_trains_nothing_and_says_what_is_missing(article, moderator, corpus):
    decide([r for r in corpus if r["label"] == "ham"][:150] + [r for r in corpus if r["label"] == "spam"][:20],
           article, moderator)
    with pytest.raises(CommandError, match="Still needed: 30 more in all, 0 more approved, 10 more spam"):
        call_command("train_triage")
    assert not TriageModel.objects.exists()
    assert triage.still_needed() == {"total": 30, "approved": 0, "spam": 10}


def test_the_command_prints_what_training_measured(article, moderator, corpus, capsys):
    decide(corpus, article, moderator)
    call_command("train_triage", "--folds", "3")
    out = capsys.readouterr().out
    model = TriageModel.objects.get()
    assert model.is_active and model.decisions == 260
    assert f"Decisions: 260 ({model.metrics['approved']} approved" in out
    for word in ("precision", "recall", "ROC AUC", "Thresholds: spam at", "hold at"):
        assert word in out
    # The generated corpus is easy: a working model separates it almost perfectly.
    assert model.metrics["roc_auc"] > 0.95
    assert model.metrics["ham_marked_spam"] <= triage.MAX_HAM_MARKED_SPAM
    assert 0.5 <= model.spam_at <= 0.999 and model.hold_at <= model.spam_at


def test_a_dry_run_stores_nothing(article, moderator, corpus, capsys):
    decide(corpus, article, moderator)
    call_command("train_triage", "--dry-run", "--folds", "3")
    assert "Dry run" in capsys.readouterr().out and not TriageModel.objects.exists()


def post(client, article, **data):
    payload = {"name": "Jane Reader", "email": "jane@example.com", "website": "", **data}
    return client.post(f"/api/articles/{article.slug}/comments/", payload, format="json")


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def moderator_api(moderator):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(moderator)
    return client


def test_new_replies_get_a_score_and_obvious_spam_is_marked(trained, article, api, moderator_api):
    spam = post(api, article, name="Best Casino Bonus", email="x1@example.net",
                body="Great post! Get 500 free spins at the best online casino, click here https://casino-bonus.xyz/free")
    ham = post(api, article, name="Margaret Evans",
               body="The north pier has needed work since 1987, the council minutes said so.")
    assert spam.status_code == ham.status_code == 201
    assert spam.json()["status"] == "pending"  # a spammer learns nothing
    newest = moderator_api.get("/api/moderation/comments/", {"ordering": "-created_at"}).json()["results"]
    results = {r["id"]: r for r in newest}
    spam_row, ham_row = results[spam.json()["id"]], results[ham.json()["id"]]
    assert spam_row["status"] == "spam" and spam_row["triage_score"] >= trained.spam_at
    [why] = spam_row["triage_reasons"]
    assert why.startswith("spam: triage 0.") and {"casino", "spins", "free", "casino-bonus.xyz", ".xyz link"} & set(
        why.split("(", 1)[1].rstrip(")").split(", ")
    )
    assert ham_row["status"] == "pending" and ham_row["triage_score"] < trained.hold_at
    assert ham_row["triage_reasons"] == []
    stored = Comment.objects.get(pk=spam.json()["id"])
    assert stored.triage_version == trained.pk
    assert ModerationEvent.objects.filter(comment=stored, reason__contains="spam: triage").exists()


def test_without_a_model_replies_are_unscored(article, api, moderator_api):
    reply = post(api, article, body="A first reply.")
    row = moderator_api.get("/api/moderation/comments/").json()["results"][0]
    assert reply.status_code == 201 and row["triage_score"] is None and row["triage_reasons"] == []


def test_a_suspicious_reply_is_held_even_in_trusted_mode(trained, article, api, make_comment, settings):
    article.moderation_mode = article.ModerationMode.TRUSTED
    article.save()
    # An earlier approved reply this client posted: trusted.
    prove_own(api, make_comment(name="Jane Reader", email="jane@example.com"))
    settings.COMMENTS_TRIAGE_SPAM_AT = 1.0  # pinned: never spam
    settings.COMMENTS_TRIAGE_HOLD_AT = 0.0  # pinned: hold whatever the score
    held = post(api, article, body="Another reply on the harbour wall.")
    assert held.json()["status"] == "pending"
    assert "held: triage" in Comment.objects.get(pk=held.json()["id"]).reasons
    settings.COMMENTS_TRIAGE_HOLD_AT = 1.0
    trusted = post(api, article, body="And a third reply on the harbour wall.")
    assert trusted.json()["status"] == "approved"  # the model never refuses, and never stops trust either


def test_imports_are_not_scored(trained, article):
    from comments.moderation import Submission

    comment = Comment(article=article, name="Old Reader", email="old@example.org",
                      body="Free spins at the casino https://casino-bonus.xyz")
    intake.submit(Submission(comment, triage=False))
    assert comment.triage_score is None and comment.status == Status.PENDING


def test_the_queue_can_be_ordered_by_score(trained, article, api, moderator_api):
    for body in ("Harbour wall news, thanks.", "Free spins casino bonus https://casino-bonus.xyz",
                 "Buy cheap viagra https://pills.top"):
        post(api, article, body=body, email=f"{len(body)}@example.org")
    ordered = moderator_api.get(
        "/api/moderation/comments/", {"ordering": "-triage_score", "status": "pending"}
    ).json()["results"]
    scores = [r["triage_score"] for r in ordered]
    assert scores[:3] == sorted(scores[:3], reverse=True) and None not in scores[:3]
    assert moderator_api.get("/api/moderation/comments/", {"ordering": "email"}).status_code == 400


def test_decisions_enqueue_retraining_through_the_task_queue(
    trained, article, moderator_api, make_comment, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.COMMENTS_TRIAGE_RETRAIN_EVERY = 5
    from django_tasks import default_task_backend

    pending = [make_comment(status=Status.PENDING) for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        for reply in pending[:4]:
            moderator_api.post(f"/api/moderation/comments/{reply.pk}/approve/")
    def retraining():
        return [r for r in default_task_backend.results if r.task.func is triage.retrain.func]

    assert retraining() == []
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        moderator_api.post(f"/api/moderation/comments/{pending[4].pk}/approve/")
    assert enqueued and retraining()  # enqueued once the decision committed
    [result] = retraining()
    assert result.task.func is triage.retrain.func and result.args == ["decisions"]
    assert triage.retrain.call(*result.args) is not None  # the worker's run: a new version
    assert triage.retrain.call(*result.args) is None  # run twice: nothing due, nothing done
    assert TriageModel.objects.active().get().pk > trained.pk


def test_with_the_immediate_backend_retraining_happens_at_once(
    trained, article, moderator_api, make_comment, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_TRIAGE_RETRAIN_EVERY = 2
    with django_capture_on_commit_callbacks(execute=True):
        for reply in [make_comment(status=Status.PENDING) for _ in range(2)]:
            moderator_api.post(f"/api/moderation/comments/{reply.pk}/spam/")
    newest = TriageModel.objects.active().get()
    assert newest.pk > trained.pk and newest.trigger == "decisions" and newest.decisions == trained.decisions + 2


def test_nightly_enqueues_a_retraining(trained, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert triage.nightly().args == ["nightly"]


def test_a_moderator_overturning_the_model_is_recorded_and_weighed(trained, article, api, moderator_api):
    spam = post(api, article, name="Best Casino Bonus", email="x2@example.net",
                body="Great post! Get 500 free spins at the best online casino https://casino-bonus.xyz/free")
    moderator_api.post(f"/api/moderation/comments/{spam.json()['id']}/approve/")
    event = ModerationEvent.objects.filter(comment_id=spam.json()["id"], actor__isnull=False).get()
    assert "overturns triage" in event.reason and "model said spam" in event.reason
    ham = post(api, article, name="Tom Hughes", body="The slipway was badly damaged on Friday night.")
    moderator_api.post(f"/api/moderation/comments/{ham.json()['id']}/spam/")
    assert "model let it through" in ModerationEvent.objects.get(comment_id=ham.json()["id"], actor__isnull=False).reason
    assert triage.overturn_counts()["overturned"] == 2
    retrained = triage.train(folds=3)
    assert retrained.metrics["overturned"] == 2


def test_agreeing_with_the_model_is_no_overturn(trained, article, api, moderator_api):
    spam = post(api, article, name="Best Casino Bonus", email="x3@example.net",
                body="Get 500 free spins at the best online casino https://casino-bonus.xyz/free")
    ham = post(api, article, name="Tom Hughes", body="The slipway was badly damaged on Friday night.")
    moderator_api.post(f"/api/moderation/comments/{ham.json()['id']}/approve/")
    moderator_api.post(f"/api/moderation/comments/{spam.json()['id']}/reject/")
    assert triage.overturn_counts()["overturned"] == 0


def test_a_tampered_model_is_refused_and_posting_goes_on(trained, article, api, caplog):
    data = bytearray(trained.data)
    data[len(data) // 2] ^= 0xFF
    TriageModel.objects.filter(pk=trained.pk).update(data=bytes(data))
    with pytest.raises(triage.TamperedModel):
        triage.Scorer(TriageModel.objects.get(pk=trained.pk))
    assert triage.active_scorer() is None
    reply = post(api, article, body="Still posting while the model is refused.")
    assert reply.status_code == 201 and Comment.objects.get(pk=reply.json()["id"]).triage_score is None
    assert "refused" in caplog.text


def test_a_model_with_an_unsafe_type_is_refused_even_with_a_valid_checksum(trained):
    import skops.io as sio

    data = sio.dumps({"features": triage.FEATURES_VERSION, "evil": Exploit()})
    TriageModel.objects.filter(pk=trained.pk).update(data=data, checksum=triage.checksum(data))
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        triage.Scorer(TriageModel.objects.get(pk=trained.pk))


class Exploit:
    def __reduce__(self):
        return (print, ("pwned",))


def test_rollback_needs_the_permission(trained, client, make_user, moderator):
    second = triage.train(folds=3)
    url = f"/admin/comments/triagemodel/{second.pk}/rollback/"
    client.force_login(moderator)
    assert client.post(url).status_code == 403
    assert TriageModel.objects.active().get() == second
    client.force_login(make_user("comments.moderate_comment", "comments.rollback_triagemodel"))
    assert client.post(url).status_code == 302
    assert TriageModel.objects.active().get() == trained


def test_the_model_holds_no_email_ip_or_user_agent(article, moderator, corpus, client):
    for i, reply in enumerate(corpus):
        reply["body"] += f" Write to me at leak{i}@mail.example or see 198.51.100.{i % 250}"
    stored = decide(corpus, article, moderator, ip="192.0.2.55", ua="SecretAgent/9.9 (Leaky)")
    model = triage.train(folds=3)
    blob = bytes(model.data) + str(model.metrics).encode()
    for secret in ["192.0.2.55", "SecretAgent", "Leaky", "@example", "@mail.example", "leak1", "198.51.100",
                   stored[0].email_digest, stored[0].email.split("@")[0]]:
        assert secret.encode() not in blob, secret
    superuser = type(moderator).objects.create_superuser("root", password="x-long-password")
    client.force_login(superuser)
    page = client.get(f"/admin/comments/triagemodel/{model.pk}/change/").content.decode()
    assert "<svg" in page and "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    for secret in ["192.0.2.55", "SecretAgent", "@example", "@mail.example", stored[0].email_digest]:
        assert secret not in page


def test_an_erased_commenters_replies_are_not_learnt_from(trained, article, moderator):
    from comments import personal_data

    reply = Comment.objects.filter(status=Status.SPAM).first()
    assert triage.learnable().filter(pk=reply.pk).exists()
    personal_data.erase(reply.email_digest, anonymise=True)
    assert not triage.learnable().filter(pk=reply.pk).exists()


def test_the_admin_says_how_many_decisions_are_still_needed(client, moderator, make_comment):
    for _ in range(3):
        make_comment(status=Status.SPAM, moderated_by=moderator)
    client.force_login(moderator)
    page = client.get("/admin/comments/triagemodel/").content.decode()
    assert "Cold start" in page and "Still needed: 197 more decisions" in page and "27 spam" in page


def test_the_model_page_shows_metrics_chart_table_and_words(trained, client, moderator):
    client.force_login(moderator)
    listing = client.get("/admin/comments/triagemodel/")
    assert listing.status_code == 200 and "triage model v" in listing.content.decode()
    page = client.get(f"/admin/comments/triagemodel/{trained.pk}/change/").content.decode()
    assert "<polyline points=" in page and "Confusion table" in page and "towards spam" in page
    assert str(trained.metrics["top_spam"][0][0]) in page.replace("&quot;", '"') or "&" in page
    assert "Roll back" not in page  # neither a previous version nor the permission


def test_bulk_mark_spam_above_a_score_with_a_preview_count(trained, article, api, client, moderator):
    for i, body in enumerate(["Free spins casino bonus https://casino-bonus.xyz",
                              "Buy cheap viagra pills https://pills.top/viagra", "The harbour wall, again."]):
        post(api, article, body=body, email=f"bulk{i}@example.org", name="Reader")
    Comment.objects.filter(triage_score__isnull=False).update(status=Status.PENDING)  # as if held
    above = Comment.objects.filter(triage_score__gte=0.6).count()
    assert above >= 2
    client.force_login(moderator)
    preview = client.get("/admin/comments/triagemodel/mark-spam/", {"score": "0.6", "hours": "1"})
    assert f"{above} pending replies would be marked as spam" in preview.content.decode()
    assert Comment.objects.filter(status=Status.SPAM, triage_score__isnull=False).count() == 0
    done = client.post("/admin/comments/triagemodel/mark-spam/", {"score": "0.6", "hours": "1", "confirm": "1"})
    assert done.status_code == 302
    assert Comment.objects.filter(status=Status.SPAM, triage_score__isnull=False).count() == above
    assert client.get("/admin/comments/triagemodel/mark-spam/", {"score": "7"}).status_code == 200  # form error


def test_the_queue_in_the_admin_orders_by_score(trained, article, api, client, moderator):
    post(api, article, body="The harbour wall, again.", email="a@example.org")
    client.force_login(moderator)
    page = client.get("/admin/comments/moderationqueue/", {"o": "-10"})
    assert page.status_code == 200 and "triage" in page.content.decode()


def test_the_fast_scoring_path_gives_the_classifiers_own_probability(trained, corpus):
    scorer = triage.active_scorer()
    import skops.io as sio
    from sklearn.feature_extraction.text import HashingVectorizer

    for token in ["casino", "free spins", "ünïcode", "d:bit.ly", *map(str, range(300))]:
        column = HashingVectorizer(n_features=2**18, alternate_sign=False, analyzer=lambda t: [t]).transform([token])
        assert column.indices.tolist() == [triage._index(token, 2**18)]

    parts = sio.loads(bytes(trained.data))
    replies = [triage.Reply(r["name"], r["website"], r["body"], False, {"spam": 2}) for r in corpus[:40]]
    expected = parts["classifier"].predict_proba(triage._matrix(parts, replies))[:, 1]
    assert [round(scorer.score(r), 9) for r in replies] == [round(float(p), 9) for p in expected]


def test_the_outside_checks_flow_through_the_api(article, api, moderator_api, settings, capsys,
                                                 django_capture_on_commit_callbacks):
    """Post replies, decide them through the moderation API, train, post again, read status and score."""
    settings.COMMENTS_THROTTLE_ENABLED = False
    ids = {}
    for reply in generate(240, spam_share=0.4, seed=21):
        response = post(api, article, **{k: reply[k] for k in ("name", "email", "website", "body")})
        assert response.status_code == 201, response.content
        ids[response.json()["id"]] = reply["label"]
    with django_capture_on_commit_callbacks(execute=True):  # retraining may run as decisions come
        for pk, label in ids.items():
            verb = {"ham": "approve", "spam": "spam"}[label]
            assert moderator_api.post(f"/api/moderation/comments/{pk}/{verb}/").status_code == 200
    call_command("train_triage")
    assert "ROC AUC" in capsys.readouterr().out
    spam = post(api, article, name="Cheap SEO Services", email="seo@example.net",
                body="Nice article. We provide cheap SEO services and backlinks, contact us https://seo-rank.top/")
    ham = post(api, article, name="Priya Shah", email="priya@example.org",
               body="I remember when the quay flooded in 1978, the council took years to fix it.")
    rows = moderator_api.get("/api/moderation/comments/", {"ordering": "-created_at"}).json()["results"]
    by_id = {row["id"]: row for row in rows}
    assert by_id[spam.json()["id"]]["status"] == "spam" and by_id[spam.json()["id"]]["triage_score"] > 0.9
    assert by_id[ham.json()["id"]]["status"] == "pending" and by_id[ham.json()["id"]]["triage_score"] < 0.1


def test_thresholds_let_at_most_the_allowed_share_of_approved_replies_through():
    ham = [i / 1000 for i in range(1000)]  # 0.000 … 0.999
    spam_at = triage._threshold(ham, 0.01, 0.5)
    assert sum(score >= spam_at for score in ham) == 10 and spam_at == 0.9891
    assert triage._threshold([0.1, 0.2], 0.01, 0.5) == 0.5  # never below the floor
    assert triage._threshold([0.99995] * 10, 0.01, 0.5) == 0.999  # nor above 0.999
