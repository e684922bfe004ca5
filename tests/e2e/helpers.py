"""What the browser journeys share: finding labelled controls, flashes and headings; signing in."""

from playwright.sync_api import Page, expect


def label(page: Page, text: str):
    """Return the form control with exactly this label."""
    return page.get_by_label(text, exact=True)


def flash(page: Page):
    """Return the flash messages at the top of the page."""
    return page.locator(".flashes")


def heading(page: Page):
    """Return the page's main heading."""
    return page.get_by_role("heading", level=1)


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the /login form."""
    page.goto("/login")
    expect(heading(page)).to_have_text("Sign in")
    label(page, "E-mail").fill(email)
    label(page, "Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(flash(page)).to_contain_text("Signed in.")


def sign_out(page: Page) -> None:
    """Sign out through the header's button."""
    page.get_by_role("button", name="Sign out").click()
    expect(flash(page)).to_contain_text("Signed out.")
