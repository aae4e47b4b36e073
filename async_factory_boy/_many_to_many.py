"""``ManyToMany``: a many-to-many relation filled without code (model_bakery's ``make_m2m``).

::

    class PostFactory(AsyncDjangoModelFactory[Post]):
        tags = ManyToMany(TagFactory, size=2)

    post = await PostFactory.create_async()                  # two new tags, linked
    post = await PostFactory.create_async(tags=[python, sql])  # those, linked
    post = await PostFactory.create_async(tags__size=5)        # five new ones
    post = await PostFactory.create_async(tags__name="x", tags__size=1)

A post-generation declaration, like a hook filling the collection by hand, but one the
backend knows: it writes the relation in batches instead of object by object. Django
creates every new related object of the call with one ``create_batch_async`` and the link
rows with one ``abulk_create`` per relation when the call ends, so a batch's parents still go
in one ``abulk_create``; SQLAlchemy creates them in the call (flushed with it, by the bulk
writer) and appends them to the collection, whose association rows the same flush writes.
``build`` leaves the relation empty (nothing is saved that a link could point to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._call import current_call
from ._compat import DeclarationSetLike, declarations, enums
from ._types import FactoryClass, Instance, Kwargs
from .errors import FactoryConfigurationError

__all__ = ["LinkRequest", "ManyToMany"]


@dataclass
class LinkRequest:
    """What one object's ``ManyToMany`` asks its backend's scope to link (``link_many``)."""

    #: The relation's attribute on the object (the declaration's name).
    name: str
    #: The factory making the related objects.
    factory: FactoryClass
    #: How many new related objects to make (``tags__size=``), when none were given.
    size: int
    #: Values for the new related objects (``tags__name=...``, the declaration's keywords).
    extra: Kwargs = field(default_factory=dict)
    #: The related objects passed to the call (``tags=[...]``), else ``None``.
    given: list[Instance] | None = None


class ManyToMany(declarations.PostGenerationDeclaration):
    """Fill the many-to-many relation of this name with ``size`` new objects of ``factory``.

    Args:
        factory: the related objects' factory (a class, or its dotted path as a string, as
            for ``SubFactory``).
        size: how many new objects each object gets (``name__size=`` overrides it per call).
        defaults: values for the new related objects (``name__field=`` adds to them).

    Passing ``name=[...]`` links those objects instead (already saved ones); ``name=[]``
    links none.
    """

    # ``tags__name=factory.Sequence(...)`` is the related objects' declaration, evaluated for
    # each of them (as RelatedFactory does), not once with the parent's sequence number.
    UNROLL_CONTEXT_BEFORE_EVALUATION = False

    def __init__(self, factory: FactoryClass | str, size: int = 2, **defaults: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
        if not isinstance(size, int) or size < 0:
            raise FactoryConfigurationError(
                f"ManyToMany({factory!r}, size={size!r}): size must be an int >= 0."
            )
        self.factory_wrapper = declarations._FactoryWrapper(factory)
        self.size = size
        self.defaults = defaults

    def get_factory(self) -> FactoryClass:
        """The related objects' factory (a dotted path is imported on first use)."""
        found: FactoryClass = self.factory_wrapper.get()
        return found

    def call(self, instance: Instance, step: Any, context: Any) -> object:
        if step.builder.strategy != enums.CREATE_STRATEGY:
            return None
        owner: FactoryClass = step.builder.factory_meta.factory
        name = self._name(owner)
        extra = {**self.defaults, **context.extra}
        size = extra.pop("size", self.size)
        given = None
        if context.value_provided and context.value is not None:
            given = list(context.value)
        call = current_call()
        backend = getattr(owner, "_backend", None)
        scope_class = getattr(backend, "scope", None)
        if call is None or scope_class is None:
            raise FactoryConfigurationError(
                f"{owner.__name__}.{name} = ManyToMany(...): the relation is filled by a "
                "backend's create_async / create_batch_async; this factory has no backend "
                "that writes it."
            )
        request = LinkRequest(name, self.get_factory(), size, extra, given)
        return call.scope(scope_class, owner).link_many(owner, instance, request, step)

    def _name(self, owner: FactoryClass) -> str:
        """The attribute this declaration is bound to on ``owner`` (factory_boy does not
        hand it to post-generation declarations)."""
        for name, declaration in owner._meta.post_declarations.declarations.items():
            if declaration is self:
                return str(name)
        raise FactoryConfigurationError(  # pragma: no cover - declared on another factory
            f"{owner.__name__}: this ManyToMany is not one of its declarations."
        )


def only_links(post_declarations: DeclarationSetLike) -> bool:
    """Whether every post-generation declaration of a factory is a :class:`ManyToMany`
    (which needs no primary key before the call ends: a batch may still be held)."""
    return all(
        isinstance(declaration, ManyToMany)
        for declaration in post_declarations.declarations.values()
    )
