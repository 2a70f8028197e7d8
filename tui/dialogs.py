"""The console's modal dialogs: confirm a change, type a maintenance message, show a token to copy.

Every change the console makes goes through ``Confirm`` first; keys y/n (or Enter/Escape) answer.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A box in the middle of the screen, in the theme's colours (so light and dark both hold)."""

    # Not scoped: the rules are written for every dialog, the subclasses included.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 66; height: auto; max-height: 20; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    Dialog Label { width: 100%; margin-bottom: 1; }
    Dialog Horizontal { height: auto; align-horizontal: right; }
    Dialog Button { margin-left: 1; }
    Dialog #secret { text-overflow: fold; color: $text-accent; margin-bottom: 1; }
    """


class Confirm(Dialog[bool]):
    """Ask yes or no before a change; answer True only on yes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="question")
            with Horizontal():
                yield Button("No (n)", id="no")
                yield Button("Yes (y)", id="yes", variant="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class AskText(Dialog[str | None]):
    """Ask for one line of text (a maintenance message); None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, placeholder: str = "") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(placeholder=self.placeholder, id="answer", max_length=500)
            yield Label("Enter to continue, Escape to cancel.", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ShowSecret(Dialog[None]):
    """Show a token once (it is also copied to the clipboard, where the terminal allows it)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "Close")]

    def __init__(self, title: str, secret: str) -> None:
        super().__init__()
        self.title_text = title
        self.secret = secret

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            # Whole, folded over lines, so it can be selected with the mouse where the clipboard fails.
            yield Static(self.secret, id="secret", markup=False)
            yield Label("Copied to the clipboard if your terminal allows it. Enter or Escape closes.")

    def on_mount(self) -> None:
        self.app.copy_to_clipboard(self.secret)

    def action_close(self) -> None:
        self.dismiss(None)
