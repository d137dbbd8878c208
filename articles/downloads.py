"""A filtered list as a CSV or JSON file: the same rows as the page, serialized as the API does."""

import csv

from django.http import JsonResponse, StreamingHttpResponse

# A download is for a reader's spreadsheet; the API pages through anything larger.
MAX_ROWS = 10_000
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file whose write() hands the line back, so that csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def rows(queryset, serializer_class, request):
    serializer = serializer_class(context={"request": request})
    first = queryset[:MAX_ROWS]
    # A search's matches in their order come as a list, read in parts (SearchableQuerySet.ranked_then_older()).
    for instance in first if isinstance(first, list) else first.iterator(chunk_size=500):
        yield serializer.to_representation(instance)


def csv_download(queryset, serializer_class, request, name: str):
    writer = csv.writer(Echo())
    header = list(serializer_class().get_fields())

    def lines():
        yield writer.writerow(header)
        for row in rows(queryset, serializer_class, request):
            yield writer.writerow([spreadsheet_safe(row[field]) for field in header])

    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def spreadsheet_safe(value):
    """A cell value that a spreadsheet shows as written: text that would start a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def json_download(queryset, serializer_class, request, name: str):
    return JsonResponse(
        list(rows(queryset, serializer_class, request)),
        safe=False,
        json_dumps_params={"ensure_ascii": False},
        headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
    )


DOWNLOADS = {"csv": csv_download, "json": json_download}
