"""The page helpers: the typed person behind a request, and the paging of card grids."""

from __future__ import annotations

import pytest
from flask_login import login_user

from brandhub.web.context import PER_PAGE, paged
from brandhub.web.user import signed_in, visitor


def test_an_anonymous_visitor_is_none_and_not_signed_in(app):
    with app.test_request_context("/"):
        assert visitor() is None
        with pytest.raises(RuntimeError):
            signed_in()


def test_the_signed_in_person_is_the_user_model(app, make_user):
    user = make_user("editor")
    with app.test_request_context("/"):
        login_user(user)
        assert visitor() is user
        assert signed_in() is user


@pytest.mark.parametrize(
    ("query", "page", "first"),
    [("", 1, 0), ("?page=2", 2, PER_PAGE), ("?page=99", 3, 2 * PER_PAGE), ("?page=x", 1, 0)],
)
def test_paged_clamps_to_the_pages_there_are(app, query, page, first):
    items = list(range(2 * PER_PAGE + 5))
    with app.test_request_context("/" + query):
        shown, number, pages = paged(items)
    assert (number, pages) == (page, 3)
    assert shown[0] == first
    assert len(shown) == (5 if page == 3 else PER_PAGE)
