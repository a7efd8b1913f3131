"""Find personal data in free text by its content, not by the name of the column it sits in.

:func:`scan` returns one :class:`Finding` per value found (kind, severity, span); :func:`mask`
replaces every finding with a ``[kind]`` placeholder. Kinds:

========== ========= ====================================================================
kind       severity  what matches
========== ========= ====================================================================
id-number  critical  PRC resident ID: 18 digits with a valid GB 11643 checksum, or the old
                     15-digit form (province code + valid birth date)
bank-card  critical  13-19 digits (spaces/dashes in groups allowed) passing Luhn, with a
                     card-network prefix
email      high      addresses (not ``image@2x.png`` file names)
phone      high      Chinese mobiles and landlines, ``+``/``00`` international numbers and
                     formatted North-American numbers, validated with ``phonenumbers``
wechat     high      a handle after 微信/WeChat/vx/wx… (or a ``wxid_`` id)
qq         high      a 5-11 digit number after QQ/扣扣
address    high      Chinese street addresses (…路/街 N号) and Western ones (N Name Street)
url-token  high      URLs whose query carries a credential (token=, key=, sig=, …)
ip         medium    IPv4 and IPv6 addresses (not version strings)
========== ========= ====================================================================

Numbers preceded by words naming another kind of number (order, tracking, SKU, ISBN, EAN,
model, version, 订单, 单号, 型号…) are not personal data. Text holding JSON is scanned
twice: as it is, and with its strings decoded (so ``\\u`` escapes cannot hide a value).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SEVERITY = {
    "id-number": "critical", "bank-card": "critical", "email": "high", "phone": "high",
    "wechat": "high", "qq": "high", "address": "high", "url-token": "high", "ip": "medium",
}
KINDS = tuple(SEVERITY)
#: Which kind wins when two findings overlap (earlier wins).
_PRIORITY = ("url-token", "email", "id-number", "bank-card", "phone", "ip", "qq", "wechat", "address")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data in a text: ``text[start:end]`` is of ``kind``."""

    kind: str
    start: int
    end: int

    @property
    def severity(self) -> str:
        return SEVERITY[self.kind]


# ------------------------------------------------------------------ context that vetoes numbers
_NOT_PERSONAL = re.compile(
    r"(?i)(?:order|ord|tracking|track|waybill|shipment|parcel|sku|isbn|ean|upc|gtin|barcode|"
    r"model|part|p/n|mpn|invoice|serial|s/n|version|ver|build|firmware|batch|lot|item|product|"
    r"订单|单号|运单|快递|物流|条码|条形码|型号|货号|编号|序列号|发票|批次|版本|商品)"
    r"[\s:：#.号no]*$"
)


def _vetoed(text: str, start: int) -> bool:
    return bool(_NOT_PERSONAL.search(text[max(0, start - 16):start]))


# ------------------------------------------------------------------ detectors
_EMAIL = re.compile(r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,24})(?![\w-])", re.ASCII)
_FILE_EXT = {"png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "css", "js", "ico", "avif", "tif", "tiff"}


def _emails(text: str) -> Iterator[tuple[int, int]]:
    for m in _EMAIL.finditer(text):
        if m.group(1).lower() not in _FILE_EXT:
            yield m.span()


_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
              50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID18 = re.compile(rf"(?<![\w.-])[1-8]\d{{5}}(?:18|19|20)\d{{2}}{_DATE}\d{{3}}[\dXx](?![\w]|[ -]?\d)", re.ASCII)
_ID15 = re.compile(rf"(?<![\w.-])[1-8]\d{{5}}\d{{2}}{_DATE}\d{{3}}(?![\w]|[ -]?\d)", re.ASCII)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id18_checksum_ok(number: str) -> bool:
    """GB 11643 check character of an 18-character resident ID number."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def _id_numbers(text: str) -> Iterator[tuple[int, int]]:
    for m in _ID18.finditer(text):
        s = m.group(0)
        if int(s[:2]) in _PROVINCES and id18_checksum_ok(s) and not _vetoed(text, m.start()):
            yield m.span()
    for m in _ID15.finditer(text):
        if int(m.group(0)[:2]) in _PROVINCES and not _vetoed(text, m.start()):
            yield m.span()


_CARD = re.compile(r"(?<![\w.-])\d{4}(?:[ -]?\d{2,6}){2,4}(?![\w]|[ -]?\d|\.\d)", re.ASCII)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _ean_ok(digits: str) -> bool:
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10 == check


def _card_prefix_ok(d: str) -> bool:
    return (d[0] in "3456" or 2221 <= int(d[:4]) <= 2720) and not d.startswith(("978", "979"))


def _bank_cards(text: str) -> Iterator[tuple[int, int]]:
    for m in _CARD.finditer(text):
        raw = m.group(0)
        digits = re.sub(r"\D", "", raw)
        grouped = raw != digits
        if not 13 <= len(digits) <= 19 or not _card_prefix_ok(digits) or not luhn_ok(digits):
            continue
        if grouped and len({c for c in raw if not c.isdigit()}) > 1:
            continue  # mixed separators: a code, not a card
        if grouped and not re.fullmatch(r"\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{4,5}", raw):
            continue  # ISBN-like groups
        if not grouped and len(digits) == 13:
            continue  # a bare 13-digit number is an EAN/ISBN/timestamp, not a (retired) card
        if not grouped and len(digits) in (13, 14) and _ean_ok(digits):
            continue
        if _vetoed(text, m.start()):
            continue
        yield m.span()


_CN_MOBILE = re.compile(r"(?<![\w+.-])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![\w]|[ -]\d{3,}|\.\d)", re.ASCII)
_CN_LANDLINE = re.compile(
    r"(?<![\w+.-])(?:(?:\+|00)86[ -]?(?:\(0?\d{2,3}\)|0?\d{2,3})[ -]?|\(0\d{2,3}\)[ -]?|0\d{2,3}[ -])"
    r"[2-9]\d{2,3}[ -]?\d{4}(?![\w]|[ -]\d{3,}|\.\d)", re.ASCII)
_INTL_HINT = re.compile(r"(?:(?<![\w+])\+|(?<![\w./-])00)[1-9]|\(?(?<![\w.-])\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b", re.ASCII)


@lru_cache(maxsize=1)
def _phonenumbers() -> Any:
    import phonenumbers

    return phonenumbers


def _cn_valid(raw: str) -> bool:
    pn = _phonenumbers()
    try:
        num = pn.parse(raw, "CN")
    except pn.NumberParseException:
        return False
    return pn.is_valid_number(num)


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for rx in (_CN_MOBILE, _CN_LANDLINE) if _NUMERIC.search(text) else ():
        for m in rx.finditer(text):
            if not _vetoed(text, m.start()) and (rx is _CN_MOBILE or _cn_valid(m.group(0))):
                yield m.span()
    if not _INTL_HINT.search(text):
        return
    pn = _phonenumbers()
    for match in pn.PhoneNumberMatcher(text, "US", leniency=pn.Leniency.POSSIBLE):
        raw = match.raw_string
        # "+country number" of a possible length is a phone even if its range is unassigned;
        # a national number must be a valid, formatted North-American one
        before, after = text[max(0, match.start - 1):match.start], text[match.end:match.end + 2]
        glued = bool(re.match(r"[A-Za-z0-9_./-]$", before) or re.match(r"[-_./]?[A-Za-z0-9]", after))
        international = raw.startswith(("+", "00")) and len(re.sub(r"\D", "", raw)) >= 8 and not glued
        # ... and stand on its own: "f250-3821-494e" inside a UUID is not a phone
        formatted = (bool(re.search(r"[ ().-]", raw)) and match.number.country_code == 1
                     and not re.search(r"[A-Za-z0-9]$", before) and not re.match(r"[A-Za-z0-9]", after)
                     and pn.is_valid_number(match.number))
        if (international or formatted) and not _vetoed(text, match.start):
            yield match.start, match.end


_WECHAT = re.compile(
    r"(?i)(?:(?<![a-z])(?:wechat|weixin|wx|vx)(?P<sep>\s*(?:id|号码|号)?\s*[:：]\s*|\s+(?:id\s+|号\s*)?)"
    r"|(?:微信|威信|薇信|加v|加微|v信)(?P<zsep>\s*(?:id|号码|号)?\s*[:：]?\s*))"
    r"(?P<h>[A-Za-z][-_A-Za-z0-9]{5,19})(?![\w-])", re.ASCII)
_WXID = re.compile(r"(?<![\w-])wxid_[a-z0-9]{6,24}(?![\w-])", re.IGNORECASE | re.ASCII)


def _wechat(text: str) -> Iterator[tuple[int, int]]:
    for m in _WECHAT.finditer(text):
        handle = m.group("h")
        sep = m.group("sep") if m.group("sep") is not None else m.group("zsep")
        if re.search(r"[:：号]|id", sep, re.IGNORECASE) or re.search(r"[\d_-]", handle):
            yield m.span("h")
    for m in _WXID.finditer(text):
        yield m.span()


_QQ = re.compile(r"(?i)(?:(?<![a-z])qq|扣扣|企鹅)\s*(?:号码|号|群)?\s*[:：]?\s*(?P<n>[1-9]\d{4,10})(?![\w]|\.\d)", re.ASCII)


def _qq(text: str) -> Iterator[tuple[int, int]]:
    for m in _QQ.finditer(text):
        yield m.span("n")


_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)", re.ASCII)
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?![\w:])", re.ASCII)
_VERSION_CTX = re.compile(r"(?i)(?:v|ver|version|build|firmware|release|固件|版本)[\s.:：]*$")


def _ips(text: str) -> Iterator[tuple[int, int]]:
    for m in _IPV4.finditer(text):
        try:
            ipaddress.IPv4Address(m.group(0))
        except ValueError:
            continue
        if not _VERSION_CTX.search(text[max(0, m.start() - 12):m.start()]):
            yield m.span()
    for m in _IPV6.finditer(text):
        s = m.group(0)
        groups = [g for g in s.split(":") if g]
        if len(groups) < 3 or not any(len(g) >= 3 or re.search(r"[a-fA-F]", g) for g in groups):
            continue  # 12:30:45 is a time, not an address
        try:
            ipaddress.IPv6Address(s)
        except ValueError:
            continue
        yield m.span()


_CJK = "\u4e00-\u9fff"
_ZH_ADDRESS = re.compile(
    rf"(?:[{_CJK}]{{2,8}}(?:省|自治区|特别行政区))?(?:[{_CJK}]{{2,8}}(?:市|州|盟))?"
    rf"(?:[{_CJK}]{{1,8}}(?:区|县|旗|镇|乡))?"
    rf"[{_CJK}A-Za-z0-9]{{1,12}}(?:路|街|大道|大街|巷|弄|胡同|道)[{_CJK}]{{0,4}}?"
    rf"\d{{1,5}}(?:-\d{{1,5}})?号(?:院|楼)?"
    rf"(?:[{_CJK}A-Za-z0-9-]{{0,12}}?(?:室|层|楼|单元|栋|幢|座))?")
_STREET = (r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
           r"Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Square|Sq|Close|Crescent|Row|Alley")
_EN_ADDRESS = re.compile(
    rf"(?<![\w.,-])\d{{1,5}}[A-Za-z]?,?\s+(?:(?:[NSEW]\.?|North|South|East|West)\s+)?"
    rf"(?:[A-Z][A-Za-z'’-]+\s+){{1,4}}(?:{_STREET})\b\.?"
    rf"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Room|#)\.?\s*#?[\w-]{{1,6}})?"
    rf"(?=\s*(?:$|[,.;:)\n(]|and\b|in\b|near\b|[a-z]|[^\x00-\x7f]))", re.ASCII)


_STREET_WORD = re.compile(rf"\b(?:{_STREET})\b", re.ASCII)


def _addresses(text: str) -> Iterator[tuple[int, int]]:
    if "号" in text:
        yield from (m.span() for m in _ZH_ADDRESS.finditer(text))
    if _STREET_WORD.search(text):
        for m in _EN_ADDRESS.finditer(text):
            if not _vetoed(text, m.start()):
                yield m.span()


_URL = re.compile(r"(?i)\b(?:https?|ftp)://[^\s\"'<>\\]+")
_SECRET_NAMES = (r"access_token|refresh_token|id_token|auth_token|token|api_key|apikey|key|sig|signature|"
                 r"secret|client_secret|password|passwd|pwd|session|sessionid|session_id|sid|auth|x-amz-signature|"
                 r"x-amz-credential|code|ticket")
_SECRET_PARAM = re.compile(rf"(?i)[?&#;](?:{_SECRET_NAMES})=([^&#\s]{{6,}})")


def _url_tokens(text: str) -> Iterator[tuple[int, int]]:
    if "://" not in text:
        return
    for m in _URL.finditer(text):
        if _SECRET_PARAM.search(m.group(0)):
            yield m.span()


_DETECTORS = {
    "url-token": _url_tokens, "email": _emails, "id-number": _id_numbers, "bank-card": _bank_cards,
    "phone": _phones, "ip": _ips, "qq": _qq, "wechat": _wechat, "address": _addresses,
}
# Cheap tests that rule a detector out before its regexes run (most values are ids, codes and
# product text): a digit run of 7+ characters starting at a token boundary, context words...
_NUMERIC = re.compile(r"(?<![A-Za-z0-9_.\-])[+(]?\d[\d ()\-]{6,}", re.ASCII)
_RUN15 = re.compile(r"\d{15}", re.ASCII)
_WECHAT_WORDS = ("wechat", "weixin", "wx", "vx", "微信", "威信", "薇信", "加v", "v信", "加微")
_QQ_WORDS = ("qq", "扣扣", "企鹅")


def _gates(text: str) -> dict[str, bool]:
    low = text.lower()
    numeric = _NUMERIC.search(text) is not None
    return {
        "url-token": "://" in text, "email": "@" in text,
        "id-number": numeric and _RUN15.search(text) is not None, "bank-card": numeric,
        "phone": numeric or _INTL_HINT.search(text) is not None,
        "ip": ("." in text or ":" in text) and any(c.isdigit() for c in text),
        "qq": any(w in low for w in _QQ_WORDS), "wechat": any(w in low for w in _WECHAT_WORDS),
        "address": any(c.isdigit() for c in text),
    }


# The gates as one RE2 pattern for DuckDB: every text in which scan() can find something
# matches it (where a detector's own precondition is stricter than its gate, that one: 号 or
# a street word for addresses, the IP and credential-URL shapes), so a warehouse scan hands
# only those to Python. Lookbehinds become ``(?:^|[^...])``; a backslash lets JSON escapes through.
# tests/test_pii_scan.py checks it against scan() on the labelled corpus.
SQL_CANDIDATE = "|".join((
    r"(?s)@|\\|号",
    rf"://.*[?&#;](?i:{_SECRET_NAMES})=",  # url-token
    r"(?:^|[^A-Za-z0-9_.\-])[+(]?[0-9][0-9 ()\-]{6,}",  # _NUMERIC
    r"(?:^|[^A-Za-z0-9_+])\+[1-9]|(?:^|[^A-Za-z0-9_./\-])00[1-9]",  # _INTL_HINT
    r"(?:^|[^A-Za-z0-9_.\-])[0-9]{3}\)?[ .\-][0-9]{3}[ .\-][0-9]{4}\b",
    r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|:[0-9A-Fa-f]{0,4}:",  # ip (v4, v6)
    r"(?i:qq|wechat|weixin|wx|vx|加v|v信)|扣扣|企鹅|微信|威信|薇信|加微",
    rf"\b(?:{_STREET})\b",  # address (English); Chinese ones need 号
))


def sql_candidate(expr: str) -> str:
    """A DuckDB condition on the text ``expr``, true for every text :func:`scan` finds anything in."""
    return f"regexp_matches({expr}, '{SQL_CANDIDATE.replace(chr(39), chr(39) * 2)}')"


def _scan_plain(text: str) -> list[Finding]:
    gates = _gates(text)
    found: list[Finding] = []
    for kind in _PRIORITY:
        if not gates[kind]:
            continue
        for start, end in _DETECTORS[kind](text):
            if end > start and not any(f.start < end and start < f.end for f in found):
                found.append(Finding(kind, start, end))
    return sorted(found, key=lambda f: f.start)


def _strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def _json_findings(text: str, found: list[Finding]) -> list[Finding]:
    """Findings inside the decoded strings of a JSON text, located in the raw text."""
    try:
        obj = json.loads(text)
    except ValueError:
        return found
    found = list(found)
    for s in _strings(obj):
        for f in _scan_plain(s):
            value = s[f.start:f.end]
            forms = {json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
            forms |= {x.replace("/", "\\/") for x in forms}
            for form in forms:
                at = text.find(form)
                while at >= 0:
                    end = at + len(form)
                    if not any(g.start < end and at < g.end for g in found):
                        found.append(Finding(f.kind, at, end))
                    at = text.find(form, end)
    return sorted(found, key=lambda f: f.start)


def scan(text: Any) -> list[Finding]:
    """Every piece of personal data in ``text`` (non-overlapping, in order)."""
    if not isinstance(text, str) or len(text) < 5:
        return []
    found = _scan_plain(text)
    stripped = text.lstrip()
    if stripped[:1] in ("{", "[") and "\\" in text:
        found = _json_findings(text, found)
    return found


def mask(text: Any, findings: list[Finding] | None = None) -> Any:
    """``text`` with every finding replaced by ``[kind]`` (non-strings are returned as they are)."""
    if not isinstance(text, str):
        return text
    findings = scan(text) if findings is None else findings
    if not findings:
        return text
    out, pos = [], 0
    for f in findings:
        out.append(text[pos:f.start])
        out.append(f"[{f.kind}]")
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def excerpt(text: str, finding: Finding, findings: list[Finding], width: int = 24) -> str:
    """A masked window of ``text`` around ``finding`` (every finding in it masked)."""
    out, pos, at = [], 0, 0
    for f in findings:
        out.append(text[pos:f.start])
        token = f"[{f.kind}]"
        if f == finding:
            at = sum(len(x) for x in out)
        out.append(token)
        pos = f.end
    out.append(text[pos:])
    masked = "".join(out)
    lo, hi = max(0, at - width), min(len(masked), at + len(f"[{finding.kind}]") + width)
    return ("…" if lo else "") + masked[lo:hi].replace("\n", " ") + ("…" if hi < len(masked) else "")
