"""Support chat messages in English and Hinglish, with typos, labelled with the contact's reason.

Each message is drawn from short templates per reason and language (``TEMPLATES``); Hinglish
is Hindi-English code-mixed text in Roman script ("order kab aayega?"), with the spelling
variants people really type ("nahi", "nhi", "nai"). Typos (a dropped, doubled or swapped
letter) hit a share of words, more often in Hinglish. A share of messages is **vague**
("hello, need help with order BZ123456"): its reason is real but not in the words, so no model
can read it, which is why a bot needs a human to hand over to.

>>> tab, truth = make_support_messages(1, "tiny")
>>> sorted(set(tab.column("language").to_pylist()))
['english', 'hinglish']
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pm_toolkit.data import catalog as C
from pm_toolkit.data.arrowutil import decode, ts
from pm_toolkit.data.cod import FIRST_DAY, TEST_START
from pm_toolkit.data.dimensions import make_customers
from pm_toolkit.data.ml_world import ml_rng, ml_size
from pm_toolkit.data.scales import N_DAYS, day_start_ms
from pm_toolkit.data.streams import cum_choice

REASONS = C.SUPPORT_REASONS  # late_delivery, refund, wrong_item, payment_failed, price_query
REASON_SHARES = (0.32, 0.22, 0.16, 0.15, 0.15)  # [A]
LANGUAGES = ("english", "hinglish")
HINGLISH_SHARE_BY_TIER = {1: 0.30, 2: 0.50, 3: 0.60}  # [A]
VAGUE_SHARE = 0.10  # messages whose words do not say the reason [A]
MIXED_SHARE = 0.30  # messages that also mention a second, lesser problem [A]
TYPO_P = {"english": 0.07, "hinglish": 0.12}  # per word [A]
CHANNELS = ("chat", "app")

TEMPLATES = {
    ("late_delivery", "english"): (
        "paid rs {amt} but the order is still not here",
        "payment done, when will the {item} be delivered",
        "where is my order {oid}",
        "my order {oid} has not arrived yet",
        "it has been {days} days and my {item} is still not delivered",
        "delivery was promised yesterday but nothing came",
        "order {oid} shows shipped for {days} days, when will it come",
        "still waiting for my {item}, please check the delivery status",
        "tracking has not moved since {days} days",
        "my parcel is late, expected date already passed",
    ),
    ("late_delivery", "hinglish"): (
        "payment ho gaya par order abhi tak nahi aaya",
        "refund nahi chahiye bas {item} jaldi bhejo",
        "mera order {oid} kab aayega",
        "{days} din ho gaye abhi tak {item} nahi aaya",
        "bhai order kab deliver hoga",
        "delivery kal honi thi par kuch nahi aaya",
        "order {oid} abhi tak nahi mila yaar",
        "tracking {days} din se same hai, parcel kahan hai",
        "mera {item} kab tak aayega please batao",
        "delivery date nikal gayi order nahi aaya",
    ),
    ("refund", "english"): (
        "got the wrong {item}, returned it, need my money back",
        "order was too late so i cancelled, refund please",
        "i returned the {item} but refund not received",
        "when will i get my refund for order {oid}",
        "refund of rs {amt} still pending",
        "my money has not come back after the return",
        "please process my refund, it has been {days} days",
        "return picked up {days} days ago, where is the refund",
        "cancelled order {oid} but amount not credited",
    ),
    ("refund", "hinglish"): (
        "galat {item} aaya tha wapas kiya, paise kab milenge",
        "delivery late thi isliye cancel kiya, refund do",
        "refund kab milega mera",
        "{item} return kar diya par paise nahi aaye",
        "rs {amt} ka refund abhi tak pending hai",
        "order {oid} cancel kiya tha paisa wapas kab aayega",
        "return pickup ho gaya {days} din pehle, refund nahi mila",
        "mera refund jaldi karo please",
        "paise account me nahi aaye abhi tak",
    ),
    ("wrong_item", "english"): (
        "wrong {item} delivered, i want a refund or replacement",
        "price was rs {amt} for the right one but you sent another",
        "i received the wrong item in order {oid}",
        "ordered a {item} but got something else",
        "wrong size delivered, i want the right one",
        "the product i got is different from the picture",
        "received a damaged {item}",
        "package had a different colour than what i ordered",
        "this is not the {item} i ordered",
    ),
    ("wrong_item", "hinglish"): (
        "galat {item} aaya, refund ya replacement chahiye",
        "delivery to hui par galat saman aaya",
        "galat item aaya hai order {oid} me",
        "maine {item} order kiya tha kuch aur aa gaya",
        "size galat bheja hai",
        "photo me kuch aur tha aur mila kuch aur",
        "{item} toota hua aaya hai",
        "colour alag aaya hai bhai",
        "ye wo {item} nahi hai jo maine manga tha",
    ),
    ("payment_failed", "english"): (
        "money deducted but order not placed, will i get a refund",
        "price shown was rs {amt} but payment failed at checkout",
        "payment failed but money got deducted",
        "upi payment of rs {amt} failed for order {oid}",
        "amount debited from my account but order not placed",
        "my card was charged twice",
        "payment is stuck on processing",
        "paid rs {amt} via upi but it says payment failed",
        "transaction failed, please help",
    ),
    ("payment_failed", "hinglish"): (
        "paise kat gaye order nahi hua refund milega kya",
        "checkout pe payment fail ho raha hai",
        "payment fail ho gaya par paise kat gaye",
        "upi se rs {amt} bheje par order nahi hua",
        "account se paisa cut gaya order place nahi hua",
        "do baar paise kat gaye card se",
        "payment processing me atka hua hai",
        "transaction fail bata raha hai par debit ho gaya",
        "payment nahi ho raha help karo",
    ),
    ("price_query", "english"): (
        "price dropped after delivery, can i get the difference refunded",
        "is free delivery available on this {item}",
        "why is the price of {item} higher today",
        "is there any discount on {item}",
        "the price changed after i added it to the cart",
        "will the {item} price drop in the sale",
        "is the bank offer valid on this {item}",
        "why is delivery charge added",
        "price was rs {amt} yesterday, now it is more",
    ),
    ("price_query", "hinglish"): (
        "delivery ke baad price kam ho gaya, difference milega kya",
        "free delivery milegi kya {item} pe",
        "{item} ka price aaj zyada kyun hai",
        "koi discount hai kya {item} pe",
        "cart me daalne ke baad price badal gaya",
        "sale me {item} sasta hoga kya",
        "bank offer lagega kya is pe",
        "delivery charge kyun lag raha hai",
        "kal rs {amt} tha aaj zyada kyun",
    ),
}
VAGUE = {
    "english": (
        "hello",
        "need help with order {oid}",
        "please call me back",
        "i have an issue with my order",
        "hi, anyone there?",
        "not happy with the service",
    ),
    "hinglish": (
        "hello ji",
        "order {oid} me problem hai",
        "mujhe call karo please",
        "koi reply nahi kar raha",
        "bhai help chahiye",
        "service bilkul bekaar hai",
    ),
}
#: How people really spell common Hinglish words (all variants equally likely) [A].
VARIANTS = {
    "nahi": ("nahi", "nhi", "nai", "nahin"),
    "kab": ("kab", "kb"),
    "aayega": ("aayega", "ayega", "aaega"),
    "hai": ("hai", "h", "he"),
    "paise": ("paise", "pese", "paisa"),
    "kyun": ("kyun", "kyu", "kyon"),
    "please": ("please", "pls", "plz"),
    "abhi": ("abhi", "abi"),
}
ITEMS = (
    "phone cover",
    "kurta",
    "saree",
    "mixer grinder",
    "earphones",
    "shoes",
    "pressure cooker",
    "atta pack",
    "smart bulb",
    "charger",
    "school bag",
    "yoga mat",
)


def _typo(word: str, g: np.random.Generator) -> str:
    if len(word) < 3:
        return word
    i = int(g.integers(0, len(word) - 1))
    kind = int(g.integers(0, 3))
    if kind == 0:  # a dropped letter
        return word[:i] + word[i + 1 :]
    if kind == 1:  # a doubled letter
        return word[: i + 1] + word[i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped


def _render(template: str, lang: str, g: np.random.Generator) -> str:
    text = template.format(
        oid=f"BZ{int(g.integers(100_000, 999_999))}",
        days=int(g.integers(2, 11)),
        amt=int(g.integers(2, 60)) * 50 - 1,
        item=ITEMS[int(g.integers(0, len(ITEMS)))],
    )
    words = []
    for w in text.split():
        if w in VARIANTS:
            w = VARIANTS[w][int(g.integers(0, len(VARIANTS[w])))]
        if g.random() < TYPO_P[lang]:
            w = _typo(w, g)
        words.append(w)
    return " ".join(words)


def make_support_messages(
    seed: int, scale: str, customers=None, products=None
) -> tuple[pa.Table, dict]:
    """One row per support chat message, labelled with its reason."""
    rng = ml_rng(seed, "support_messages")
    cu = customers if customers is not None else make_customers(seed, scale)[1]
    n = ml_size("support_messages", scale)
    n_c = len(cu["tier"])
    cust = rng().integers(0, n_c, n)
    first_day = np.maximum(cu["signup_day"][cust], FIRST_DAY)
    day = first_day + np.floor(rng().random(n) * (N_DAYS - first_day)).astype(int)
    hour = cum_choice(np.cumsum(C.HOUR_PROFILE), rng().random(n))
    day_ms = np.array([day_start_ms(int(d)) for d in range(FIRST_DAY, N_DAYS)])
    ms = day_ms[day - FIRST_DAY] + hour * 3_600_000 + rng().integers(0, 3_600_000, n)
    order = np.argsort(ms, kind="stable")
    cust, ms = cust[order], ms[order]

    reason = cum_choice(np.cumsum(REASON_SHARES), rng().random(n))
    p_hing = np.vectorize(HINGLISH_SHARE_BY_TIER.get)(cu["tier"][cust].astype(int))
    lang = (rng().random(n) < p_hing).astype(int)
    vague = rng().random(n) < VAGUE_SHARE
    mixed = ~vague & (rng().random(n) < MIXED_SHARE)
    g = rng()
    texts = []
    for r, la, v, mx in zip(reason, lang, vague, mixed, strict=True):
        pool = VAGUE[LANGUAGES[la]] if v else TEMPLATES[(REASONS[r], LANGUAGES[la])]
        text = _render(pool[int(g.integers(0, len(pool)))], LANGUAGES[la], g)
        if mx:  # a second problem, before or after the main one: the label stays the main one
            other = REASONS[(r + 1 + int(g.integers(0, len(REASONS) - 1))) % len(REASONS)]
            side = TEMPLATES[(other, LANGUAGES[la])]
            extra = _render(side[int(g.integers(0, len(side)))], LANGUAGES[la], g)
            text = f"{text}, also {extra}" if g.random() < 0.5 else f"{extra}. but mainly {text}"
        texts.append(text)
    channel = (rng().random(n) < 0.35).astype(int)
    table = pa.table(
        {
            "message_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "customer_id": pa.array((cust + 1).astype(np.int64)),
            "ts": ts(ms),
            "channel": decode(channel, CHANNELS),
            "language": decode(lang, LANGUAGES),
            "text": pa.array(texts, pa.string()),
            "reason": decode(reason, REASONS),
        }
    )
    truth = {
        "window": {"start": "2024-12-01", "test_start": TEST_START.isoformat()},
        "reason_shares": dict(zip(REASONS, REASON_SHARES, strict=True)),
        "hinglish_share_by_tier": {str(k): v for k, v in HINGLISH_SHARE_BY_TIER.items()},
        "vague_share": VAGUE_SHARE,
        "mixed_share": MIXED_SHARE,
        "typo_p_per_word": dict(TYPO_P),
        "realised": {
            "messages": n,
            "hinglish_share": float(lang.mean()),
            "vague_messages": int(vague.sum()),
            "mixed_messages": int(mixed.sum()),
        },
    }
    return table, truth
