"""Model fixtures run on the test's event loop, whichever async plugin and loop scope, also
when an async test asks for one with ``request.getfixturevalue()``."""

from __future__ import annotations

import pytest

from tests.plugin._project import make_project, run

# The Store raises if an object is created on another loop than the one it was opened on.
TEST_MODULE = """
import asyncio
import pytest
from async_factory_boy.pytest import register
from models import UserFactory

register(UserFactory)

{marks}
async def test_user(user, store):
    assert store.loop is asyncio.get_running_loop()
    assert store.saved == [user.company, user]


{marks}
async def test_user_by_getfixturevalue(request, store):
    user = request.getfixturevalue("user")
    assert store.loop is asyncio.get_running_loop()
    assert store.saved[-2:] == [user.company, user]
    assert request.getfixturevalue("user") is user


{marks}
async def test_user_and_its_async_session_fixture_by_getfixturevalue(request):
    user = request.getfixturevalue("user")
    store = request.getfixturevalue("store")
    assert store.loop is asyncio.get_running_loop()
    assert store.saved[-2:] == [user.company, user]
"""


def test_pytest_asyncio_strict_mode(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(TEST_MODULE.format(marks="@pytest.mark.asyncio"))
    run(pytester, "-W", "error::pytest.PytestDeprecationWarning").assert_outcomes(passed=3)


def test_pytest_asyncio_auto_mode(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(TEST_MODULE.format(marks=""))
    run(pytester).assert_outcomes(passed=3)


def test_pytest_asyncio_session_scoped_loop(pytester: pytest.Pytester) -> None:
    make_project(
        pytester,
        conftest="""
import pytest_asyncio
from models import Store

@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def store():
    return Store()
""",
    )
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from async_factory_boy.pytest import register
        from models import CompanyFactory

        register(CompanyFactory)

        @pytest.mark.asyncio(loop_scope="session")
        async def test_first(company, store):
            assert store.loop is asyncio.get_running_loop()

        @pytest.mark.asyncio(loop_scope="session")
        async def test_second(company, store):
            assert len(store.saved) == 2
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_session_loop_by_ini_default(pytester: pytest.Pytester) -> None:
    make_project(
        pytester,
        conftest="""
import pytest_asyncio
from models import Store

@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def store():
    return Store()
""",
    )
    pytester.makeini(
        "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = session\n"
        "asyncio_default_test_loop_scope = session\n"
    )
    pytester.makepyfile(TEST_MODULE.format(marks="@pytest.mark.asyncio"))
    run(pytester).assert_outcomes(passed=3)


ANYIO_CONFTEST = """
import pytest
from models import Store

@pytest.fixture
def anyio_backend():
    return "asyncio"

@pytest.fixture
async def store(anyio_backend):
    return Store()
"""


def test_anyio_plugin_alongside_strict_pytest_asyncio(pytester: pytest.Pytester) -> None:
    make_project(pytester, conftest=ANYIO_CONFTEST)
    pytester.makepyfile(TEST_MODULE.format(marks="@pytest.mark.anyio"))
    run(pytester).assert_outcomes(passed=3)


def test_anyio_plugin_without_pytest_asyncio(pytester: pytest.Pytester) -> None:
    make_project(pytester, conftest=ANYIO_CONFTEST)
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(TEST_MODULE.format(marks="@pytest.mark.anyio"))
    run(pytester, "-p", "no:asyncio").assert_outcomes(passed=3)


def test_getfixturevalue_where_it_cannot_work_says_what_to_do(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio
        from async_factory_boy.pytest import register
        from models import CompanyFactory, Store, UserFactory

        register(UserFactory)
        register(CompanyFactory, session_fixture="module_store")

        @pytest_asyncio.fixture(scope="module", loop_scope="module")
        async def module_store():
            return Store()

        @pytest_asyncio.fixture
        async def admin(request):
            return request.getfixturevalue("user")

        @pytest.mark.asyncio
        async def test_from_an_async_fixture(admin):
            pass

        @pytest.mark.asyncio
        async def test_module_fixture_not_set_up(request):
            request.getfixturevalue("company")
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*fixture 'user' was asked for with request.getfixturevalue() in fixture 'admin' "
            "while the event loop runs*Name 'user' in the arguments of fixture 'admin' instead*",
            "*getfixturevalue() in async test 'test_module_fixture_not_set_up' reaches the "
            "module-scoped async fixture 'module_store' <- 'company_factory' <- 'company'*Ask for "
            "'module_store' in the test's arguments*",
        ],
        consecutive=False,
    )
