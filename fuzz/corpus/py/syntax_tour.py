#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Every statement and expression form the parser knows, once."""
import os, sys as system
import os.path as osp
from . import sibling
from ..pkg.mod import (a as b, c,)
from ... import deep
from mod import *

x = y = z = 0
a, (b, *c), [d, e] = f = range(5)
obj.attr[1:2] = data[::2], data[-1]
count: int
name: "str" = 'n'
(paren): int = 1
obj.field: list[int] = []
total += 1; total -= 2; total *= 3; total /= 4
total //= 5; total %= 6; total **= 7; total @= m
bits &= 1; bits |= 2; bits ^= 3; bits <<= 4; bits >>= 5
del x, obj.attr, data[0]
assert x > 0, "x must be positive"
raise
raise ValueError("bad") from None


@decorator
@decorator.with_args(1, key=True)
class Thing(Base, metaclass=Meta, **options):
    """A thing."""
    kind = 'thing'; other = "other"

    def method(self, a, /, b: int = 1, *args: str, c, d=2, **kwargs) -> None:
        global counter
        counter = lambda: 0
        def inner():
            nonlocal a
            a = yield
            yield from range(3)
            return
        if a: pass
        elif b: return a
        else:
            return b

    async def fetch(self, *, timeout=None):
        async with session.get(url) as resp, lock:
            data = await resp.json()
        async for item in stream:
            print(item, sep='', *rest, **extra)
        return [i async for i in aiter()]


for i, item in enumerate(items):
    if i % 2 == 0:
        continue
    elif item is None or item is not sentinel and not item:
        break
else:
    pass

while not done:
    done = (value := compute()) > limit
else:
    done = False

try:
    risky()
except (KeyError, IndexError) as exc:
    handle(exc)
except ValueError:
    pass
except:
    raise
else:
    ok = True
finally:
    cleanup()

try:
    pass
finally:
    pass

try:
    group()
except* TypeError as eg:
    pass

with open('a') as fa, open('b') as fb:
    pass

with (
    open('c') as fc,
    open('d'),
):
    pass

with (open('e')):
    pass

match command.split():
    case [action]:
        pass
    case [action, obj]:
        pass
    case _:
        pass

numbers = [0, 7, 0o17, 0x_FF, 0b1010, 1_000_000, 3.14, .5, 5., 1e10, 1.5E-3, 2j, 3.5J, 0.0]
big = 123456789012345678901234567890
strings = ['single', "double", '''triple
single''', """triple "double" """, r'raw\n', b'bytes\x00', rb'\d+', Br"\w", u'unicode', R'RAW']
escapes = "tab\there\nnewline \\ \' \" \x41\101\u00e9\U0001F600 \a\b\f\v\r unknown\q"
joined = ('implicit ' "concatenation "
          'across lines')
continued = 1 + \
    2
fstrings = [f"{x!r:>{width}}", f'{d["k"]}', F"{{literal}}", rf"{x}\n", f"{x=}", f'{a:{b}.{c}f}', f'''{d['k']}''']
slices = data[1:2, ::3, ...], matrix[i][j], mapping[key], typed[Optional[int]], pair[str, Any]
calls = f(), f(a), f(a, b=1), f(*args), f(**kwargs), f(x for x in y), f(a)(b)(c)
comps = [x * 2 for x in xs if x if not x], {x for x in xs}, {k: v for k, v in items}, (y for y in ys)
nested = [(a, b) for a in range(3) for b in range(a) if a != b]
dicts = {}, {'a': 1, **other, 'b': 2}, {1, 2, *more}
tuples = (), (1,), 1, 2, (*a, *b)
ops = -a + +b * ~c ** -d // e % f @ g - h << i >> j & k ^ l | m
compare = a < b <= c == d != e > f >= g in h not in i is j is not k
logic = a and b or not c and (d or e)
cond = a if b else c if d else e
lam = lambda a, b=2, *c, d, **e: (a, b, c, d, e)
ann: int | None = None
star, *rest = items
print(*items, sep='\n')
