"""Choosing in the searchable pickers (static/pickers.js, Tom Select) as a person does, for browser tests."""
import re

from playwright.sync_api import expect


def _press(locator, touch: bool) -> None:
    if touch:
        locator.tap()
    else:
        locator.click()


def open_picker(page, label: str, touch: bool = False):
    """Open a searchable picker by its box (its text field hides behind the chosen item until then)."""
    box = page.get_by_role("combobox", name=label)
    _press(box.locator("xpath=ancestor::div[contains(@class, 'ts-control')]"), touch)
    return box


def pick(page, label: str, typed: str, option: str, touch: bool = False) -> None:
    """Choose in a searchable picker as a person does: type a few letters, then click (or tap) the option."""
    box = open_picker(page, label, touch)
    box.press_sequentially(typed)
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    expect(listbox.locator(".option").first).to_have_text(option)
    _press(listbox.locator(".option").filter(has_text=re.compile(rf"^{re.escape(option)}$")), touch)
    page.keyboard.press("Escape")


def offered(page, label: str, touch: bool = False) -> list[str]:
    """The options a picker's list shows when opened (all of them, under their headings)."""
    open_picker(page, label, touch)
    dropdown = page.locator(".ts-dropdown:visible")
    shown = dropdown.locator(".option").all_inner_texts()
    page.keyboard.press("Escape")
    return shown
