"""Admin pages that are not a model's list or form: importing articles, and the extractor's precision."""

import logging
from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.views.generic import FormView, TemplateView

from pledges.models import Pledge

from .importing.readers import FORMATS, read_stream
from .importing.records import RejectedRecord
from .importing.store import import_article
from .models import ImportOutcome, Quote
from .reviewing import precision_by_rule

logger = logging.getLogger(__name__)

# An upload is imported within the request; bigger files go through `manage.py import_articles`.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class AdminPageMixin:
    """An admin page of ``model_admin``'s model, open to editors holding ``permission`` on it."""

    model_admin = None
    permission = "view"
    title = ""

    def dispatch(self, request, *args, **kwargs):
        opts = self.model_admin.model._meta
        if not request.user.has_perm(f"{opts.app_label}.{self.permission}_{opts.model_name}"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **self.model_admin.admin_site.each_context(self.request),
            "opts": self.model_admin.model._meta,
            "title": self.title,
            **super().get_context_data(**kwargs),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple) and data:
            return [super(MultipleFileField, self).clean(file, initial) for file in data]
        return [super().clean(data, initial)]  # nothing chosen: the field's "required" message


class ImportForm(forms.Form):
    files = MultipleFileField(
        help_text=f"One or more {', '.join(FORMATS)} files, up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB each.",
        error_messages={"required": "Choose a file to import."},
    )
    outlet = forms.CharField(max_length=100, required=False, help_text="The outlet of records that name none.")
    draft = forms.BooleanField(required=False, help_text="Import as drafts, hidden from readers.")

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            if Path(upload.name).suffix.lower() not in FORMATS:
                raise forms.ValidationError(f"{upload.name} is not an article file: use {', '.join(FORMATS)}.")
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    f"{upload.name} is {upload.size / 1024 / 1024:.0f} MB, over the limit of "
                    f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB: import it with `manage.py import_articles`."
                )
        return files


class ImportArticlesView(AdminPageMixin, FormView):
    """Upload article files; they go through the same importer as `import_articles`, one transaction each."""

    permission = "add"
    title = "Import articles"
    form_class = ImportForm
    template_name = "admin/articles/article/import.html"

    def form_valid(self, form):
        counts = dict.fromkeys((ImportOutcome.CREATED, ImportOutcome.UPDATED, ImportOutcome.UNCHANGED), 0)
        rejected = []
        for upload in form.cleaned_data["files"]:
            for record in read_stream(upload.file, upload.name):
                if isinstance(record, RejectedRecord):
                    rejected.append(record)
                    continue
                try:
                    outcome = import_article(
                        record, draft=form.cleaned_data["draft"], default_outlet=form.cleaned_data["outlet"]
                    )
                except Exception:  # one story that cannot be stored must not stop the others
                    logger.exception("%s: could not be stored", record.where)
                    rejected.append(RejectedRecord(record.where, "could not be stored"))
                else:
                    counts[outcome.action] += 1
        context = self.get_context_data(form=ImportForm(), counts=counts, rejected=rejected, imported=True)
        return TemplateResponse(self.request, self.template_name, context)


class PrecisionView(AdminPageMixin, TemplateView):
    """How often editors approved what each extraction rule found: approved over reviewed."""

    title = "Extractor precision by rule"
    template_name = "admin/articles/precision.html"

    def get_context_data(self, **kwargs):
        tables = [(model._meta.verbose_name_plural, precision_by_rule(model)) for model in (Quote, Pledge)]
        return super().get_context_data(tables=tables, **kwargs)
