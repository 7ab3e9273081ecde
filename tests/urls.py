"""Every URL pattern of the project, and a concrete URL for each, for the access tests.

A pattern with parameters needs a sample: a function of the ``world`` fixture (one
record of every kind) returning the URL's keyword arguments. Each module of
``tests/url_samples`` builds its part of the world (``build(world)``, in ``ORDER``) and
gives the samples of its URLs (``SAMPLES``). A new URL with parameters and no sample
fails ``test_every_url_can_be_walked``, so the matrix grows with the project.
"""

import importlib
import pkgutil
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import url_samples


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    callback: object
    parameters: tuple

    def __str__(self):
        return self.name


def all_routes(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner_namespace = namespace
            if entry.namespace:
                inner_namespace = f"{namespace}{entry.namespace}:"
            routes += all_routes(entry, prefix + str(entry.pattern), inner_namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else prefix + str(entry.pattern)
            pattern = entry.pattern
            parameters = tuple(getattr(pattern, "converters", {}).keys())
            routes.append(Route(name, prefix + str(pattern), entry.callback, parameters))
    return routes


def url_of(route, world):
    kwargs = SAMPLES[route.name](world) if route.parameters else {}
    return reverse(route.name, kwargs=kwargs)


SAMPLE_MODULES = sorted(
    (
        importlib.import_module(f"{url_samples.__name__}.{module.name}")
        for module in pkgutil.iter_modules(url_samples.__path__)
    ),
    key=lambda module: module.ORDER,
)
SAMPLES = {name: sample for module in SAMPLE_MODULES for name, sample in module.SAMPLES.items()}


def build_world():
    world = SimpleNamespace()
    for module in SAMPLE_MODULES:
        module.build(world)
    return world
