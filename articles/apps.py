from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles, speakers and quotes"

    def ready(self):
        from .editors import ensure_editors_group
        from .search import restore_sqlite_search

        post_migrate.connect(ensure_editors_group, dispatch_uid="articles.ensure_editors_group")
        post_migrate.connect(restore_sqlite_search, sender=self, dispatch_uid="articles.search")
