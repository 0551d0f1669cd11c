from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Главная и разделы"

    def ready(self):
        # Imported once the app registry is ready: they import models.
        from django.db.models.signals import post_save
        from wagtail.models import Site
        from wagtail.signals import post_page_move

        from home import site_roots, tree_top

        # The depths sites are rooted at (home/site_roots.py), kept as roots appear or move.
        post_save.connect(site_roots.site_saved, sender=Site, dispatch_uid="site-root-depths")
        post_save.connect(site_roots.page_saved, dispatch_uid="site-root-depths-page")
        post_page_move.connect(site_roots.page_moved, dispatch_uid="site-root-depths-move")
        # The tree top kept on flagged news and events (home/tree_top.py) follows a move.
        post_page_move.connect(tree_top.page_moved, dispatch_uid="tree-top-move")
