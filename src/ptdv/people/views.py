from django.http import Http404, HttpRequest, HttpResponse


def person_list(request: HttpRequest) -> HttpResponse:
    raise Http404
