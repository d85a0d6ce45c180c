from .conf import comment_settings

"""Triage: a spam model learnt from this site's own moderators, run on the server.

Moderators' decisions are the labels: a reply a person approved is ham, one a
person marked spam is spam. Rejected replies are left out: rejection is for
real readers who broke the house rules (abuse, off-topic, legal risk), which a
spam model must not learn to call spam, nor learn to call fine (README
"Triage" has the measurement). A reply whose author asked to be erased is left
out too.

Features (never the email address, the IP address or the user agent):

* the body as hashed word 1–2-grams and character 3–5-grams, with links,
  email addresses and IP addresses typed into it replaced by placeholders;
* "meta" tokens, also hashed: each link's domain and top-level domain, the
  number of links, the website's domain, the words of the name, the length,
  markup, capitals and digits, whether it answers another reply, and the
  commenter's earlier replies by status (grouped by the keyed email digest,
  which itself never enters the model).

A logistic regression on them gives the probability of spam. Training
cross-validates it to measure precision, recall and ROC AUC and to choose the
thresholds: ``spam_at`` so that at most 1 % of approved replies would have
been marked spam, ``hold_at`` so that at most 5 % would have been held
(``COMMENTS_TRIAGE_SPAM_AT`` / ``_HOLD_AT`` pin them). Each version is stored
in the database with skops (no pickle) and a keyed checksum; scoring loads the
active version once per process and version.

The rule ``moderation.triage_rule`` asks ``assess`` to score each new reply from the
form and the API, stores the score and the version on it, and marks spam or
holds; it never refuses and never approves. A moderator's decision against
the model is recorded as an overturn (see ``overturn_note``), weighs
``OVERTURN_WEIGHT`` times in the next training, and is counted in the admin.
"""

import hashlib
import hmac
import logging
import math
import re
import time
import zipfile
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from . import events
from .models import Comment, ModerationEvent, Status
from .reasons import TRIAGE, Rule
from .triage_model import TriageModel

log = logging.getLogger(__name__)

FEATURES_VERSION = 1
MIN_PER_CLASS = 30
OVERTURN_WEIGHT = 3.0
KEEP_VERSIONS = 10
MAX_HAM_MARKED_SPAM = 0.01
MAX_HAM_HELD = 0.05
TABLE_THRESHOLDS = [0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99]
OVERTURN = "overturns triage"  # in a moderator's event reason
# personal_data.erase() writes events whose reason says this; those replies are not learnt from.
ERASED = "at its author's request"

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b", re.IGNORECASE)
_TAG = re.compile(r"<\s*(/?)\s*([a-z0-9]*)[^>]*>", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def min_decisions():
    return comment_settings.TRIAGE_MIN_DECISIONS


def retrain_every():
    return comment_settings.TRIAGE_RETRAIN_EVERY


# --- Features ------------------------------------------------------------------------------


def _scrub(text):
    """Text without email or IP addresses, so none can reach the model or its top words."""
    return _IP.sub(" ipaddr ", _EMAIL.sub(" emailaddr ", text))


def _host(url):
    url = url if "://" in url else "http://" + url
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""
    host = host.removeprefix("www.")
    return "ip" if _IP.fullmatch(host) or host.startswith("[") else host


def _bucket(n):
    return str(n) if n < 3 else "3" if n < 6 else "6" if n < 11 else "11"


def _ratio(part, whole):
    return str(min(5, int(10 * part / whole))) if whole else "0"


@dataclass
class Reply:
    """What the model sees of one reply (built from an unsaved Comment or from stored values)."""

    name: str
    website: str
    body: str
    is_answer: bool
    history: dict  # {status: count} of the commenter's earlier replies

    def text(self):
        body = _TAG.sub(" ", _URL.sub(" urltoken ", self.body))
        return _scrub(body).lower()[:3000]

    def meta(self):
        tokens = []
        domains = [_host(u) for u in _URL.findall(self.body)]
        for domain in filter(None, domains):
            tokens += [f"d:{domain}", f"tld:{domain.rsplit('.', 1)[-1]}"]
        tokens.append(f"links:{_bucket(len(domains))}")
        site = _host(self.website) if self.website else ""
        tokens += [f"w:{site}", f"wtld:{site.rsplit('.', 1)[-1]}"] if site else ["w:none"]
        name = _scrub(self.name).lower()
        tokens += [f"n:{word}" for word in _WORD.findall(name)[:6]]
        tokens += ["n:digits"] * any(ch.isdigit() for ch in name) + ["n:dot"] * ("." in name)
        tokens.append(f"nlen:{_bucket(len(name) // 5)}")
        body = self.body
        tokens.append(f"len:{min(12, len(body).bit_length())}")
        tags = _TAG.findall(body)
        tokens.append(f"tags:{_bucket(len(tags))}")
        tokens += sorted({f"tag:{name.lower()}" for _, name in tags if name})
        tokens += ["bbcode"] * ("[url" in body.lower())
        letters = sum(map(str.isalpha, body))
        tokens.append(f"caps:{_ratio(sum(map(str.isupper, body)), letters)}")
        tokens.append(f"digits:{_ratio(sum(map(str.isdigit, body)), len(body))}")
        tokens.append(f"excl:{_bucket(body.count('!'))}")
        tokens.append("answer" if self.is_answer else "thread")
        earlier = sum(self.history.values())
        tokens.append("h:new" if not earlier else "h:known")
        for status in (Status.APPROVED, Status.SPAM, Status.REJECTED, Status.PENDING):
            if self.history.get(status):
                tokens.append(f"h:{status}:{_bucket(self.history[status])}")
        return " ".join(tokens)


def _index(token, n_features):
    """The column HashingVectorizer gives `token` (alternate_sign=False): |signed murmurhash3| mod n."""
    from sklearn.utils import murmurhash3_32

    h = murmurhash3_32(token)
    return (abs(h) if h != -(2**31) else 2**31 - n_features) % n_features


def reply_of(comment, history):
    return Reply(comment.name, comment.website, comment.body, comment.parent_id is not None, history)


def _vectorisers():
    from sklearn.feature_extraction.text import HashingVectorizer

    return {
        "words": HashingVectorizer(ngram_range=(1, 2), n_features=2**18, alternate_sign=False),
        "chars": HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=2**18, alternate_sign=False),
        # Meta tokens as they are: one per feature, counted once.
        "meta": HashingVectorizer(
            token_pattern=r"\S+", lowercase=False, n_features=2**16, alternate_sign=False, norm=None, binary=True,
        ),
    }


def _matrix(vectorisers, replies):
    from scipy.sparse import hstack

    texts = [r.text() for r in replies]
    blocks = [
        vectorisers["words"].transform(texts),
        vectorisers["chars"].transform(texts),
        vectorisers["meta"].transform([r.meta() for r in replies]),
    ]
    return hstack(blocks, format="csr")


# --- Training ------------------------------------------------------------------------------


class NotEnoughDecisions(Exception):
    def __init__(self, needed):
        self.needed = needed
        super().__init__(needed)


def learnable():
    """Replies a moderator approved or marked spam, without those whose author asked to be erased."""
    erased = ModerationEvent.objects.filter(comment=OuterRef("pk"), reason__contains=ERASED)
    return (
        Comment.objects.filter(moderated_by__isnull=False, status__in=[Status.APPROVED, Status.SPAM])
        .exclude(Exists(erased))
    )


def decision_counts():
    """{approved, spam, total}: the human decisions training would learn from now."""
    counts = dict(learnable().order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    approved, spam = counts.get(Status.APPROVED, 0), counts.get(Status.SPAM, 0)
    return {"approved": approved, "spam": spam, "total": approved + spam}


def still_needed(counts=None):
    """How many more decisions cold start waits for: {total, approved, spam}, all 0 when ready."""
    counts = counts or decision_counts()
    return {
        "total": max(0, min_decisions() - counts["total"]),
        "approved": max(0, MIN_PER_CLASS - counts["approved"]),
        "spam": max(0, MIN_PER_CLASS - counts["spam"]),
    }


def _training_rows():
    overturned = ModerationEvent.objects.filter(comment=OuterRef("pk"), reason__contains=OVERTURN)
    rows = list(
        learnable()
        .annotate(overturned=Exists(overturned))
        .order_by("pk")
        .values_list("pk", "name", "website", "body", "parent_id", "email_digest", "created_at", "status", "overturned")
    )
    # Each reply's commenter history as it stood when it was posted: earlier replies only.
    digests = {row[5] for row in rows if row[5]}
    timeline = defaultdict(list)
    for digest, created_at, status in (
        Comment.objects.filter(email_digest__in=digests).order_by("created_at").values_list(
            "email_digest", "created_at", "status"
        ).iterator(chunk_size=5000)
    ):
        timeline[digest].append((created_at, status))
    replies, labels, weights = [], [], []
    for _, name, website, body, parent_id, digest, created_at, status, overturned in rows:
        earlier = timeline.get(digest, [])
        before = earlier[: bisect_left(earlier, created_at, key=lambda item: item[0])]
        replies.append(Reply(name, website, body, parent_id is not None, Counter(s for _, s in before)))
        labels.append(1 if status == Status.SPAM else 0)
        weights.append(OVERTURN_WEIGHT if overturned else 1.0)
    return replies, labels, weights, sum(1 for row in rows if row[-1])


def _classifier():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=4.0, solver="liblinear", class_weight="balanced", max_iter=200)


def _threshold(ham_scores, share, floor):
    """The lowest score that at most `share` of the approved replies reach (never below `floor`)."""
    ranked = sorted(ham_scores, reverse=True)
    allowed = int(share * len(ranked))
    above = ranked[allowed] if allowed < len(ranked) else 0.0
    # Four decimals, rounded up past the first approved reply that must stay under it.
    return min(0.999, max(floor, math.floor(above * 10_000 + 1) / 10_000))


def evaluate(labels, scores, spam_at, hold_at):
    """Precision, recall, ROC AUC, a precision–recall curve and a confusion table per threshold."""
    import numpy as np
    from sklearn.metrics import precision_recall_curve, roc_auc_score

    y, p = np.asarray(labels), np.asarray(scores)
    precision, recall, cuts = precision_recall_curve(y, p)
    step = max(1, len(cuts) // 60)
    curve = [[round(float(recall[i]), 4), round(float(precision[i]), 4), round(float(cuts[i]), 4)]
             for i in range(0, len(cuts), step)]
    table = []
    for cut in sorted({*TABLE_THRESHOLDS, spam_at, hold_at}):
        flagged = p >= cut
        tp, fp = int((flagged & (y == 1)).sum()), int((flagged & (y == 0)).sum())
        fn, tn = int((~flagged & (y == 1)).sum()), int((~flagged & (y == 0)).sum())
        table.append({"threshold": cut, "tp": tp, "fp": fp, "fn": fn, "tn": tn})
    at_spam = next(row for row in table if row["threshold"] == spam_at)
    at_hold = next(row for row in table if row["threshold"] == hold_at)
    return {
        "roc_auc": round(float(roc_auc_score(y, p)), 4),
        "precision": round(at_spam["tp"] / max(1, at_spam["tp"] + at_spam["fp"]), 4),
        "recall": round(at_spam["tp"] / max(1, at_spam["tp"] + at_spam["fn"]), 4),
        "hold_recall": round(at_hold["tp"] / max(1, at_hold["tp"] + at_hold["fn"]), 4),
        "ham_marked_spam": round(at_spam["fp"] / max(1, at_spam["fp"] + at_spam["tn"]), 4),
        "ham_held": round(at_hold["fp"] / max(1, at_hold["fp"] + at_hold["tn"]), 4),
        "pr_curve": curve,
        "table": table,
    }


def cross_validate(replies, labels, weights, *, folds=None):
    """Out-of-fold spam probabilities for every reply (the vectorisers are stateless, so no leak)."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    vectorisers = _vectorisers()
    X, y, w = _matrix(vectorisers, replies), np.asarray(labels), np.asarray(weights)
    folds = folds or (5 if len(labels) < 20000 else 3)
    scores = np.zeros(len(labels))
    for fit, held_out in StratifiedKFold(folds, shuffle=True, random_state=0).split(X, y):
        model = _classifier().fit(X[fit], y[fit], sample_weight=w[fit])
        scores[held_out] = model.predict_proba(X[held_out])[:, 1]
    return X, scores


def _top_terms(vectorisers, classifier, replies, n=15):
    """Words and meta tokens with the largest weights either way, named from the training replies."""
    coef = classifier.coef_[0]
    words, meta = vectorisers["words"], vectorisers["meta"]
    offset = words.n_features + vectorisers["chars"].n_features
    analyse = words.build_analyzer()
    seen = Counter()
    for reply in replies:
        seen.update(set(t for t in analyse(reply.text()) if " " not in t))
        seen.update(set(reply.meta().split()))
    weighted = {}
    for term, count in seen.items():
        if count < 3:
            continue  # a word from one or two replies says little and might say who wrote it
        if term in _META_LABELS or ":" in term:
            weight = coef[offset + _index(term, meta.n_features)]
        else:
            weight = coef[_index(term, words.n_features)]
        weighted[_label(term)] = round(float(weight), 3)
    ranked = sorted(weighted.items(), key=lambda item: item[1])
    return [list(t) for t in ranked[::-1][:n] if t[1] > 0], [list(t) for t in ranked[:n] if t[1] < 0]


_META_LABELS = {"answer", "thread", "bbcode"}
_SHAPES = {"len", "nlen", "caps", "digits", "excl", "tags", "links", "answer", "thread", "h:new", "h:known"}


def _label(term):
    """A meta token as a moderator reads it: "d:bit.ly" → "bit.ly"."""
    kind, _, value = term.partition(":")
    if not value or term in _META_LABELS:
        return {"answer": "answers a reply", "thread": "starts a thread", "bbcode": "[url] markup"}.get(term, term)
    return {
        "d": value, "tld": f".{value} link", "links": f"{value} links", "w": f"website {value}",
        "wtld": f"website .{value}", "n": f"name “{value}”", "nlen": "name length", "len": "length",
        "tags": f"{value} tags", "tag": f"<{value}>", "caps": "capitals", "digits": "digits", "excl": "“!”",
        "h": "earlier " + value.replace(":", " ×"),
    }.get(kind, term)


def train(*, trigger=TriageModel.Trigger.COMMAND, activate=True, folds=None):
    """Train, cross-validate and store a new version; returns it (unsaved when activate is False).

    Raises NotEnoughDecisions during cold start.
    """
    import numpy as np

    started = time.perf_counter()
    replies, labels, weights, overturned = _training_rows()
    counts = {"approved": labels.count(0), "spam": labels.count(1), "total": len(labels)}
    needed = still_needed(counts)
    if any(needed.values()):
        raise NotEnoughDecisions(needed)
    X, scores = cross_validate(replies, labels, weights, folds=folds)
    ham = [s for s, label in zip(scores, labels, strict=True) if label == 0]
    spam_at = _threshold(ham, MAX_HAM_MARKED_SPAM, 0.5)
    hold_at = min(spam_at, _threshold(ham, MAX_HAM_HELD, 0.3))
    metrics = evaluate(labels, scores, spam_at, hold_at)
    vectorisers = _vectorisers()
    classifier = _classifier().fit(X, np.asarray(labels), sample_weight=np.asarray(weights))
    top_spam, top_ham = _top_terms(vectorisers, classifier, replies)
    rejected = Comment.objects.filter(moderated_by__isnull=False, status=Status.REJECTED).count()
    metrics.update(
        approved=counts["approved"], spam=counts["spam"], rejected_left_out=rejected, overturned=overturned,
        top_spam=top_spam, top_ham=top_ham, features=FEATURES_VERSION,
        seconds=round(time.perf_counter() - started, 2),
    )
    data = dump(vectorisers, classifier)
    model = TriageModel(
        trigger=trigger, decisions=len(labels), spam_at=spam_at, hold_at=hold_at, metrics=metrics,
        data=data, checksum=checksum(data),
    )
    if activate:
        with transaction.atomic():
            model.save()
            model.activate()
            stale = TriageModel.objects.filter(is_active=False).order_by("-pk")[KEEP_VERSIONS:]
            TriageModel.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    return model


# --- Persistence ---------------------------------------------------------------------------


class TamperedModel(Exception):
    pass


def dump(vectorisers, classifier):
    """The skops bytes of one version. Deflated: the weights of hashed features no reply had are zeros."""
    import skops.io as sio

    return sio.dumps({"features": FEATURES_VERSION, **vectorisers, "classifier": classifier},
                     compression=zipfile.ZIP_DEFLATED)


def checksum(data):
    # Keyed like the email digests (set once and kept), so rotating DJANGO_SECRET_KEY does not void the models.
    key = f"newsroom.comments.triage-model:{comment_settings.EMAIL_DIGEST_KEY}".encode()
    return hmac.new(key, bytes(data), hashlib.sha256).hexdigest()


class Scorer:
    """A loaded version, ready to score one reply in well under a millisecond or two."""

    def __init__(self, stored):
        import skops.io as sio

        data = bytes(stored.data)
        if not hmac.compare_digest(checksum(data), stored.checksum):
            raise TamperedModel(f"triage model v{stored.pk}: checksum mismatch")
        # skops.io.loads() refuses any type outside its safe list: no pickle, no code run on load.
        parts = sio.loads(data)
        if parts.get("features") != FEATURES_VERSION:
            raise TamperedModel(f"triage model v{stored.pk}: built for other features")
        self.version, self.spam_at, self.hold_at = stored.pk, stored.spam_at, stored.hold_at
        self.vectorisers = {name: parts[name] for name in ("words", "chars", "meta")}
        classifier = parts["classifier"]
        self.coef = classifier.coef_[0]
        self.intercept = float(classifier.intercept_[0])
        self._analyse = self.vectorisers["words"].build_analyzer()
        offset, self._blocks = 0, []
        for name in ("words", "chars", "meta"):
            vectoriser = self.vectorisers[name]
            self._blocks.append((name, vectoriser.build_analyzer(), vectoriser.n_features, offset,
                                 vectoriser.norm, vectoriser.binary))
            offset += vectoriser.n_features

    def _weights(self, counts, n_features, offset, norm, binary):
        """HashingVectorizer's row for one text, dotted with the weights: its transform() costs
        ten times more per reply in input checks than in hashing, so the hashing is redone here
        (the same murmurhash index; tests check both give the same score)."""
        import numpy as np

        if not counts:
            return 0.0
        # Tokens that collide add up before the norm is taken, as in the sparse row.
        merged = Counter()
        for token, n in counts.items():
            merged[offset + _index(token, n_features)] += 1.0 if binary else n
        indices = np.fromiter(merged.keys(), dtype=np.int64, count=len(merged))
        values = np.fromiter(merged.values(), dtype=np.float64, count=len(merged))
        scale = math.sqrt(values @ values) if norm == "l2" else 1.0
        return float(self.coef[indices] @ values) / (scale or 1.0)

    def score(self, reply):
        text, meta = reply.text(), reply.meta()
        z = self.intercept
        for name, analyse, n_features, offset, norm, binary in self._blocks:
            counts = Counter(analyse(meta if name == "meta" else text))
            z += self._weights(counts, n_features, offset, norm, binary)
        return 1.0 / (1.0 + math.exp(-float(z)))

    def reasons(self, reply, n=3):
        """The words and signs that pushed this reply most towards spam."""
        words, meta = self.vectorisers["words"], self.vectorisers["meta"]
        offset = words.n_features + self.vectorisers["chars"].n_features
        counts = Counter(self._analyse(reply.text()))
        norm = math.sqrt(sum(c * c for c in counts.values())) or 1.0
        # Each term's push is its value in the row times its weight, as in the score.
        pushes = {
            term: self.coef[_index(term, words.n_features)] * count / norm
            for term, count in counts.items()
            if " " not in term and term not in {"urltoken", "emailaddr", "ipaddr"}
        }
        for term in set(reply.meta().split()):
            # Shapes (length, capitals, counts) explain little to a moderator: named only when nothing else is.
            if term in _SHAPES or term.partition(":")[0] in _SHAPES:
                continue
            pushes[_label(term)] = self.coef[offset + _index(term, meta.n_features)]
        ranked = sorted(pushes.items(), key=lambda item: -item[1])
        return [term for term, weight in ranked[:n] if weight > 0]


_loaded = {}


# The two lookups every new reply makes, in plain SQL: on this path Django's query
# compilation costs more than the indexed queries themselves (0.3 ms of a 5–9 ms POST).


def _active_version():
    """(id, checksum) of the active version, or None."""
    table = connection.ops.quote_name(TriageModel._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, checksum FROM {table} WHERE is_active = %s", [True])
        row = cursor.fetchone()
    return tuple(row) if row else None


def _history(digest):
    """{status: count} of this commenter's replies so far (on the comment_commenter index)."""
    if not digest:
        return {}
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status, COUNT(*) FROM {table} WHERE email_digest = %s GROUP BY status", [digest])
        return dict(cursor.fetchall())


def active_scorer():
    """The active version, loaded once per process and version; None without one (or if it is refused)."""
    row = _active_version()
    if row is None:
        return None
    if row not in _loaded:
        _loaded.clear()
        try:
            _loaded[row] = Scorer(TriageModel.objects.get(pk=row[0]))
        except Exception:  # a refused model must never stop a reader posting
            log.exception("triage model v%s refused; replies go unscored", row[0])
            _loaded[row] = None
    return _loaded[row]


# --- Scoring in the pipeline ---------------------------------------------------------------


def thresholds(scorer):
    spam_at = comment_settings.TRIAGE_SPAM_AT
    hold_at = comment_settings.TRIAGE_HOLD_AT
    spam_at = scorer.spam_at if spam_at is None else spam_at
    return spam_at, min(spam_at, scorer.hold_at if hold_at is None else hold_at)


def assess(comment):
    """Score a new reply and store the score on it; ("spam" or "hold", why) above the thresholds, else None.

    moderation.triage_rule turns it into a verdict.
    """
    scorer = active_scorer()
    if scorer is None:
        return None
    reply = reply_of(comment, _history(comment.email_digest))
    try:
        score = scorer.score(reply)
    except Exception:
        log.exception("triage scoring failed; the reply goes unscored")
        return None
    comment.triage_score, comment.triage_version = round(score, 4), scorer.version
    spam_at, hold_at = thresholds(scorer)
    if score < hold_at:
        return None
    why = f"triage {math.floor(score * 100) / 100:.2f} ({', '.join(scorer.reasons(reply))})"
    return ("spam" if score >= spam_at else "hold"), why


def triage_reasons(comment):
    """The triage model's lines among a reply's stored reasons."""
    return [text for code, text in comment.coded_reasons if code in TRIAGE]


# --- Feedback ------------------------------------------------------------------------------


def overturn_note(new_status, score, codes):
    """The mark a moderator's event gets when the decision goes against the model's, else ""."""
    if score is None:
        return ""
    model_said_spam = Rule.TRIAGE_SPAM in codes
    model_said_ham = not TRIAGE & set(codes)
    if new_status == Status.APPROVED and model_said_spam:
        return f"{OVERTURN} {score:.2f}: model said spam"
    if new_status == Status.SPAM and model_said_ham:
        return f"{OVERTURN} {score:.2f}: model let it through"
    return ""


def overturn_counts(since=None):
    """How often moderators went against the model: {overturned, triaged}."""
    events = ModerationEvent.objects.filter(actor__isnull=False)
    scored = Comment.objects.filter(triage_score__isnull=False)
    if since is not None:
        events = events.filter(created_at__gte=since)
        scored = scored.filter(created_at__gte=since)
    return {
        "overturned": events.filter(reason__contains=OVERTURN).count(),
        "triaged": scored.with_reason(*TRIAGE).count(),
        "scored": scored.count(),
    }


# --- Retraining ----------------------------------------------------------------------------


def retraining_due():
    """True when cold start is over and RETRAIN_EVERY decisions came since the latest version."""
    # Counted without the erased-commenter check training makes: cheap on every moderator's click.
    counts = dict(
        Comment.objects.filter(moderated_by__isnull=False, status__in=[Status.APPROVED, Status.SPAM])
        .order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    counts = {"approved": counts.get(Status.APPROVED, 0), "spam": counts.get(Status.SPAM, 0)}
    counts["total"] = counts["approved"] + counts["spam"]
    if any(still_needed(counts).values()):
        return False
    latest = TriageModel.objects.order_by("-pk").values_list("decisions", flat=True).first()
    return latest is None or abs(counts["total"] - latest) >= retrain_every()


@task()
def retrain(trigger=TriageModel.Trigger.DECISIONS):
    """Train a new version if one is due (or nightly). Idempotent: a second run finds nothing due."""
    if trigger != TriageModel.Trigger.NIGHTLY and not retraining_due():
        return None
    try:
        # Three folds: with the immediate backend this runs inside a moderator's request.
        model = train(trigger=trigger, folds=3)
    except NotEnoughDecisions:
        return None
    return model.pk


def decisions_recorded():
    """After moderators decided (on commit): enqueue retraining when enough new decisions came."""
    if retraining_due():
        retrain.enqueue(TriageModel.Trigger.DECISIONS)


@receiver(events.deciding, dispatch_uid="comments.triage.decisions")
def after_decisions(status, ids, **kwargs):
    """A moderator's decisions (CommentQuerySet.moderate()): retrain through the task queue once
    they commit, if enough came; returns {reply id: note} for those that overturn the model."""
    transaction.on_commit(decisions_recorded)
    rows = Comment.objects.filter(pk__in=ids, triage_score__isnull=False).values_list(
        "pk", "triage_score", "reason_codes"
    )
    notes = {pk: overturn_note(status, score, codes) for pk, score, codes in rows}
    return {pk: note for pk, note in notes.items() if note}


def nightly():
    """The periodic entry: enqueue a retraining on everything decided so far (cron or a scheduler calls it)."""
    if not any(still_needed().values()):
        return retrain.enqueue(TriageModel.Trigger.NIGHTLY)
    return None


def mark_spam_above(score, since, *, by, preview=False):
    """Pending replies scored at least `score` since `since`: count them, or mark them spam."""
    replies = Comment.objects.in_queue().filter(triage_score__gte=score, created_at__gte=since)
    if preview:
        return replies.count()
    return replies.mark_spam(by=by, reason=f"spam: triage ≥ {score:.2f} in bulk", code=Rule.TRIAGE_SPAM)


def since_hours(hours):
    return timezone.now() - timedelta(hours=hours)
