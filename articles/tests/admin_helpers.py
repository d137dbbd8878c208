"""What the admin tests share: editor accounts, and the data a change form would post back."""

from django.contrib.auth import get_user_model
from django.test import Client

from articles.editors import ensure_editors_group


def make_editor(username: str = "editor"):
    user = get_user_model().objects.create_user(username=username, password="a-long-editor-password", is_staff=True)
    user.groups.add(ensure_editors_group())
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_form_data(response, **changes) -> dict:
    """The fields of a rendered admin change form, main form and inlines, as a browser would post them."""
    context = response.context
    forms = [context["adminform"].form]
    for inline in context.get("inline_admin_formsets", []):  # a revert page has none
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
            if field.field.show_hidden_initial:  # as the browser posts for defaults like today's date
                data[field.html_initial_name] = data[field.html_name]
    return {**data, **changes}


def run_action(client, url: str, action: str, items, **extra):
    """Post an admin action on ``items`` as the changelist's action bar does."""
    data = {"action": action, "_selected_action": [item.pk for item in items], **extra}
    return client.post(url, data, follow=True)
