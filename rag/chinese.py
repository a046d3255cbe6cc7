"""Traditional Chinese output: the model's Simplified slips converted (OpenCC ``s2twp``).

The guide's readers write Traditional Chinese (Taiwan usage). Small models drift into
Simplified characters (因为 for 因為); everything studyrag writes in Chinese goes through
here, with Taiwan phrasing (软件 -> 軟體, 数据库 -> 資料庫).

>>> to_traditional("因为这个服务可以帮助你训练模型")
'因為這個服務可以幫助你訓練模型'
>>> to_traditional("Amazon SageMaker Canvas 是無程式碼工具")
'Amazon SageMaker Canvas 是無程式碼工具'
"""

from __future__ import annotations

import threading
from functools import lru_cache

_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("s2twp.json")


def to_traditional(text: str) -> str:
    if not text:
        return text
    with _LOCK:  # one converter object, shared by the web app's threads
        return _converter().convert(text)


@lru_cache(maxsize=1)
def _characters():
    import opencc

    return opencc.OpenCC("s2t.json")


def has_simplified(text: str) -> bool:
    """Does the text use a Simplified character? (Traditional text is left as written:
    s2twp would also swap Taiwanese words, 參數 "parameter" into 引數 "argument".)

    >>> has_simplified("请问数据库的默认端口"), has_simplified("函式參數中的")
    (True, False)
    """
    with _LOCK:
        return _characters().convert(text) != text
