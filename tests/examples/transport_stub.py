"""The stand-in for the network that the example clients' tests share: it records each request
and answers with canned responses, in order."""

from __future__ import annotations

from zoho_crm_bulk import Request, Response


class StubTransport:
    """Records every request and answers with the next canned response."""

    def __init__(self, *responses: Response) -> None:
        self.responses = list(responses)
        self.requests: list[Request] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        assert self.responses, f"unexpected extra request: {request.method} {request.url}"
        return self.responses.pop(0)
