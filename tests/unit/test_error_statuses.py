"""HTTP statuses are decided in one table (server/api/errors.py), not by the errors."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from server import api, queueing, realtime, services, simulation
from server.api.errors import STATUS_OF_ERROR, http_status
from server.queueing import errors as core
from server.services import errors as service
from server.services.accounts.login_guard import TooManyAttemptsError
from server.services.counter.staffing import NotOnDutyError


def every_error_class() -> set[type]:
    for package in (api, queueing, realtime, services, simulation):  # not wsgi: it patches gevent
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    found, todo = set(), [core.QueueingError, service.ServiceError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_no_error_carries_its_own_http_status():
    carrying = sorted(f"{cls.__module__}.{cls.__name__}" for cls in every_error_class() if "status" in vars(cls))
    assert carrying == [], "add the class to STATUS_OF_ERROR in server/api/errors.py instead"


def test_there_is_one_not_found_error():
    names = {cls for cls in every_error_class() if cls.__name__ == "NotFoundError"}
    assert names == {core.NotFoundError}


@pytest.mark.parametrize(("error", "status"), [
    (core.WindowBusyError(), 409),
    (core.QueueEmptyError(), 404),
    (core.UnknownWindowError("w99"), 404),
    (core.TicketNotFoundError(), 404),
    (core.NotFoundError("unknown device", code="unknown_device"), 404),
    (core.UnknownMatterError("x"), 422),
    (core.InvalidOutcomeError(), 400),
    (core.CenterUpdateRefusedError(), 400),
    (service.BadRequestError("bad"), 400),
    (service.AuthenticationError("who"), 401),
    (NotOnDutyError("not this month"), 403),
    (service.ConflictError("taken"), 409),
    (service.UnprocessableError("no such unit"), 422),
    (TooManyAttemptsError("wait"), 429),
])
def test_each_error_answers_with_its_status(error, status):
    assert http_status(error) == status


def test_a_precise_code_replaces_the_class_code():
    error = core.NotFoundError("unknown device", code="unknown_device")
    assert (error.code, error.message, error.details) == ("unknown_device", "unknown device", {})
    assert core.NotFoundError().code == "not_found"


def test_the_table_lists_only_core_and_service_errors():
    assert all(issubclass(cls, core.QueueingError | service.ServiceError) for cls in STATUS_OF_ERROR)
