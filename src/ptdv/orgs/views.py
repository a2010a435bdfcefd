from django.http import Http404, HttpRequest, HttpResponse


def tree(request: HttpRequest) -> HttpResponse:
    raise Http404


def detail(request: HttpRequest, org_id: int) -> HttpResponse:
    raise Http404
