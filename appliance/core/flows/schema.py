"""The flow document: what a store's bot says and asks, block by block, in every language it speaks.

A flow is a list of blocks joined by `next`. Question blocks (buttons, input, date, range, media)
wait for the visitor and store the answer in their `variable`; `message` blocks just speak;
`condition` blocks choose the next block from the variables; `end` blocks finish the conversation.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag

Language = Literal["es", "ca", "pt", "en"]
BlockId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
VariableName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
# A text in each language the flow declares, e.g. {"es": "¡Hola!", "en": "Hi!"}.
Texts = dict[str, Annotated[str, Field(min_length=1, max_length=2000)]]
# Other words a visitor may type for an option, per language: {"es": ["por correo", "mail"]}.
Synonyms = dict[str, Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=50)]]


class Strict(BaseModel):
    """A document part that refuses unknown keys, so typos are reported instead of ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Compare(Strict):
    """A test on one variable: equals, not_equals, in, gt, gte, lt, lte, exists."""

    var: VariableName
    op: Literal["equals", "not_equals", "in", "gt", "gte", "lt", "lte", "exists"]
    value: Any = None


class AllOf(Strict):
    """True when every condition is."""

    all: list[Condition] = Field(min_length=1)


class AnyOf(Strict):
    """True when at least one condition is."""

    any: list[Condition] = Field(min_length=1)


class NotOf(Strict):
    """True when the condition is not."""

    not_: Condition = Field(alias="not")


def _condition_kind(value: Any) -> str:
    # A model, or the raw JSON; anything else (a number, a list) is read as a comparison, whose
    # validation then says what is wrong with it.
    keys = value.keys() if isinstance(value, dict) else getattr(value, "__dict__", {}).keys()
    for key in ("all", "any", "not", "not_"):
        if key in keys:
            return key.rstrip("_")
    return "compare"


# Tagged by which key the condition has, so a mistake is reported once, at its own path.
Condition = Annotated[
    Annotated[Compare, Tag("compare")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")],
    Discriminator(_condition_kind),
]


class Option(Strict):
    """A button: its id is what the widget sends back; `next` may branch on it."""

    id: BlockId
    label: Texts
    next: BlockId | None = None
    # Typed text that names the option besides its label (see choices.py); optional.
    synonyms: Synonyms | None = None


class ConsentSpec(Strict):
    """Marks a buttons block as a consent question whose answers are recorded as evidence."""

    purpose: Literal["lead_contact", "marketing_whatsapp", "marketing_email"] = "lead_contact"
    version: str = Field(min_length=1, max_length=64)
    grant_option: BlockId


class Block(Strict):
    """What every block has."""

    id: BlockId
    next: BlockId | None = None


class Question(Block):
    """A block that waits for the visitor and stores the answer in `variable`."""

    text: Texts
    variable: VariableName | None = None
    optional: bool = False
    skip_if_known: bool = False


class MessageBlock(Block):
    """Says something and goes on."""

    type: Literal["message"]
    text: Texts


class ButtonsBlock(Question):
    """Offers options to choose from."""

    type: Literal["buttons"]
    options: list[Option] = Field(min_length=1, max_length=12)
    consent: ConsentSpec | None = None


class InputBlock(Question):
    """Asks for typed text, a number, an e-mail, a phone number, a postal code or a street address."""

    type: Literal["input"]
    kind: Literal["text", "number", "email", "phone", "postal_code", "address"] = "text"
    min: float | None = None
    max: float | None = None
    unit: str | None = Field(default=None, max_length=16)


class DateBlock(Question):
    """Offers appointment slots of one service of the agenda."""

    type: Literal["date"]
    service: str = Field(default="showroom_visit", min_length=1, max_length=64)


class RangeBlock(Question):
    """A slider between min and max; a pair [low, high] also fills `variable_min`."""

    type: Literal["range"]
    min: float
    max: float
    step: float = Field(default=1, gt=0)
    unit: str | None = Field(default=None, max_length=16)
    variable_min: VariableName | None = None


class MediaBlock(Question):
    """Asks for photos or plans: one attachment id uploaded before, or a list of up to `max_files`."""

    type: Literal["media"]
    accept: list[str] = Field(default_factory=lambda: ["image/jpeg", "image/png", "application/pdf"])
    max_bytes: int = Field(default=5 * 1024 * 1024, gt=0, le=5 * 1024 * 1024)
    max_files: int = Field(default=5, ge=1, le=5)


class Branch(Strict):
    """One way out of a condition block."""

    if_: Condition = Field(alias="if")
    next: BlockId


class ConditionBlock(Block):
    """Goes to the first branch whose condition holds, else to `next`."""

    type: Literal["condition"]
    branches: list[Branch] = Field(min_length=1)


class EndBlock(Block):
    """Finishes the conversation, optionally with a last message."""

    type: Literal["end"]
    text: Texts | None = None


AnyBlock = Annotated[
    MessageBlock | ButtonsBlock | InputBlock | DateBlock | RangeBlock | MediaBlock | ConditionBlock | EndBlock,
    Field(discriminator="type"),
]
QUESTION_TYPES = (ButtonsBlock, InputBlock, DateBlock, RangeBlock, MediaBlock)


class FlowDocument(Strict):
    """A whole flow."""

    name: str = Field(default="", max_length=200)
    languages: list[Language] = Field(min_length=1)
    default_language: Language
    start: BlockId
    blocks: list[AnyBlock] = Field(min_length=1, max_length=200)
    _index: dict[str, AnyBlock] | None = PrivateAttr(default=None)

    def block(self, block_id: str) -> AnyBlock:
        """Return the block called ``block_id`` (KeyError if there is none)."""
        if self._index is None:
            self._index = {b.id: b for b in self.blocks}
        return self._index[block_id]


def is_question(block: Block) -> bool:
    """Tell whether ``block`` waits for the visitor."""
    return isinstance(block, QUESTION_TYPES)


def exits(block: Block) -> list[tuple[str, str]]:
    """Return every (path, target) a block can go to next, for validation and walking."""
    found = [("next", block.next)] if block.next else []
    if isinstance(block, ButtonsBlock):
        found += [(f"options[{i}].next", o.next) for i, o in enumerate(block.options) if o.next]
    if isinstance(block, ConditionBlock):
        found += [(f"branches[{i}].next", b.next) for i, b in enumerate(block.branches)]
    return found


for _model in (AllOf, AnyOf, NotOf, Branch, ConditionBlock, FlowDocument):
    _model.model_rebuild()
