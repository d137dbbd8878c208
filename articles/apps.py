from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles, speakers and quotes"

    def ready(self):
        from axes.signals import user_locked_out

        from . import caching, counting
        from .editors import ensure_editors_group, log_lockout
        from .search import restore_sqlite_search

        post_migrate.connect(ensure_editors_group, dispatch_uid="articles.ensure_editors_group")
        user_locked_out.connect(log_lockout, dispatch_uid="articles.log_lockout")
        post_migrate.connect(restore_sqlite_search, sender=self, dispatch_uid="articles.search")
        caching.connect_signals()
        counting.connect_signals()
