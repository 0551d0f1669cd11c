"""Queries that public page views run on every view, built and compiled by the ORM once per
process, then run with each view's values.

A listing's queryset costs more to build and compile (its filters, its joins, the view
restriction subqueries: Django resolves and compiles them anew each time) than SQLite or
PostgreSQL take to run it. Its SQL is the same for every site but for the values (a site's
tree path, the paths a visitor has passed): here the queryset is built once with named slots
where those values go (`Slot`), compiled once, and each view only fills the slots and reads
the rows, into model instances as Django's own iterable makes them (`select_related()`,
`only()` and annotations included) or into tuples for a `values_list()`.

What changes the SQL itself (how many paths a list holds, a slice) is the query's `shape`:
each shape is compiled once, and a process keeps the most recently used `MAX_SHAPES`.
Nothing of the database's content is kept: every call runs its query."""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Expression, Field
from django.db.models.query import ModelIterable, get_related_populators

MAX_SHAPES = 256


@dataclass(frozen=True)
class Mark:
    """Where a slot's value goes among a compiled query's parameters."""

    name: str


class Slot(Expression):
    """A named value of a prepared query (`Prepared`), given when it runs: usable wherever
    the ORM takes an expression (`filter(path__gt=Slot("low"))`, an `__in` list). The value
    must be what the database takes (a string for a path, an int for an id): no field
    prepares it."""

    def __init__(self, name, output_field=None):
        super().__init__(output_field=output_field or Field())
        self.name = name

    def __repr__(self):
        return f"Slot({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [Mark(self.name)]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # (position among the parameters, slot name)
    compiler: object
    models: bool
    # For model instances: what Django's ModelIterable works out from the compiler.
    model: type = None
    start: int = 0
    end: int = 0
    init_list: tuple = ()
    populators: tuple = ()
    annotations: tuple = ()


class Prepared:
    """A query compiled once per process, database and shape, run with new values.

    `build(*shape)` returns the queryset, with `Slot`s for the values; call the prepared
    query with the shape and the values by slot name for the list of its rows: model
    instances, or tuples if the queryset is a `values_list()`."""

    def __init__(self, build):
        self.build = build
        self._model = None
        self._compiled = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, shape=(), **values):
        shape = tuple(shape)
        compiled, db = self._for(shape)
        if compiled.sql is None:  # a query that can't match anything (an empty slice)
            return []
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = values[name]
        with connections[db].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        rows = compiled.compiler.results_iter([rows], tuple_expected=not compiled.models)
        if not compiled.models:
            return list(rows)
        return list(self._instances(compiled, rows, db))

    def _for(self, shape):
        """The compiled query of `shape`, compiled now if it is new, and its database."""
        queryset = None
        if self._model is None:
            queryset = self.build(*shape)
            self._model = queryset.model
        db = router.db_for_read(self._model)
        key = (db, connections[db].vendor, shape)
        with self._lock:
            compiled = self._compiled.get(key)
            if compiled is not None:
                self._compiled.move_to_end(key)
                return compiled, db
        compiled = _compile(queryset if queryset is not None else self.build(*shape), db)
        with self._lock:
            self._compiled[key] = compiled
            while len(self._compiled) > MAX_SHAPES:
                self._compiled.popitem(last=False)
        return compiled, db

    @staticmethod
    def _instances(compiled, rows, db):
        """Model instances of `rows`, as Django's ModelIterable makes them."""
        for row in rows:
            values = row[compiled.start : compiled.end]
            item = compiled.model.from_db(db, compiled.init_list, values)
            for populator in compiled.populators:
                populator.populate(row, item)
            for name, position in compiled.annotations:
                setattr(item, name, row[position])
            yield item


def _compile(queryset, db):
    if queryset._known_related_objects or queryset._prefetch_related_lookups:
        raise ValueError("a prepared query loads its rows only: no prefetch, no known objects")
    compiler = queryset.query.get_compiler(using=db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Compiled(None, (), (), compiler, models=False)
    slots = tuple(
        (position, param.name) for position, param in enumerate(params) if isinstance(param, Mark)
    )
    models = issubclass(queryset._iterable_class, ModelIterable)
    if not models:
        return _Compiled(sql, tuple(params), slots, compiler, models=False)
    klass_info, select = compiler.klass_info, compiler.select
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    return _Compiled(
        sql,
        tuple(params),
        slots,
        compiler,
        models=True,
        model=klass_info["model"],
        start=start,
        end=end,
        init_list=tuple(column[0].target.attname for column in select[start:end]),
        populators=tuple(get_related_populators(klass_info, select, db)),
        annotations=tuple((compiler.annotation_col_map or {}).items()),
    )
