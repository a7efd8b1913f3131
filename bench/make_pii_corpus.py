"""Generate bench/pii_corpus.jsonl: a labelled corpus for the personal-data scanner.

Every value is synthetic (random digits with the right checksums, example.* domains,
made-up names and streets); nothing comes from real data. Each line is
``{"id", "lang", "group", "text", "labels": [{"kind", "value"}]}``: ``group`` names the
positive kind or the negative family (sku, ean, isbn, order, tracking, price, model,
timestamp, hash, version, url, product, mac), ``labels`` every personal value in the text.

    python bench/make_pii_corpus.py            # rewrites bench/pii_corpus.jsonl (seeded)
"""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

OUT = Path(__file__).with_name("pii_corpus.jsonl")
R = random.Random(20240611)
N = 24  # examples per positive template family

# ---------------------------------------------------------------------------- value makers
FIRST = ["li", "wang", "zhang", "liu", "chen", "jane", "tom", "anna", "mark", "lucy", "wei", "fang"]
LAST = ["doe", "smith", "lee", "wu", "zhao", "brown", "hu", "lin", "xu", "king"]
DOMAINS = ["example.com", "example.cn", "example.org", "mail.example.net", "shop.example.co.uk", "test.example"]
PROVINCES = [("11", "北京市", ""), ("31", "上海市", ""), ("44", "广东省", "深圳市"), ("33", "浙江省", "杭州市"),
             ("32", "江苏省", "南京市"), ("51", "四川省", "成都市"), ("42", "湖北省", "武汉市")]
DISTRICTS = ["朝阳区", "海淀区", "浦东新区", "南山区", "西湖区", "鼓楼区", "武侯区", "江汉区"]
ROADS = ["建国路", "中山路", "人民路", "解放路", "科技园路", "文三路", "世纪大道", "长江路", "和平街", "学院路"]
STREETS = ["Maple", "Oak", "Elm", "Cedar", "Pine", "Baker", "Main", "Sunset", "Lakeview", "Hillcrest", "Park", "Mill"]
SUFFIXES = ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Lane", "Drive", "Boulevard", "Court", "Way", "Place"]
CITIES = ["Springfield", "Riverton", "Fairview", "Greenville", "Madison", "Oakridge"]


def digits(n: int) -> str:
    return "".join(R.choice(string.digits) for _ in range(n))


def email() -> str:
    sep = R.choice([".", "_", "", "-"])
    return f"{R.choice(FIRST)}{sep}{R.choice(LAST)}{R.randint(1, 999)}@{R.choice(DOMAINS)}"


def luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def card() -> str:
    kind = R.choice(["visa", "mc", "unionpay", "unionpay19", "amex", "mc2"])
    if kind == "visa":
        num = luhn_complete("4" + digits(14))
    elif kind == "mc":
        num = luhn_complete(f"5{R.randint(1, 5)}" + digits(13))
    elif kind == "mc2":
        num = luhn_complete(str(R.randint(2221, 2720)) + digits(11))
    elif kind == "unionpay":
        num = luhn_complete("62" + digits(13))
    elif kind == "unionpay19":
        num = luhn_complete("62" + digits(16))
    else:
        num = luhn_complete(R.choice(["34", "37"]) + digits(12))
    style = R.choice(["plain", "space", "dash"])
    if style == "plain":
        return num
    sep = " " if style == "space" else "-"
    if len(num) == 15:
        return sep.join([num[:4], num[4:10], num[10:]])
    return sep.join(num[i:i + 4] for i in range(0, len(num), 4))


def id18() -> str:
    prov = R.choice(PROVINCES)[0]
    body = f"{prov}{R.randint(1, 9):02d}{R.randint(1, 30):02d}{R.randint(1950, 2005)}{R.randint(1, 12):02d}{R.randint(1, 28):02d}{digits(3)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def id15() -> str:
    prov = R.choice(PROVINCES)[0]
    return f"{prov}{R.randint(1, 9):02d}{R.randint(1, 30):02d}{R.randint(50, 89)}{R.randint(1, 12):02d}{R.randint(1, 28):02d}{digits(3)}"


def cn_mobile() -> str:
    n = f"1{R.choice('3456789')}{digits(9)}"
    style = R.choice(["plain", "space", "dash", "+86", "+86plain"])
    return {"plain": n, "space": f"{n[:3]} {n[3:7]} {n[7:]}", "dash": f"{n[:3]}-{n[3:7]}-{n[7:]}",
            "+86": f"+86 {n[:3]} {n[3:7]} {n[7:]}", "+86plain": f"+86{n}"}[style]


def cn_landline() -> str:
    area, local = R.choice([("010", 8), ("021", 8), ("0755", 8), ("0571", 8), ("025", 8), ("028", 8)])
    num = str(R.randint(2, 8)) + digits(local - 1)
    return R.choice([f"{area}-{num}", f"({area}) {num[:4]} {num[4:]}", f"{area} {num}"])


def intl_phone() -> str:
    return R.choice([
        f"+44 20 7946 0{digits(3)}", f"+1 415 555 0{R.randint(100, 199)}", f"+1 (212) 555-0{R.randint(100, 199)}",
        f"+49 30 {R.randint(2, 9)}{digits(7)}", f"+81 3-{R.randint(1000, 9999)}-{digits(4)}",
        f"+33 1 {R.randint(40, 49)} {digits(2)} {digits(2)} {digits(2)}", f"+61 2 {R.randint(8000, 9999)} {digits(4)}",
        f"({R.choice(['212', '415', '312', '617'])}) 555-0{R.randint(100, 199)}",
        f"{R.choice(['212', '415', '312', '617'])}-555-0{R.randint(100, 199)}",
    ])


def wechat() -> str:
    return R.choice([
        f"{R.choice(FIRST)}_{R.choice(LAST)}{R.randint(10, 99)}", f"wxid_{''.join(R.choices(string.ascii_lowercase + string.digits, k=12))}",
        f"{R.choice(FIRST)}{R.randint(1990, 2005)}", f"shop{R.choice(LAST)}{R.randint(1, 99)}",
    ])


def qq() -> str:
    return str(R.randint(10000, 9999999999))


def ipv4() -> str:
    return ".".join(str(x) for x in (R.choice([8, 23, 45, 58, 61, 101, 114, 172, 192, 203, 210]), R.randint(0, 255),
                                     R.randint(0, 255), R.randint(1, 254)))


def ipv6() -> str:
    groups = [f"{R.randint(0, 65535):x}" for _ in range(8)]
    return R.choice([":".join(groups), f"2001:db8::{groups[0]}:{groups[1]}", f"fe80::{groups[2]}:{groups[3]}:{groups[4]}:{groups[5]}",
                     f"2408:8207:{groups[0]}:{groups[1]}::{groups[2]}"])


def zh_address() -> str:
    prov, city, city2 = R.choice(PROVINCES)
    city = city if city else ""
    head = R.choice([f"{city}{city2}", f"{city2 or city}", ""]) + R.choice(DISTRICTS)
    tail = R.choice(["", f"{R.randint(1, 30)}栋{R.randint(101, 2808)}室", f"{R.randint(1, 9)}单元{R.randint(101, 1808)}"])
    return f"{head}{R.choice(ROADS)}{R.randint(1, 999)}号{tail}"


def en_address() -> str:
    base = f"{R.randint(1, 9999)} {R.choice(STREETS)} {R.choice(SUFFIXES)}"
    return R.choice([base, f"{base}, Apt {R.randint(1, 40)}{R.choice('ABCD')}", f"{base}, Suite {R.randint(100, 900)}"])


def token_url() -> str:
    tok = "".join(R.choices(string.ascii_letters + string.digits, k=R.randint(16, 40)))
    return R.choice([
        f"https://api.example.com/v1/orders?access_token={tok}",
        f"https://cdn.example.net/img/{digits(6)}.jpg?sig={tok}&expires={digits(10)}",
        f"https://example.com/reset-password?token={tok}",
        f"http://shop.example.cn/callback?uid={digits(5)}&key={tok}",
        f"https://files.example.org/dl?X-Amz-Signature={tok}&X-Amz-Expires=300",
    ])


# ---------------------------------------------------------------------------- templates
POSITIVE = {
    "email": (email, ["Contact me at {v} for wholesale prices", "有问题请发邮件到{v}，24小时回复",
                      "seller email: {v}", '{{"contact": "{v}", "color": "red"}}', "邮箱 {v} 联系"]),
    "phone": (lambda: R.choice([cn_mobile, cn_mobile, cn_landline, intl_phone])(),
              ["Call {v} for discount", "联系电话：{v} 欢迎咨询", "手机{v}同微信", "tel {v} (9am-6pm)",
               '{{"service_phone": "{v}"}}', "客服热线 {v}"]),
    "id-number": (lambda: R.choice([id18, id18, id15])(),
                  ["身份证号 {v}", "ID card {v} verified", "实名认证：{v}", "buyer id number {v}", '{{"idno": "{v}"}}']),
    "bank-card": (card, ["转账到 {v} 即可", "pay to card {v}", "银行卡号：{v}", "card: {v} exp 12/27",
                         '{{"note": "refund to {v}"}}']),
    "wechat": (wechat, ["加微信 {v} 领优惠券", "WeChat: {v}", "vx: {v} 私聊", "微信号：{v}", "add me on wechat {v}",
                        '{{"remark": "wx: {v}"}}']),
    "qq": (qq, ["QQ: {v}", "加QQ群 {v} 交流", "扣扣 {v} 联系客服", "my qq {v}"]),
    "ip": (lambda: R.choice([ipv4, ipv4, ipv6])(), ["login from {v}", "客户端IP {v} 访问", "client_ip={v} ok",
                                                   '{{"ip": "{v}"}}', "blocked {v} after 5 tries"]),
    "address": (lambda: R.choice([zh_address, en_address])(),
                ["收货地址：{v}", "ship to {v}, thanks", "寄到{v}", "Deliver to {v}.", "pickup at {v} near the gate"]),
    "url-token": (token_url, ["reset link {v}", "图片 {v} 已上传", "callback {v} returned 200", '{{"img": "{v}"}}']),
}


def ean13() -> str:
    body = R.choice(["690", "692", "400", "501", "760"]) + digits(9)
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def upc() -> str:
    body = digits(11)
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def isbn13() -> str:
    body = "9787" + digits(8)
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    full = body + str((10 - total % 10) % 10)
    return R.choice([full, f"{full[:3]}-{full[3]}-{full[4:7]}-{full[7:12]}-{full[12]}"])


def hexstr(n: int) -> str:
    return "".join(R.choices("0123456789abcdef", k=n))


NEGATIVE = {
    "sku": [lambda: f"SKU: {R.choice(['AB', 'HX', 'TZ'])}-{digits(5)}-{R.choice(['XL', 'M', 'S'])}",
            lambda: f"货号 HX{digits(8)}", lambda: f"SKU {digits(8)}", lambda: f"sku {digits(11)} in stock"],
    "ean": [lambda: f"EAN {ean13()}", lambda: f"条码 {ean13()}", lambda: f"UPC {upc()}", lambda: f"barcode: {ean13()}",
            lambda: ean13()],
    "isbn": [lambda: f"ISBN {isbn13()}", lambda: f"ISBN-10 7-{digits(3)}-{digits(5)}-{R.choice('0123456789X')}", isbn13],
    "order": [lambda: f"Order #{digits(15)}", lambda: f"订单号 {R.choice('1234')}{digits(15)}",
              lambda: f"order {luhn_complete('4' + digits(14))} shipped", lambda: f"订单编号：{id18()[:-1]}7",
              lambda: f"order no. 1{R.choice('3578')}{digits(9)}", lambda: f"invoice {luhn_complete('5' + digits(14))}"],
    "tracking": [lambda: f"tracking 9400{digits(18)}", lambda: f"SF{digits(12)}", lambda: f"1Z{digits(3)}AA1{digits(10)}",
                 lambda: f"运单号 YT{digits(13)}", lambda: f"快递单号 {digits(14)}", lambda: f"waybill 7{digits(13)}"],
    "price": [lambda: f"¥{R.randint(10, 99999)}.{digits(2)}", lambda: f"${R.randint(1, 9)},{digits(3)}.99",
              lambda: f"售价 {R.randint(1000, 99999)} 元", lambda: f"RMB {R.randint(1, 9)},{digits(3)}",
              lambda: f"was {R.randint(100, 999)}.00 now {R.randint(10, 99)}.90"],
    "model": [lambda: R.choice(["RTX 4090 24GB", "Samsung QN65Q80C 65 inch", "iPhone 15 Pro Max 256GB", "SM-G9910",
                                "Model 3 Drive Unit", "2 Way Radio Long Range", "12 Volt Drive Motor", "Canon EOS R5 Mark II",
                                "Road Bike 700C 21 Speed", "Off-Road 4x4 Tire 265/70R17", "Street Fighter 6 for PS5",
                                "USB 3.2 Gen 2 Hub", "ISO 9001:2015 certified", "IP67 waterproof", "大号 5号电池 10节装",
                                "1920x1080 monitor 27 inch", "型号 A2337 M1", "3号线地铁站附近门店 上市时间2023年"]),
              lambda: f"model {R.choice('ABXZ')}{digits(4)}-{digits(3)}", lambda: f"型号 {digits(11)}",
              lambda: f"part no. {digits(15)}"],
    "timestamp": [lambda: f"2024-0{R.randint(1, 9)}-1{R.randint(0, 9)} 1{R.randint(0, 9)}:{R.randint(10, 59)}:{R.randint(10, 59)}",
                  lambda: f"2024-03-15T12:{R.randint(10, 59)}:{R.randint(10, 59)}Z", lambda: f"ts {R.randint(1600000000, 1800000000)}",
                  lambda: f"ts_ms {R.randint(1600000000000, 1800000000000)}", lambda: f"20240{R.randint(1, 9)}1{R.randint(0, 9)}12{digits(4)}",
                  lambda: f"at 12:{R.randint(10, 59)}:{R.randint(10, 59)}.{digits(3)}"],
    "hash": [lambda: f"md5 {hexstr(32)}", lambda: f"sha256:{hexstr(64)}", lambda: f"commit {hexstr(7)}",
             lambda: f"etag \"{hexstr(40)}\"", lambda: digits(32),
             lambda: f"{R.choice(['00', ''])}{hexstr(6)}-{hexstr(4)}-4{hexstr(3)}-{hexstr(4)}-{hexstr(12)}"],
    "version": [lambda: f"v{R.randint(1, 9)}.{R.randint(0, 20)}.{R.randint(0, 99)}",
                lambda: f"version 10.0.{R.randint(10000, 22999)}.{R.randint(100, 4000)}",
                lambda: f"firmware {R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 99)}",
                lambda: f"固件版本 {R.randint(1, 5)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}",
                lambda: f"Android {R.randint(10, 15)}.0.0.{R.randint(100, 999)}", lambda: f"build {R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}"],
    "url": [lambda: f"https://shop.example.com/item/{digits(6)}?color=red", lambda: f"https://example.com/p?id={digits(6)}&page=2",
            lambda: "详情见 https://m.example.cn/s?q=phone+case&sort=price", lambda: f"https://cdn.example.net/img/{hexstr(16)}@2x.png"],
    "product": [lambda: R.choice(["Nike Air Zoom Pegasus 40 Men's Running Shoes, Size 10.5", "3 pack 500 ml",
                                  "released 2024-11-23, size 10-12, 1080p", "wechat pay supported", "支持微信支付 包邮",
                                  "QQ音乐 会员 12个月", "5G 256GB 双卡双待", "IPv6 ready router", "Main Street Collection sofa",
                                  "image@2x.png", "10.5 x 20.3 cm", "color: red; size: XL; 100% cotton"]),
                lambda: f"{R.randint(2, 12)} pcs {R.randint(100, 999)} ml", lambda: f"尺码 {R.randint(35, 45)} 码 {R.randint(1, 9)}号色"],
    "mac": [lambda: ":".join(hexstr(2).upper() for _ in range(6))],
}


def main() -> None:
    rows = []
    for kind, (make, templates) in POSITIVE.items():
        for t in templates:
            for _ in range(max(3, N // len(templates) + 2)):
                v = make()
                text = t.format(v=v)
                lang = "zh" if any("\u4e00" <= c <= "\u9fff" for c in t) else "en"
                rows.append({"lang": lang, "group": kind, "text": text, "labels": [{"kind": kind, "value": v}]})
    # mixed rows: two kinds in one text
    for _ in range(20):
        a, b = email(), cn_mobile()
        rows.append({"lang": "zh", "group": "mixed", "text": f"联系 {a} 或 {b}",
                     "labels": [{"kind": "email", "value": a}, {"kind": "phone", "value": b}]})
    for family, makers in NEGATIVE.items():
        for make in makers:
            for _ in range(8):
                text = make()
                lang = "zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en"
                rows.append({"lang": lang, "group": family, "text": text, "labels": []})
    # hard cases, written down as they are known to be hard (both directions)
    for _ in range(4):
        us = f"{R.choice(['415', '212', '617'])}555{R.randint(1000, 1999)}"
        uk = f"020 7946 0{digits(3)}"
        handle = f"{R.choice(FIRST)}_{R.choice(LAST)}{R.randint(10, 99)}"
        hard = [
            ("phone", f"call {us} after 6pm", us, "en"), ("phone", f"ring {uk} (London office)", uk, "en"),
            ("address", f"寄到北京市海淀区中关村{R.choice(['大街', '南路'])}", f"北京市海淀区中关村{R.choice(['大街', '南路'])}", "zh"),
            ("address", f"mail to PO Box {R.randint(100, 9999)}, {R.choice(CITIES)}", None, "en"),
            ("email", f"write to {R.choice(FIRST)} dot {R.choice(LAST)} at example dot com", None, "en"),
            ("wechat", f"加我 {handle} 私聊", handle, "zh"),
            ("email", f"{qq()}@qq.com 联系", None, "zh"),
        ]
        for kind, text, value, lang in hard:
            if value is None:
                value = text.split("to ", 1)[-1] if kind != "email" or "@" in text else text.split("to ", 1)[1]
                value = text.split(" 联系")[0] if "@qq.com" in text else value
            if value not in text:
                value = text[text.index("北京"):] if "北京" in text else value
            rows.append({"lang": lang, "group": "hard", "text": text, "labels": [{"kind": kind, "value": value}]})
        bare = luhn_complete(R.choice("456") + digits(14))
        rows += [{"lang": "en", "group": "hard-negative", "text": t, "labels": []} for t in (
            f"ref {bare}", f"#1{R.choice('3589')}{digits(9)} restock", f"{R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(1, 9)} released",
            f"{R.randint(10, 99)} Watt Drive motor, quiet",
        )]
    seen, out = set(), []
    for r in rows:
        if r["text"] not in seen:
            seen.add(r["text"])
            out.append({"id": len(out) + 1, **r})
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    print(f"{len(out)} rows -> {OUT}")


if __name__ == "__main__":
    main()
