"""The machine-learning case tables (lesson 07), in the order ``generate_world`` writes them.

>>> list(ML_TABLES)
['cod_orders', 'basket_items', 'promo_test', 'support_messages', 'asr_results']
"""

from __future__ import annotations

from pm_toolkit.data.asr import make_asr_results
from pm_toolkit.data.baskets import make_basket_items
from pm_toolkit.data.cod import make_cod_orders
from pm_toolkit.data.promo import make_promo_test
from pm_toolkit.data.support_text import make_support_messages

#: table name → ``make(seed, scale, customers=None, products=None) -> (Table, planted truth)``
#: (``customers``/``products``: the hidden arrays of ``make_customers``/``make_products``,
#: passed by ``generate_world`` so they are not rebuilt)
ML_TABLES = {
    "cod_orders": make_cod_orders,
    "basket_items": make_basket_items,
    "promo_test": make_promo_test,
    "support_messages": make_support_messages,
    "asr_results": make_asr_results,
}
