"""Generate ``listing_titles.csv``: labelled marketplace listing titles for training the
listing-quality model (``shopgov train``). The file ships inside this package (read with
``importlib.resources``, see ``assess.listing.data.DEFAULT_DATA``).

Labels follow a marketplace QC guideline:

* ``clarity`` = 1 if a shopper can tell within 5 seconds what the product is and its key
  attributes (a title without a product type, a vague or code-only title is not clear);
* ``conciseness`` = 1 if the title has no padding, repeated words or keyword stuffing and omits
  nothing necessary; a title that is not clear is not concise.

Rows come from three sources (column ``source``): ``handwritten`` and ``short_complete`` titles
written by hand, and ``gen:<template>`` titles composed from the vocabularies in
``listing_vocab.py`` (brands, product types with their synonyms, attributes, sizes, counts,
model numbers, audiences, uses, compatibility lists). Bad titles look like real marketplace
ones: stacked synonyms ("Dog Bed Pet Bed Dog Sofa"), restated product nouns, audience, occasion
and use lists, compatibility lists, feature dumps, promotional padding; hard good cases include
long but clean titles, short but complete ones, brand-heavy and model-number titles and fitment
year lists. Case changes and typos are applied to some rows without changing their labels.

Deterministic for a seed::

    python -m governance.samplegen.listing_titles            # 4,200 rows, seed 7 -> the packaged CSV
    python -m governance.samplegen.listing_titles --rows 5000 --seed 1 --out /tmp/titles.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..paths import bundled
from . import listing_vocab as V

# Default output: the packaged copy (package data); regenerate it in a source checkout.
OUT = bundled("governance.samplegen", "listing_titles.csv")
STOP = {"a", "an", "and", "the", "or", "of", "for", "with", "in", "on", "to", "by", "x", "w", "&", "up",
        "set", "pack", "piece", "inch", "size", "oz", "ft", "lb", "count", "pcs", "-", "+", "1", "2", "3"}
LICENSES = ("Disney Princess; Marvel Spider-Man; Paw Patrol; Star Wars; Pokemon; Harry Potter; Minecraft; "
            "Sesame Street; Bluey; Disney Frozen; Hello Kitty; NFL Dallas Cowboys; Barbie; Jurassic World; "
            "Peppa Pig; Mickey Mouse; Sonic the Hedgehog; Super Mario; Toy Story; Batman")
LICENSED_CATS = {"toys", "clothing", "baby", "crafts_party", "home_decor", "bedding_bath", "bags", "kitchen"}
POSITIONS = "Front Left; Front Right; Rear Left; Rear Right; Driver Side; Passenger Side; Front; Rear"


def split(text: str) -> list[str]:
    return [x.strip() for x in text.replace("\n", ";").split(";") if x.strip()]


@dataclass
class Product:
    type: str
    syns: list[str]
    attrs: list[str]


@dataclass
class Category:
    name: str
    brands: list[str]
    products: list[Product]
    attrs: list[str]
    specs: list[str]
    features: list[str]
    audience: list[str]
    crowd: list[str]
    uses: list[str]
    compat: list[str]
    colors: bool
    models: bool
    pseudo: float


def load_categories() -> dict[str, Category]:
    cats = {}
    for name, raw in V.CATEGORIES.items():
        products = []
        for line in raw["products"].strip().splitlines():
            head, _, attrs = line.strip().partition("|")
            typ, _, syns = head.partition(":")
            products.append(Product(typ.strip(), split(syns), split(attrs)))
        cats[name] = Category(
            name=name, brands=split(raw["brands"]), products=products, attrs=split(raw.get("attrs", "")),
            specs=split(raw.get("specs", "")), features=split(raw.get("features", "")),
            audience=split(raw.get("audience", "")), crowd=split(raw.get("crowd", "")),
            uses=split(raw.get("uses", "")), compat=split(raw.get("compat", "")),
            colors=raw.get("colors", "0") == "1", models=raw.get("models", "0") == "1",
            pseudo=float(raw.get("pseudo", "0.3")),
        )
    return cats


CATS = load_categories()
COLORS, PADDING, FEATURES = split(V.COLORS), split(V.PADDING), split(V.FEATURES)
OCCASIONS, GIFT_FOR = split(V.OCCASIONS), split(V.GIFT_FOR)
BOOK = {k: split(v) for k, v in V.BOOK_WORDS.items()}
THEME = {k: split(v) for k, v in V.THEME.items()}
SLOGANS = [x.strip() for x in V.SLOGANS.strip().splitlines()]
LINE_WORDS = split(V.LINE_WORDS)
TECH_BY_CAT = {k: split(v) for k, v in V.TECH.items()}
ADJ_STACKS = [split(x) for x in V.ADJ_STACKS.strip().splitlines()]
DESIGN_CATS = {"T-Shirt": "clothing", "Long Sleeve T-Shirt": "clothing", "Hoodie": "clothing", "Tank Top": "clothing",
               "Infant Bodysuit": "baby", "Coffee Mug": "kitchen", "Throw Pillow": "home_decor",
               "Poster Print": "home_decor", "Canvas Wall Art": "home_decor", "Vinyl Decal": "crafts_party",
               "Phone Case": "phone_accessories", "Tote Bag": "bags", "Doormat": "home_decor",
               "Christmas Ornament": "home_decor", "Baseball Cap": "clothing"}


def _design_products() -> list[Product]:
    out = []
    for line in V.DESIGN_PRODUCTS.strip().splitlines():
        head_, _, details = line.partition("|")
        typ, _, syns = head_.partition(":")
        out.append(Product(typ.strip(), split(syns), split(details)))
    return out


DESIGN_PRODUCTS = _design_products()
CAT_WEIGHTS = {"clothing": 2.2, "shoes": 1.0, "electronics": 1.4, "phone_accessories": 1.0, "computers": 1.0,
               "home_decor": 1.4, "kitchen": 1.5, "beauty": 1.1, "health": 0.9, "grocery": 1.0, "toys": 1.2,
               "baby": 0.9, "pet": 1.0, "auto": 1.2, "tools": 1.0, "sports": 1.2, "garden": 0.9, "office": 0.8,
               "jewelry": 0.9, "bags": 0.8, "bedding_bath": 0.9, "furniture": 1.0, "crafts_party": 0.8}


# ---- small helpers ----------------------------------------------------------------------------
def expand(template: str, rng: random.Random) -> str:
    """``{a-b}`` → random integer in [a, b]; ``{x,y,z}`` → random choice."""
    def sub(m: re.Match[str]) -> str:
        body = m.group(1)
        if "," in body:
            return rng.choice(body.split(","))
        lo, hi = body.split("-")
        return str(rng.randint(int(lo), int(hi)))
    return re.sub(r"\{([^{}]+)\}", sub, template)


def content_words(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w in STOP or len(w) < 3:
            continue
        out.add(w[:-1] if w.endswith("s") and len(w) > 3 else w)
    return out


def fresh(items: list[str], used: set[str], rng: random.Random, k: int) -> list[str]:
    """Up to ``k`` items sharing no content word with ``used`` (nor with each other)."""
    out = []
    for it in rng.sample(items, len(items)):
        cw = content_words(it)
        if cw & used:
            continue
        out.append(it)
        used |= cw
        if len(out) >= k:
            break
    return out


ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "cl", "fl", "gr", "pl", "st", "tr", "ch", "sh", "kr", "v", "x"]
VOWELS = ["a", "e", "i", "o", "u", "y", "ai", "ea", "oo", "ie"]


def pseudo_brand(rng: random.Random) -> str:
    """Marketplace-seller style brands: 'Besufy', 'LNCDIS', 'Gravo Home'."""
    r = rng.random()
    if r < 0.3:
        return "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") for _ in range(rng.randint(4, 8)))
    word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 3)))
    word = (word + rng.choice(["", "", "n", "r", "x", "s", "y", "er", "ly", "fy", "o"])).capitalize()
    if r < 0.45:
        return word.upper()
    if r < 0.58:
        return f"{word} {rng.choice(['Home', 'Life', 'Pro', 'Tech', 'Living', 'Co', 'Direct', 'Outdoor', 'Kids'])}"
    return word


def model_number(rng: random.Random) -> str:
    pat = rng.choice(["LLDDDD", "LL-DDDD", "LDDDDLL", "LLLDDD", "DDDDL", "L-DDD", "LLDDD-LL", "LLLL-DD",
                      "LDDDLLL", "DDDLL", "LL-DDDLL", "LLDDDDLLL"])
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTVWXZ") if c == "L" else rng.choice("0123456789") if c == "D"
                   else c for c in pat)


def pick_brand(cat: Category, rng: random.Random) -> str:
    return pseudo_brand(rng) if rng.random() < cat.pseudo else rng.choice(cat.brands)


def head(typ: str) -> str:
    return typ.split()[-1]


def join(segments: list[str], rng: random.Random, style: str | None = None) -> str:
    segs = [s.strip() for s in segments if s and s.strip()]
    style = style or rng.choice(["space", "space", "space", "comma", "mixed"])
    if style == "space":
        text = " ".join(segs)
    elif style == "comma":
        text = segs[0] + "".join((" " if s.startswith(("for ", "with ")) else ", ") + s for s in segs[1:])
    else:
        text = segs[0] + "".join(rng.choice([" ", " ", ", ", " - "]) + s for s in segs[1:])
    return re.sub(r"\s+", " ", text).strip(" ,-")


def n_of(rng: random.Random, weights: dict[int, float]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def slogan(rng: random.Random) -> str:
    """A print-on-demand design name or slogan ("Sloth Riding on a Campfire", "Proud Nurse")."""
    things = rng.sample(THEME["thing"], 2)
    fill = {"animal": rng.choice(THEME["animal"]), "thing": things[0], "thing2": things[1],
            "place": rng.choice(THEME["place"]), "person": rng.choice(THEME["person"]),
            "verb": rng.choice(THEME["verb"]), "adj": rng.choice(THEME["adj"]),
            "season": rng.choice(split(V.SEASONS)), "year": str(rng.randint(1950, 2024)),
            "letter": rng.choice("ABCDEFGHJKLMNPRSTW")}
    return rng.choice(SLOGANS).format(**fill)


def line_name(rng: random.Random) -> str:
    """A product line after the brand: 'Challenger II', 'Nova 3', 'Trivexa'."""
    word = rng.choice(LINE_WORDS) if rng.random() < 0.7 else pseudo_brand(rng).split()[0].capitalize()
    return word + rng.choice(["", "", " II", " III", " 2", " 3", " Pro", " X", f" {rng.randint(100, 990)}"])


def design_title(rng: random.Random, kind: str) -> tuple[str, str, str]:
    """Titles of products carrying a design: (title, template, category)."""
    p = rng.choice(DESIGN_PRODUCTS)
    cat = DESIGN_CATS[p.type]
    brand = pseudo_brand(rng) if rng.random() < 0.6 else rng.choice(["CafePress", "Zazzle", "Redbubble", "Spreadshirt",
                                                                      "Teespring", "Americanflat", "Stupell", ""])
    design = slogan(rng)
    detail = rng.choice(p.attrs) if rng.random() < 0.6 else ""
    color = rng.choice(COLORS) if rng.random() < 0.6 else ""
    size = rng.choice(["S", "M", "L", "XL", "2XL", "Small", "Medium", "Large", "2T", "3T", "4T", "5/6T",
                       "6-12 Months", "24 Months", "1X", "2X"]) if cat in ("clothing", "baby") and rng.random() < 0.7 else ""
    if kind == "good":
        form = rng.random()
        if form < 0.45:
            title = " ".join(x for x in [brand, design, detail, p.type, color, size] if x)
        elif form < 0.7:
            title = f"{design} {detail} {p.type}".strip() + "".join(f", {x}" for x in (color, size) if x)
        elif form < 0.85:
            title = " - ".join(x for x in [brand, design, f"{detail} {p.type}".strip(), color] if x)
        else:
            title = f"{design} | {detail} {p.type}".strip() + "".join(f", {x}" for x in (color, size) if x)
        return re.sub(r"\s+", " ", title).strip(), "design", cat
    if kind == "nc":
        syns = " ".join(rng.sample(p.syns, min(len(p.syns), rng.randint(1, 3))))
        stuff = rng.choice([
            f"{syns} for Men Women Kids",
            f"{p.type} {syns}",
            f"Funny {p.type} Gift for {' '.join(rng.sample(GIFT_FOR, 3))} {' '.join(rng.sample(OCCASIONS, 2))}",
            f"{' '.join(rng.choice(ADJ_STACKS)[:rng.randint(3, 4)])} {p.type}",
            f"- {detail} {p.type}",
        ])
        title = " ".join(x for x in [brand, design, detail, p.type, stuff, color, size] if x)
        return re.sub(r"\s+", " ", title).strip(), "design_padded", cat
    return design + rng.choice(["", "", f" {color}", f" {size}"]).rstrip(), "design_no_type", cat


# ---- good titles: clear and concise ---------------------------------------------------------------
class Parts:
    """The components of one listing, chosen so that no content word repeats."""

    def __init__(self, cat: Category, rng: random.Random, n_attrs: int | None = None):
        self.cat, self.rng = cat, rng
        self.p = rng.choice(cat.products)
        self.type = self.p.type
        used = content_words(self.type)
        self.brand = pick_brand(cat, rng)
        used |= content_words(self.brand)
        self.aud = ""
        if cat.audience and rng.random() < 0.6:
            self.aud = rng.choice(cat.audience)
            used |= content_words(self.aud)
        pool = self.p.attrs + (cat.attrs if rng.random() < 0.6 or not self.p.attrs else [])
        k = n_attrs if n_attrs is not None else n_of(rng, {0: 0.05, 1: 0.15, 2: 0.3, 3: 0.28, 4: 0.14, 5: 0.08})
        self.attrs = fresh(pool, used, rng, k)
        self.extra = fresh(self.p.attrs + cat.attrs, used, rng, 3)  # for long clean titles
        self.color = fresh(COLORS, used, rng, 1)[0] if cat.colors and rng.random() < 0.75 else ""
        specs = [expand(s, rng) for s in cat.specs]
        self.spec = (fresh(specs, used, rng, 1) or [""])[0] if specs and rng.random() < 0.7 else ""
        self.feature = (fresh(cat.features, used, rng, 1) or [""])[0] if cat.features else ""
        self.model = model_number(rng) if cat.models and rng.random() < 0.5 else ""
        self.used = used

    def core(self, with_brand: bool = True, n_attrs: int | None = None) -> str:
        attrs = self.attrs if n_attrs is None else self.attrs[:n_attrs]
        return " ".join(x for x in [self.brand if with_brand else "", self.aud, *attrs, self.type] if x)


def good_title(cat: Category, rng: random.Random) -> tuple[str, str]:
    pt = Parts(cat, rng)
    tails = [x for x in (pt.color, pt.spec) if x]
    t = rng.choices(
        ["walmart", "amazon_long", "paren", "dash", "model", "short", "nobrand", "use_pair", "licensed", "compat",
         "line", "tech"],
        weights=[28, 16, 8, 5, 8 if cat.models else 2, 6, 6, 4, 5 if cat.name in LICENSED_CATS else 0,
                 9 if cat.compat else 0, 10, 6 if cat.name in TECH_BY_CAT else 0])[0]
    if t == "walmart":
        title = pt.core() + "".join(", " + x for x in rng.sample(tails, len(tails)))
    elif t == "amazon_long":  # long but clean: Brand Type with Feature, Attr, Attr, Size, Color
        segs = [pt.core(n_attrs=2) + (f" {pt.feature}" if pt.feature and rng.random() < 0.7 else "")]
        segs += pt.extra[: rng.randint(1, 3)] + tails
        if pt.spec == "" and pt.cat.specs and rng.random() < 0.5:
            segs.append(expand(rng.choice(pt.cat.specs), rng))
        title = ", ".join(segs)
    elif t == "paren":
        title = pt.core() + (f" ({tails[0]})" if tails else f" ({rng.choice(COLORS)})")
    elif t == "dash":
        title = " - ".join([pt.brand, " ".join(x for x in [pt.aud, *pt.attrs, pt.type] if x), *tails[:1]])
    elif t == "model":
        m = pt.model or model_number(rng)
        title = (f"{pt.brand} {m} {pt.core(with_brand=False)}" if rng.random() < 0.6
                 else f"{pt.core()} {m}") + (f", {tails[0]}" if tails and rng.random() < 0.5 else "")
    elif t == "short":
        title = f"{pt.brand} {pt.type}" if rng.random() < 0.6 else f"{pt.brand} {(pt.attrs or [''])[0]} {pt.type}"
    elif t == "nobrand":
        title = pt.core(with_brand=False) + "".join(", " + x for x in tails)
    elif t == "use_pair":
        pool = [u for u in cat.uses if not content_words(u) & pt.used]
        pair = rng.sample(pool, 2) if len(pool) >= 2 else pool
        title = f"{pt.core()} for {' and '.join(pair)}" + (f", {tails[0]}" if tails and rng.random() < 0.4 else "")
    elif t == "licensed":
        lic = rng.choice(split(LICENSES))
        title = f"{lic} {pt.aud + ' ' if pt.aud else ''}{' '.join(pt.attrs[:1])} {pt.type}" + \
            (f", {tails[0]}" if tails else "")
    elif t == "line":
        title = f"{pt.brand} {line_name(rng)} {pt.core(with_brand=False)}" + \
            "".join(", " + x for x in tails[: rng.randint(0, 2)])
    elif t == "tech":
        pool = TECH_BY_CAT.get(cat.name, [])
        tech = " ".join(rng.sample(pool, min(len(pool), rng.randint(1, 2))))
        m = pt.model or model_number(rng)
        title = rng.choice([f"{pt.brand} {m} {tech} {pt.type}", f"{pt.brand} {pt.type} {m}, {tech}",
                            f"{pt.brand} {' '.join(pt.attrs[:1])} {tech} {pt.type}, {m}"])
    else:  # compat: compatible devices / fitment (necessary information, not padding)
        if cat.name == "auto":
            title = auto_fitment(pt, rng)
        else:
            devs = rng.sample(cat.compat, rng.choice([1, 1, 2, 3]))
            title = f"{pt.brand} {' '.join(pt.attrs[:2])} {pt.type} for {' / '.join(devs) if len(devs) > 1 else devs[0]}" + \
                (f", {pt.color}" if pt.color else "")
    return re.sub(r"\s+", " ", title).strip(), t


def auto_fitment(pt: Parts, rng: random.Random) -> str:
    car = rng.choice(pt.cat.compat)
    y1 = rng.randint(1998, 2019)
    y2 = y1 + rng.randint(2, 7)
    pos = rng.choice(split(POSITIONS)) if "Axle" in pt.type or "Brake" in pt.type or rng.random() < 0.2 else ""
    form = rng.random()
    if form < 0.35:
        return f"{pt.brand} {pos} {pt.type} for {y1}-{y2} {car}"
    if form < 0.6:  # year lists are necessary fitment information, not padding
        years = " ".join(str(y) for y in range(y1, min(y2, y1 + 7) + 1))
        return f"For {car} {years} {pos} {pt.type}"
    if form < 0.8:
        return f"{pt.type} Compatible with {y1}-{y2} {car} {pos}".strip()
    return f"{pt.brand} {pt.model or model_number(rng)} {' '.join(pt.attrs[:1])} {pt.type}, Fits {y1}-{y2} {car}"


def book_title(rng: random.Random, label: str) -> tuple[str, str]:
    b = BOOK
    adj, noun, topic = rng.choice(b["adj"]), rng.choice(b["noun"]), rng.choice(b["topic"])
    fmt = rng.choice(b["format"])
    names = [f"The {adj} {noun}", f"{adj} {noun}", f"The {noun} of {rng.choice(b['noun'])}s",
             f"{topic}", f"The {topic} Handbook", f"{rng.choice(b['noun'])}s of the {adj} {noun}"]
    name = rng.choice(names)
    if label == "good":
        form = rng.random()
        if form < 0.45:
            return f"{name}: {rng.choice(b['subtitle'])} {fmt}", "book"
        if form < 0.7:
            return f"{name} {fmt}", "book"
        if form < 0.85:
            return f"{name} by {rng.choice(b['author'])} {fmt}", "book"
        return f"{name}, Volume {rng.randint(1, 9)} {fmt}", "book"
    if label == "nc":
        pad = rng.choice([
            f"Book Novel {fmt} Book for Adults Teens Kids Readers",
            f"{fmt} Book Best Seller Gift Book for Men Women",
            f"Books for Adults {topic} Book Guide Book {fmt}",
            f"New {fmt} Book Great Gift Book Lovers Reading Book",
        ])
        return f"{name} {pad}", "book_padded"
    return rng.choice([f"{adj} {noun}", f"Vol {rng.randint(1, 9)}", f"Book {rng.randint(1, 9)}",
                       f"{noun} {fmt}".replace("(", "").replace(")", "")]), "book_unclear"


# ---- not concise (still clear): the padding operators ------------------------------------------------
def op_synonyms(pt: Parts, segs: list[str], rng: random.Random) -> None:
    syns = rng.sample(pt.p.syns, min(len(pt.p.syns), n_of(rng, {1: 0.35, 2: 0.4, 3: 0.25})))
    where = rng.random()
    block = " ".join(syns)
    if where < 0.5 and pt.core_text in segs:
        segs[segs.index(pt.core_text)] = pt.core_text + " " + block
        pt.core_text += " " + block
    elif where < 0.8:
        segs.append(block)
    else:
        segs.insert(rng.randint(1, len(segs)), block)


def op_restate(pt: Parts, segs: list[str], rng: random.Random) -> None:
    syn = rng.choice(pt.p.syns)
    attr = rng.choice(pt.p.attrs or pt.cat.attrs or FEATURES)
    crowd = rng.choice(pt.cat.crowd) if pt.cat.crowd else rng.choice(pt.cat.uses)
    segs.append(rng.choice([f"{attr} {syn} for {crowd}", f"{syn} {pt.type}", f"{pt.type} {syn}",
                            f"{attr} {pt.type}", f"{head(pt.type)} for {crowd}", f"{syn}"]))


def op_crowd(pt: Parts, segs: list[str], rng: random.Random) -> None:
    crowd = pt.cat.crowd or split(V.GIFT_FOR)
    words = rng.sample(crowd, min(len(crowd), rng.randint(3, 6)))
    if rng.random() < 0.3:
        segs.insert(rng.randint(0, 1), " ".join(words))
    else:
        segs.append("for " + " ".join(words))


def op_gift(pt: Parts, segs: list[str], rng: random.Random) -> None:
    occ = " ".join(rng.sample(OCCASIONS, rng.randint(2, 5)))
    who = " ".join(rng.sample(GIFT_FOR, rng.randint(2, 5)))
    segs.append(rng.choice([f"Gift for {who}", f"{occ} Gifts", f"{occ} Gift for {who}", f"Gifts for {who} {occ}",
                            f"Best {occ} Gift"]))


def op_uses(pt: Parts, segs: list[str], rng: random.Random) -> None:
    uses = rng.sample(pt.cat.uses, min(len(pt.cat.uses), rng.randint(3, 7)))
    segs.append(("for " if rng.random() < 0.8 else "Perfect for ") + " ".join(uses))


def op_compat(pt: Parts, segs: list[str], rng: random.Random) -> None:
    if pt.cat.name == "auto":
        makes = ["Toyota", "Honda", "Ford", "Chevy", "Nissan", "Jeep", "Dodge", "Kia", "Hyundai", "Subaru", "GMC",
                 "Mazda", "BMW", "VW", "Tesla"]
        segs.append("for " + " ".join(rng.sample(makes, rng.randint(4, 8))) + " " +
                    " ".join(rng.sample(["Car", "SUV", "Truck", "Sedan", "Van", "Pickup"], rng.randint(1, 4))))
        return
    devices = pt.cat.compat or ["iPhone", "Samsung", "Android", "iPad", "Tablet", "Laptop"]
    if rng.random() < 0.4 and any("iPhone" in d for d in devices):
        nums = sorted(rng.sample(["15", "14", "13", "12", "11", "XR", "XS", "X", "8", "SE"], rng.randint(4, 7)),
                      key=lambda x: -int(x) if x.isdigit() else 0)
        segs.append(f"for iPhone {' '.join(nums)} {' '.join(rng.sample(['Pro', 'Max', 'Plus', 'Mini'], rng.randint(2, 4)))}")
    else:
        sep = rng.choice([" ", ", ", "/"])
        segs.append(rng.choice(["for ", "Compatible with "]) + sep.join(rng.sample(devices, min(len(devices), rng.randint(4, 7)))))


def op_padding(pt: Parts, segs: list[str], rng: random.Random) -> None:
    terms = rng.sample(PADDING, rng.randint(1, 3))
    for term in terms:
        if rng.random() < 0.5:
            segs.insert(0, term)
        else:
            segs.append(term)


def op_features(pt: Parts, segs: list[str], rng: random.Random) -> None:
    feats = fresh(FEATURES, set(pt.used), rng, rng.randint(3, 6))
    sep = rng.choice([" ", ", "])
    segs.insert(rng.randint(1, len(segs)), sep.join(feats))


def op_repeat_head(pt: Parts, segs: list[str], rng: random.Random) -> None:
    h = head(pt.type)
    attr = rng.choice(pt.p.attrs or pt.cat.attrs or FEATURES)
    segs.append(rng.choice([f"{attr} {h}", f"{h} {rng.choice(pt.p.syns)}", f"with {h} {rng.choice(['Bag', 'Case', 'Cover', 'Set', 'Kit'])}",
                            f"{h} for {rng.choice(pt.cat.uses)}", f"{rng.choice(FEATURES)} {h}"]))


def op_redundant(pt: Parts, segs: list[str], rng: random.Random) -> None:
    choice = rng.random()
    if choice < 0.35 and pt.color:
        segs.insert(rng.randint(0, len(segs)), pt.color)
        segs.append(pt.color)
    elif choice < 0.65:
        size = rng.choice([("Large", "L"), ("Medium", "M"), ("X-Large", "XL"), ("Small", "S"), ("2 Pack", "2Pcs"),
                           ("6 Pack", "6 Pcs"), ("Set of 4", "4 Piece Set"), ("32 oz", "32oz Bottle")])
        segs.append(size[0])
        segs.append(size[1])
    elif pt.core_text.startswith(pt.brand):
        segs.append(pt.brand)  # brand repeated
    else:
        segs.append(rng.choice(["2 Pack 2Pcs", "1 Pc 1 Piece", "Set Kit Bundle"]))


def op_attr_dump(pt: Parts, segs: list[str], rng: random.Random) -> None:
    pool = [a for a in (pt.p.attrs + pt.cat.attrs) if a not in pt.attrs]
    segs.append(", ".join(rng.sample(pool, min(len(pool), rng.randint(4, 6)))))


def op_adj_stack(pt: Parts, segs: list[str], rng: random.Random) -> None:
    stack = rng.choice(ADJ_STACKS)
    block = " ".join(rng.sample(stack, rng.randint(3, min(5, len(stack)))))
    if pt.core_text in segs and rng.random() < 0.6:
        i = segs.index(pt.core_text)
        words = pt.core_text.split()
        j = max(0, len(words) - len(pt.type.split()))
        segs[i] = " ".join(words[:j] + [block] + words[j:])
        pt.core_text = segs[i]
    else:
        segs.insert(rng.randint(0, len(segs)), block)


def op_dup_word(pt: Parts, segs: list[str], rng: random.Random) -> None:
    """A word or code typed twice in a row ('Silver Silver', 'Diesel Diesel')."""
    i = rng.randrange(len(segs))
    words = segs[i].split()
    j = rng.randrange(len(words))
    words.insert(j, words[j].upper() if rng.random() < 0.2 else words[j])
    segs[i] = " ".join(words)
    if segs[i - 0].startswith(pt.core_text.split()[0]) and i == 0:
        pt.core_text = segs[i] if pt.core_text not in segs else pt.core_text


def op_occasions(pt: Parts, segs: list[str], rng: random.Random) -> None:
    """Occasions or uses stacked in front of the product noun ('Engagement Wedding Anniversary Ring')."""
    pool = OCCASIONS + pt.cat.uses
    block = " ".join(rng.sample(pool, rng.randint(3, 4)))
    if pt.core_text in segs:
        i = segs.index(pt.core_text)
        words = pt.core_text.split()
        j = max(0, len(words) - len(pt.type.split()))
        segs[i] = " ".join(words[:j] + [block] + words[j:])
        pt.core_text = segs[i]
    else:
        segs.append(block)


OPS = {"synonyms": (op_synonyms, 26), "restate": (op_restate, 12), "crowd": (op_crowd, 11), "gift": (op_gift, 7),
       "uses": (op_uses, 11), "compat": (op_compat, 2), "padding": (op_padding, 7), "features": (op_features, 7),
       "repeat_head": (op_repeat_head, 9), "redundant": (op_redundant, 4), "attr_dump": (op_attr_dump, 3),
       "adj_stack": (op_adj_stack, 7), "dup_word": (op_dup_word, 4), "occasions": (op_occasions, 4)}


def not_concise_title(cat: Category, rng: random.Random) -> tuple[str, str]:
    pt = Parts(cat, rng)
    pt.core_text = pt.core(with_brand=rng.random() < 0.7)
    segs = [pt.core_text] + [x for x in (pt.color, pt.spec) if x and rng.random() < 0.6]
    names = [n for n in OPS if n != "compat" or cat.compat or cat.name in ("electronics",)]
    k = n_of(rng, {1: 0.38, 2: 0.4, 3: 0.17, 4: 0.05})
    chosen: list[str] = []
    while len(chosen) < k:
        name = rng.choices(names, weights=[OPS[n][1] for n in names])[0]
        if name not in chosen or name == "synonyms":
            chosen.append(name)
    for name in chosen:
        OPS[name][0](pt, segs, rng)
    return join(segs, rng), "nc:" + "+".join(sorted(set(chosen)))


# ---- not clear (and so not concise) --------------------------------------------------------------------
def not_clear_title(cat: Category, rng: random.Random) -> tuple[str, str]:
    pt = Parts(cat, rng)
    t = rng.choices(["vague", "brand_model", "attrs_only", "spam_only", "generic", "compat_no_type", "mixed_types",
                     "crowd_spam", "code"], weights=[16, 16, 16, 8, 10, 9, 10, 9, 6])[0]
    if t == "vague":
        title = rng.choice(split(V.VAGUE.replace("\n", ";")))
        if rng.random() < 0.3:
            title += " " + rng.choice(COLORS + PADDING)
    elif t == "brand_model":
        m = pt.model or model_number(rng)
        title = " ".join(x for x in [pt.brand, m, rng.choice(["", pt.color, pt.spec, rng.choice(["V2", "Pro", "Plus", "Max", "2.0", "Gen 3"])])] if x)
    elif t == "attrs_only":
        bits = fresh(pt.p.attrs + pt.cat.attrs + FEATURES, set(), rng, rng.randint(2, 4))
        bits += [x for x in (pt.color, pt.spec) if x and rng.random() < 0.7]
        if rng.random() < 0.3:
            bits.insert(0, pt.brand)
        title = " ".join(bits)
    elif t == "spam_only":
        title = " ".join(rng.sample(PADDING, rng.randint(3, 6)))
    elif t == "generic":
        title = rng.choice([head(pt.type), f"{pt.aud} {head(pt.type)}".strip(), f"{head(pt.type)}s",
                            f"New {head(pt.type)}", f"{head(pt.type)} {rng.choice(['1 pc', 'Lot', 'Item', 'Sale'])}"])
    elif t == "compat_no_type":
        if cat.name == "auto":
            car, y1 = rng.choice(cat.compat), rng.randint(2000, 2018)
            title = f"Fits {y1}-{y1 + rng.randint(2, 6)} {car} {rng.choice(split(POSITIONS))}"
        else:
            dev = rng.choice(cat.compat or split(V.CATEGORIES['phone_accessories']['compat']))
            title = rng.choice([f"For {dev} {rng.choice(COLORS)}", f"Compatible with {dev}", f"{dev} {rng.choice(FEATURES)} {rng.choice(COLORS)}"])
    elif t == "mixed_types":
        others = rng.sample(cat.products, min(len(cat.products), rng.randint(3, 5)))
        title = " ".join(head(p.type) if rng.random() < 0.5 else p.type for p in others)
        if rng.random() < 0.4:
            title += " " + rng.choice(["Set", "Bundle", "Accessories", "Kit", "Lot"])
    elif t == "crowd_spam":
        crowd = rng.sample(cat.crowd or GIFT_FOR, min(3, len(cat.crowd or GIFT_FOR)))
        title = " ".join(crowd + rng.sample(OCCASIONS, 2) + rng.sample(PADDING, 2))
    else:
        title = rng.choice([f"{model_number(rng)} {pt.spec}", f"SKU {rng.randint(10000, 999999)}",
                            f"Item #{rng.randint(100, 99999)}", f"{model_number(rng)}-{rng.randint(1, 9)} {rng.randint(2, 10)}pcs"])
    return re.sub(r"\s+", " ", title).strip(), "nclear:" + t


# ---- label-preserving noise ---------------------------------------------------------------------------------
def noise(title: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.04:
        title = title.upper()
    elif r < 0.09:
        title = title.lower()
    elif r < 0.13:
        title = title.title()
    if rng.random() < 0.06:
        words = title.split()
        cands = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if cands:
            i = rng.choice(cands)
            w = words[i]
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1:] if rng.random() < 0.5 else w[:j] + w[j + 1] + w[j] + w[j + 2:]
            title = " ".join(words)
    if rng.random() < 0.03:
        title = title.replace(" with ", " w/ ", 1)
    if rng.random() < 0.03:
        title = title.replace(" and ", " & ", 1)
    return title


def description(title: str, cat: Category, rng: random.Random) -> str:
    feats = rng.sample(FEATURES, 3)
    text = rng.choice([
        f"{title}. {feats[0]} and {feats[1].lower()}. Satisfaction guaranteed.",
        f"Features: {', '.join(feats)}. Package includes 1 x item.",
        f"{feats[0]} design for everyday use. See size chart before ordering.",
        f"About this item: {feats[0]}, {feats[1]}, {feats[2]}.",
    ])
    if rng.random() < 0.08:
        text = f"<p>{text}</p><br><ul><li>{feats[0]}</li></ul>"
    return text


# ---- assembly -----------------------------------------------------------------------------------------------
def handwritten() -> list[dict[str, object]]:
    rows = []
    for line in V.HANDWRITTEN.strip().splitlines():
        title, clarity, concise, cat = (x.strip() for x in line.split("|"))
        rows.append({"title": title, "clarity": int(clarity), "conciseness": int(concise), "category": cat,
                     "source": "handwritten"})
    for line in V.SHORT_COMPLETE.strip().splitlines():
        title, cat = (x.strip() for x in line.split("|"))
        rows.append({"title": title, "clarity": 1, "conciseness": 1, "category": cat, "source": "short_complete"})
    return rows


def generate(rows: int = 4200, seed: int = 7, mix: tuple[float, float, float] = (0.47, 0.40, 0.13)) -> list[dict[str, object]]:
    """``rows`` labelled titles: hand-written ones plus generated good / not concise / not clear ones."""
    rng = random.Random(seed)
    out = handwritten()
    n_fixed = len(out)
    seen = {str(r["title"]).lower() for r in out}
    names = list(CAT_WEIGHTS)
    weights = [CAT_WEIGHTS[n] for n in names]
    n_book = int(rows * 0.035)
    kinds = ["good", "nc", "nclear"]
    attempts = 0
    while len(out) < rows and attempts < rows * 50:
        attempts += 1
        kind = rng.choices(kinds, weights=mix)[0]
        if len(out) - n_fixed < n_book:
            title, tmpl = book_title(rng, kind)
            catname = "books"
            cat = None
        elif rng.random() < 0.09:
            title, tmpl, catname = design_title(rng, kind)
            cat = CATS[catname]
        else:
            catname = rng.choices(names, weights=weights)[0]
            cat = CATS[catname]
            maker = {"good": good_title, "nc": not_concise_title, "nclear": not_clear_title}[kind]
            title, tmpl = maker(cat, rng)
        title = noise(title, rng)
        key = title.lower()
        if not title or key in seen:
            continue
        seen.add(key)
        clarity = 0 if kind == "nclear" else 1
        concise = 1 if kind == "good" else 0
        desc = description(title, cat, rng) if cat is not None and rng.random() < 0.3 else ""
        out.append({"title": title, "description": desc, "clarity": clarity, "conciseness": concise,
                    "category": catname, "source": f"gen:{tmpl}"})
    rng.shuffle(out)
    return out


def write(rows: list[dict[str, object]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["title", "description", "clarity", "conciseness", "category", "source"])
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in w.fieldnames})
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=4200, help="total rows (default 4200)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--out", type=Path, default=OUT, help=f"output CSV (default {OUT})")
    args = ap.parse_args(argv)
    rows = generate(args.rows, args.seed)
    write(rows, args.out)
    labels = Counter((r["clarity"], r["conciseness"]) for r in rows)
    cats = Counter(r["category"] for r in rows)
    print(f"wrote {len(rows)} rows to {args.out}: clear+concise {labels[(1, 1)]}, clear not concise "
          f"{labels[(1, 0)]}, not clear {labels[(0, 0)]}; {len(cats)} categories")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
