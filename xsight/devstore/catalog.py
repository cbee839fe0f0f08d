"""Build the fixed vocabularies of the simulated shop: names, places, products."""

from __future__ import annotations

from typing import Any

import numpy as np

from .values import make_id

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Amara",
    "Ana",
    "Ben",
    "Bianca",
    "Carlos",
    "Chloe",
    "Dmitri",
    "Elena",
    "Emma",
    "Farah",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Isaac",
    "Jade",
    "Jonas",
    "Kai",
    "Keiko",
    "Lars",
    "Leila",
    "Liam",
    "Lucia",
    "Maya",
    "Mateo",
    "Nadia",
    "Noah",
    "Olga",
    "Omar",
    "Priya",
    "Quinn",
    "Rafael",
    "Rosa",
    "Sam",
    "Sofia",
    "Tariq",
    "Tess",
    "Uma",
    "Victor",
    "Wen",
    "Xavier",
    "Yara",
    "Yusuf",
    "Zoe",
    "Zara",
]
LAST_NAMES = [
    "Adams",
    "Baker",
    "Becker",
    "Chen",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Gupta",
    "Hansen",
    "Ito",
    "Jensen",
    "Kim",
    "Kowalski",
    "Lee",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Nguyen",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Smith",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Walker",
    "Weber",
    "Wilson",
    "Wong",
    "Young",
    "Ziegler",
]
# country code -> (weight, tax rate, presentment currency, rate from shop currency USD, province, city)
COUNTRIES: dict[str, tuple[float, str, str, str, str, str]] = {
    "US": (0.55, "0.07", "USD", "1", "NY", "New York"),
    "CA": (0.15, "0.13", "CAD", "1.36", "ON", "Toronto"),
    "GB": (0.10, "0.20", "GBP", "0.79", "ENG", "London"),
    "DE": (0.08, "0.19", "EUR", "0.92", "BE", "Berlin"),
    "FR": (0.06, "0.20", "EUR", "0.92", "IDF", "Paris"),
    "AU": (0.06, "0.10", "AUD", "1.52", "NSW", "Sydney"),
}
ADJECTIVES = [
    "Alpine",
    "Breeze",
    "Cedar",
    "Coastal",
    "Daily",
    "Ember",
    "Field",
    "Granite",
    "Harbor",
    "Lunar",
    "Meadow",
    "Nordic",
    "Oak",
    "Prairie",
    "Summit",
    "Tidal",
    "Urban",
    "Willow",
]
NOUNS = [
    ("Tee", "Apparel", 2400),
    ("Hoodie", "Apparel", 5900),
    ("Cap", "Accessories", 2200),
    ("Mug", "Home", 1600),
    ("Candle", "Home", 2800),
    ("Backpack", "Bags", 7900),
    ("Tote", "Bags", 3200),
    ("Notebook", "Stationery", 1400),
    ("Bottle", "Outdoor", 2600),
    ("Blanket", "Home", 8900),
    ("Sneaker", "Footwear", 11900),
    ("Sock Pack", "Apparel", 1800),
]
SIZES = ("S", "M", "L", "XL")
VENDORS = ("Northwind", "Acme Goods", "Blue Fern", "Copperline")
GIFT_CARD_PRICES = (2500, 5000, 10000)


def build_products(shop_no: int, count: int, rng: np.random.Generator, start: float) -> list[dict[str, Any]]:
    """Return `count` product documents; the last one is a gift card."""
    products: list[dict[str, Any]] = []
    for i in range(count):
        gift = i == count - 1 and count > 1
        if gift:
            title, ptype, base = "Gift Card", "Gift Cards", 0
        else:
            noun, ptype, base = NOUNS[i % len(NOUNS)]
            title = f"{ADJECTIVES[(i // len(NOUNS)) % len(ADJECTIVES)]} {noun}"
            if i >= len(NOUNS) * len(ADJECTIVES):
                title += f" {i}"
        handle = title.lower().replace(" ", "-")
        created = start - float(rng.uniform(30, 400)) * 86400
        if gift:
            prices = list(GIFT_CARD_PRICES)
            vtitles = [f"${p // 100}" for p in prices]
        elif ptype == "Apparel" or ptype == "Footwear":
            vtitles = list(SIZES)
            prices = [base + (300 if s == "XL" else 0) for s in SIZES]
        else:
            vtitles, prices = ["Default Title"], [base + int(rng.integers(-3, 4)) * 100]
        variants: list[dict[str, Any]] = []
        for vt, price in zip(vtitles, prices, strict=True):
            variants.append(
                {
                    "id": make_id(shop_no, "ProductVariant", i * 10 + len(variants)),
                    "title": vt,
                    "sku": f"{handle[:12].upper()}-{vt.upper().replace(' ', '')[:8]}",
                    "price": price,
                }
            )
        products.append(
            {
                "id": make_id(shop_no, "Product", i),
                "title": title,
                "handle": handle,
                "vendor": VENDORS[i % len(VENDORS)],
                "productType": ptype,
                "status": "ACTIVE",
                "tags": sorted({ptype.lower(), "gift" if gift else "core"}),
                "isGiftCard": gift,
                "createdAt": created,
                "updatedAt": created,
                "variants": variants,
            }
        )
    return products


def pick_country(rng: np.random.Generator) -> str:
    """Draw a customer country by the configured weights."""
    codes = list(COUNTRIES)
    weights = np.array([COUNTRIES[c][0] for c in codes])
    return codes[int(rng.choice(len(codes), p=weights / weights.sum()))]
