"""Expected values for the tests, each typed by hand from a row of ``data/sources/``.

The tests compare what the code computes with these values; they are never read from the code
under test. Each table below names the source file, the column and the row key it was checked
against. When a source revises a figure: change the row in ``data/sources/``, run
``python scripts/build_data.py``, then change the one value here;
``tests/unit/test_data.py::test_expected_values_match_the_sources`` lists any value here that no
longer matches its source row.

Use: ``from expected import GACC_TOTAL`` (pytest puts ``tests/`` on the import path).
"""

from __future__ import annotations

#: China customs (GACC) total goods trade with Russia, USD bn, first release, by year.
#: data/sources/trade_annual_gacc.csv, column total_usd_bn, row = year.
GACC_TOTAL: dict[int, float] = {
    2010: 55.45,
    2014: 95.28,
    2015: 68.0,
    2016: 69.525,
    2017: 84.07,
    2018: 107.06,  # first year above $100bn
    2019: 110.75,
    2020: 107.76,
    2021: 146.887,
    2022: 190.27,
    2023: 240.11,  # first full year above $200bn
    2024: 244.81,  # the peak
    2025: 228.105,
}

#: Russian-side totals (FCS or officials), USD bn.
#: data/sources/trade_annual_russia_fcs.csv, column total_usd_bn, row = year.
RUSSIA_TOTAL: dict[int, float] = {
    2010: 59.34,
    2018: 108.3,
    2022: 185,
    2023: 228,
}

#: US CPI-U annual averages (1982-84 = 100).
#: data/sources/us_cpi_annual.csv, column cpi_u_annual_avg, row = year.
CPI: dict[int, float] = {
    2018: 251.107,
    2020: 258.811,
    2021: 270.970,
    2024: 313.689,
    2025: 321.943,
}

#: China's total goods trade, USD bn.
#: data/sources/totals_context.csv, column total_goods_trade_usd_bn, row = (year, China).
CHINA_TOTAL_TRADE: dict[int, float] = {
    2019: 4576.13,
}

#: Years whose GACC export/import split a page states.
#: data/sources/trade_annual_gacc.csv, rows with split_verified = yes.
GACC_SPLIT_VERIFIED_YEARS: frozenset[int] = frozenset(
    {2007, 2010, 2016, 2017, 2018, 2019, 2020, 2022, 2023, 2024, 2025}
)

#: Where each table above was checked: (file in data/sources, key column, value column).
CHECKED_AGAINST: dict[str, tuple[str, str, str]] = {
    "GACC_TOTAL": ("trade_annual_gacc.csv", "year", "total_usd_bn"),
    "RUSSIA_TOTAL": ("trade_annual_russia_fcs.csv", "year", "total_usd_bn"),
    "CPI": ("us_cpi_annual.csv", "year", "cpi_u_annual_avg"),
    "CHINA_TOTAL_TRADE": ("totals_context.csv", "year", "total_goods_trade_usd_bn"),
}
