"""PostgreSQL keeps each search document in its row (postgresql_statements()); databases made before let the
longer ones, the articles', go out of line, and those are written again in their rows."""

from django.db import migrations

from articles.search import documents_in_rows

SEARCHED = [
    ("articles", "article"),
    ("articles", "quote"),
    ("articles", "speaker"),
    ("articles", "speakeralias"),
    ("pledges", "pledge"),
]


def keep_documents_in_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name in SEARCHED:
        schema_editor.execute(
            documents_in_rows(schema_editor.quote_name(apps.get_model(app_label, model_name)._meta.db_table))
        )
    # Writing a row computes its document afresh, now in the row.
    article_table = schema_editor.quote_name(apps.get_model("articles", "article")._meta.db_table)
    schema_editor.execute(f"UPDATE {article_table} SET headline = headline")


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_speaker_pledged_for_count"), ("pledges", "0007_pledger_status_index")]

    operations = [migrations.RunPython(keep_documents_in_rows, migrations.RunPython.noop)]
