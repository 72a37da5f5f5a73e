"""A deterministic, realistic store: the same `--seed` gives the same items, ids and timestamps every time.

Finnish and Swedish people and companies come from faker's fi_FI and sv_SE locales; product names are a
small trilingual catalogue (fi, sv, en) so that `translations` hold real text in every store language.
Items are created through the same writes the API uses, so seeded data obeys the same rules.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from faker import Faker

from .campaigns import seed_campaigns
from .catalog import log_stock_change
from .orders import reserve
from .rules import Rules
from .state import HELSINKI, Record, StoreState, stamp
from .writes import create

__all__ = ["seed_store"]

EPOCH = datetime(2025, 1, 2, 9, 0, tzinfo=HELSINKI)  # seeded timestamps count from here, not from the wall clock

_GOODS = [  # (fi, sv, en, category index, base price, VAT %)
    ("Villasukat", "Ullsockor", "Wool socks", 0, 19.9, 24),
    ("Pipo", "Mössa", "Beanie", 0, 24.9, 24),
    ("Kuoritakki", "Skaljacka", "Shell jacket", 0, 189.0, 24),
    ("Kumisaappaat", "Gummistövlar", "Rubber boots", 0, 79.0, 24),
    ("Kahvimuki", "Kaffemugg", "Coffee mug", 1, 14.5, 24),
    ("Valurautapannu", "Gjutjärnspanna", "Cast iron pan", 1, 69.0, 24),
    ("Leikkuulauta", "Skärbräda", "Cutting board", 1, 34.0, 24),
    ("Termospullo", "Termos", "Vacuum flask", 1, 29.9, 24),
    ("Kahvi, tumma paahto", "Kaffe, mörkrost", "Coffee, dark roast", 2, 8.9, 14),
    ("Ruisleipä", "Rågbröd", "Rye bread", 2, 4.2, 14),
    ("Lakritsi", "Lakrits", "Liquorice", 2, 3.5, 14),
    ("Hunaja", "Honung", "Honey", 2, 9.8, 14),
    ("Keittokirja", "Kokbok", "Cookbook", 3, 32.0, 10),
    ("Lastenkirja", "Barnbok", "Children's book", 3, 18.0, 10),
    ("Sauna-vihta", "Bastukvast", "Sauna whisk", 4, 12.0, 24),
    ("Löylykauha", "Bastuskopa", "Sauna ladle", 4, 22.0, 24),
    ("Saunatyyny", "Bastudyna", "Sauna pillow", 4, 26.0, 24),
    ("Retkituoli", "Campingstol", "Camping chair", 5, 49.0, 24),
    ("Otsalamppu", "Pannlampa", "Head torch", 5, 39.0, 24),
    ("Makuupussi", "Sovsäck", "Sleeping bag", 5, 129.0, 24),
]
_COLOURS = [
    ("musta", "svart", "black"),
    ("harmaa", "grå", "grey"),
    ("sininen", "blå", "blue"),
    ("vihreä", "grön", "green"),
    ("punainen", "röd", "red"),
    ("valkoinen", "vit", "white"),
]
_CATEGORIES = [
    ("Vaatteet", "Kläder", "Clothing", ["Sukat", "Päähineet", "Takit"]),
    ("Keittiö", "Kök", "Kitchen", ["Astiat", "Pannut"]),
    ("Herkut", "Delikatesser", "Delicacies", ["Kahvit", "Makeiset"]),
    ("Kirjat", "Böcker", "Books", []),
    ("Sauna", "Bastu", "Sauna", []),
    ("Retkeily", "Friluftsliv", "Outdoors", ["Valaisimet"]),
]
_SIZES = ("S", "M", "L", "XL")


def seed_store(state: StoreState, rules: Mapping[str, Rules], seed: int, products: int = 300) -> dict[str, int]:
    """Replace the store's contents with a seeded store; the counts of what was made."""
    state.reset()
    rng = random.Random(seed)
    fake = Faker(["fi_FI", "sv_SE"])
    fake.seed_instance(seed)
    make = _Maker(state, _Clock(), rules)
    for name in ("Suomi", "Svenska", "English"):
        make("versions", {"name": name})
    for name, provider in (
        ("Paytrail", "paytrail"),
        ("Klarna", "klarna"),
        ("Lasku 14 pv", "invoice"),
        ("MobilePay", "mobilepay"),
        ("Postiennakko", "cash_on_delivery"),  # quick-process treats an open COD payment specially (T2)
    ):
        fields = {"name": name, "provider": provider, "description": f"{name} (simulated)"}
        # No create operation makes these writable, so create() keeps none of the fields: set them directly.
        make("payment-methods", fields).update(fields)
    for name, kind, carrier in (
        ("Posti Pakettiautomaatti", "pickup", "Posti"),
        ("Matkahuolto Lähellä-paketti", "pickup", "Matkahuolto"),
        ("DB Schenker noutopiste", "pickup", "DB Schenker"),
        ("Nouto myymälästä", "store", "Oma myymälä"),
    ):
        method: dict[str, Any] = {"name": name, "type": kind, "service_provider": carrier}
        make("shipping-methods", method).update(method, free_shipping_threshold=79.0)
    for code, titles in (
        ("etusivu", ("Etusivu", "Startsida", "Front page")),
        ("kampanjat", ("Kampanjat", "Kampanjer", "Campaigns")),
        ("sivupalkki", ("Sivupalkki", "Sidofält", "Sidebar")),
    ):
        make("banner-groups", {"code": code, "title": titles[0], "translations": _texts("title", titles)})
    brands = [make("brands", {"name": fake["fi_FI"].company()})["id"] for _ in range(20)]
    suppliers = [
        make(
            "suppliers",
            {
                "name": company,
                "phone": fake["fi_FI"].phone_number(),
                "email": fake["fi_FI"].company_email(),
                "url": fake["fi_FI"].url(),
            },
        )["id"]
        for company in (fake["fi_FI"].company() for _ in range(8))
    ]
    categories = _categories(make)
    groups = [
        make("customer-groups", {"name": name})["id"] for name in ("Kanta-asiakkaat", "Jälleenmyyjät", "Henkilökunta")
    ]
    customers = _customers(state, make, fake, rng, groups)
    _subscribers(state, customers)
    items = [
        _product(state, make, rng, i, brands=brands, suppliers=suppliers, categories=categories)
        for i in range(1, products + 1)
    ]
    orders = _orders(state, make, rng, customers, items)
    campaigns = seed_campaigns(state, [make.clock.tick() for _ in range(4)])
    state.frozen_now = None
    counts = {"products": len(items), "customers": len(customers), "orders": orders, "brands": len(brands)}
    return counts | ({"campaigns": campaigns} if campaigns else {})


class _Clock:
    """Seeded timestamps: a few minutes apart, from EPOCH on."""

    def __init__(self) -> None:
        self.moment = EPOCH

    def tick(self) -> str:
        self.moment += timedelta(minutes=7)
        return stamp(self.moment)


class _Maker:
    def __init__(self, state: StoreState, clock: _Clock, rules: Mapping[str, Rules]) -> None:
        self.state, self.clock, self.rules = state, clock, rules

    def __call__(self, resource: str, body: dict[str, Any]) -> Record:
        self.state.frozen_now = self.clock.tick()
        return create(self.state, self.state.resources[resource], self.rules.get(resource, Rules()), body)


def _texts(field: str, texts: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"language": language, field: text} for language, text in zip(("fi", "sv", "en"), texts, strict=True)]


def _categories(make: _Maker) -> list[list[int]]:
    found = []
    for fi, sv, en, children in _CATEGORIES:
        root = make("categories", {"name": fi, "template": "category/default", "visibilities": _everywhere()})
        found.append(
            [
                root["id"],
                *(
                    make("categories", {"name": child, "parent_id": root["id"], "template": "category/default"})["id"]
                    for child in children
                ),
            ]
        )
        del sv, en  # categories have no translations in the spec
    return found


def _everywhere() -> list[dict[str, Any]]:
    return [{"version_id": version, "is_visible": True} for version in (1, 2, 3)]


def _customers(state: StoreState, make: _Maker, fake: Faker, rng: random.Random, groups: list[int]) -> list[int]:
    made = []
    addresses = state.table("secondary_addresses")
    for i in range(120):
        locale = "sv_SE" if rng.random() < 0.2 else "fi_FI"
        person = fake[locale]
        first, last = person.first_name(), person.last_name()
        customer = make(
            "customers",
            {
                "external_id": f"CRM-{10000 + i}",
                "email": f"{_ascii(first)}.{_ascii(last)}{i}@example.{'se' if locale == 'sv_SE' else 'fi'}",
                "first_name": first,
                "last_name": last,
                "company": person.company() if rng.random() < 0.15 else "",
                "street_address": person.street_address(),
                "postal_code": person.postcode(),
                "city": person.city(),
                "country": "SE" if locale == "sv_SE" else "FI",
                "phone": person.phone_number(),
            },
        )
        extra = state.table("customers").extra[customer["id"]]
        extra["group_ids"] = rng.sample(groups, k=rng.choice((0, 0, 1, 1, 2)))
        if rng.random() < 0.2:
            address_id = addresses.next_id()
            addresses.put(
                {
                    "id": address_id,
                    "customer_id": customer["id"],
                    "company": "",
                    "first_name": first,
                    "last_name": last,
                    "street_address": person.street_address(),
                    "postal_code": person.postcode(),
                    "city": person.city(),
                    "country": customer["country"],
                    "phone": customer["phone"],
                }
            )
            extra["address_ids"] = [address_id]
        made.append(customer["id"])
    return made


def _subscribers(state: StoreState, customers: list[int]) -> None:
    """Every third customer subscribes to the newsletter when registering (the list has no create operation).

    Neither the seeded clock nor the random stream is used, so the rest of the seeded store is unchanged.
    """
    table, people = state.table("email-subscribers"), state.table("customers")
    for customer_id in customers[::3]:
        customer = people.get(customer_id)
        if customer is not None:
            when = customer["created_at"]
            table.put({"id": table.next_id(), "created_at": when, "updated_at": when, "email": customer["email"]})


def _ascii(text: str) -> str:
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())


def _product(
    state: StoreState,
    make: _Maker,
    rng: random.Random,
    i: int,
    *,
    brands: list[int],
    suppliers: list[int],
    categories: list[list[int]],
) -> Record:
    fi, sv, en, category, price, vat = _GOODS[(i - 1) % len(_GOODS)]
    colour = _COLOURS[(i - 1) // len(_GOODS) % len(_COLOURS)]
    names = (f"{fi}, {colour[0]}", f"{sv}, {colour[1]}", f"{en}, {colour[2]}")
    code = f"P{i:04d}"
    product = make(
        "products",
        {
            "product_code": code,
            "supplier_code": f"S-{rng.randint(10000, 99999)}",
            "name": names[0],
            "description": f"{names[0]}. Tuote {i}.",
            "information": f"* {fi}\r\n* Väri: {colour[0]}",
            "keywords": f"{fi.lower()}, {colour[0]}",
            "price": round(price * rng.uniform(0.8, 1.3), 2),
            "purchase_price": round(price * 0.45, 2),
            "vat_rate": vat,
            "weight": round(rng.uniform(0.05, 3.0), 2),
            "warranty": rng.choice((0, 12, 24)),
            "brand_id": rng.choice(brands) if rng.random() < 0.85 else None,
            "supplier_id": rng.choice(suppliers),
            "featured": rng.random() < 0.1,
            "barcode": f"64{rng.randint(10**10, 10**11 - 1)}",
            "translations": [
                {"language": lang, "name": name, "description": name}
                for lang, name in zip(("fi", "sv", "en"), names, strict=True)
            ],
            "visibilities": _everywhere(),
        },
    )
    extra = state.table("products").extra[product["id"]]
    extra["category_links"] = [
        {"category_id": category_id, "product_id": product["id"], "sort": n}
        for n, category_id in enumerate(categories[category][:2], 1)
    ]
    image_id = state.table("images").next_id()
    filename = f"tuotekuvat/{code.lower()}.jpg"
    now = product["created_at"]
    state.table("images").put({"id": image_id, "created_at": now, "updated_at": now, "filename": filename})
    extra["image_links"] = [
        {"product_id": product["id"], "image_id": image_id, "sort": 1, "filename": filename, "caption": names[0]}
    ]
    if category == 0:  # clothing comes in sizes
        for size in _SIZES:
            make(
                "variations",
                {
                    "product_id": product["id"],
                    "name": size,
                    "product_code": f"{code}-{size}",
                    "price": None,
                    "sort": _SIZES.index(size),
                },
            )
    for code_of in [code, *(f"{code}-{size}" for size in _SIZES if category == 0)]:
        _stock(state, code_of, rng.randint(0, 60))
    return product


def _stock(state: StoreState, code: str, quantity: int) -> None:
    item = state.table("stock").get(state.stock_codes[code])
    assert item is not None
    item.update(
        enabled=True,
        quantity=quantity,
        balance=quantity - item["reserved"],
        location=f"H{quantity % 9 + 1}-{quantity % 4 + 1}",
    )
    log_stock_change(state, item, quantity, "import")


def _orders(state: StoreState, make: _Maker, rng: random.Random, customers: list[int], products: list[Record]) -> int:
    count = 150
    for n in range(count):
        rows = [
            {"product_id": rng.choice(products)["id"], "quantity": rng.randint(1, 3)} for _ in range(rng.randint(1, 4))
        ]
        order = make(
            "orders",
            {
                "customer_id": rng.choice(customers),
                "payment_method_id": rng.randint(1, 4),
                "shipping_method_id": rng.randint(1, 4),
                "products": rows,
                "details": "" if rng.random() < 0.8 else "Jätä paketti ovelle, kiitos.",
            },
        )
        status = "open" if n >= count - 30 else rng.choice(("completed", "completed", "completed", "cancelled"))
        if status != "open":
            _close(state, order, status, make.clock.tick())
    return count


def _close(state: StoreState, order: Record, status: str, when: str) -> None:
    extra = state.table("orders").extra[order["id"]]
    reserve(state, extra["products"], -1)
    order.update(status=status, updated_at=when)
    if status == "completed":
        for shipment in extra["shipments"]:
            shipment.update(
                status="COMPLETED", completed_at=when, updated_at=when, tracking_code=f"JJFI{order['id']:010d}"
            )
        for payment in extra["payments"]:
            payment.update(status="PAID", is_paid=True, is_confirmed=True, updated_at=when)
        extra["shipments_completed_at"] = when
        if order["id"] % 3 == 0:  # archived in the admin panel for bookkeeping (V10; no API action is known)
            order["archived_at"] = when
    else:
        for payment in extra["payments"]:
            payment.update(status="CANCELLED", updated_at=when)
